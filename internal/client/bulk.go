package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Values of UserFilter-style include lists: the per-user objects GET /v1/enterprises/{ent}/users
// embeds in each item with ?include= (api/README.md, "Bulk reads").
const (
	IncludeNumber         = "number"
	IncludeE911           = "e911"
	IncludeIntegratedIMP  = "integratedImp"
	IncludeActivation     = "activation"
	IncludeCallForwarding = "callForwarding"
)

// AllIncludes are every per-user object a users list can embed (UserWithServices.UnmarshalJSON
// relies on this order).
var AllIncludes = []string{IncludeNumber, IncludeE911, IncludeIntegratedIMP, IncludeActivation, IncludeCallForwarding}

// UserWithServices is a users list item with the embedded per-user objects. Each is exactly what
// the per-user GET returns; nil when the user has none (the page says null: the GET would answer
// 404) and also nil when the page does not carry it at all (not asked for, or a backend that
// ignores include=). Embedded tells the two apart: only an embedded nil means the user has none.
type UserWithServices struct {
	User
	Number         *Number         `json:"number"`
	E911           *E911           `json:"e911"`
	IntegratedIMP  *IMP            `json:"integratedImp"`
	Activation     *Activation     `json:"activation"`
	CallForwarding *CallForwarding `json:"callForwarding"`

	embedded uint8 // bit i: AllIncludes[i] is present in the item (object or null)
}

// Embedded reports whether the item carries the per-user object include (one of the Include…
// values): true when the page embedded it, as the object or as null (the user has none), false
// when the key is absent, and then only the object's own GET can say whether the user has it.
func (u *UserWithServices) Embedded(include string) bool {
	for i, inc := range AllIncludes {
		if inc == include {
			return u.embedded&(1<<i) != 0
		}
	}
	return false
}

// UnmarshalJSON decodes a list item and records which include keys it carries (see Embedded).
func (u *UserWithServices) UnmarshalJSON(data []byte) error {
	type plain UserWithServices // the same fields without this method
	if err := json.Unmarshal(data, (*plain)(u)); err != nil {
		return err // the decoder's own error: the caller wraps it
	}
	var keys struct {
		Number         json.RawMessage `json:"number"`
		E911           json.RawMessage `json:"e911"`
		IntegratedIMP  json.RawMessage `json:"integratedImp"`
		Activation     json.RawMessage `json:"activation"`
		CallForwarding json.RawMessage `json:"callForwarding"`
	}
	if err := json.Unmarshal(data, &keys); err != nil {
		return err // the decoder's own error: the caller wraps it
	}
	u.embedded = 0
	for i, raw := range [...]json.RawMessage{keys.Number, keys.E911, keys.IntegratedIMP, keys.Activation, keys.CallForwarding} {
		if raw != nil { // absent stays nil; null arrives as the four bytes "null"
			u.embedded |= 1 << i
		}
	}
	return nil
}

// UserPage is one page of GET /v1/enterprises/{ent}/users.
type UserPage struct {
	Items []UserWithServices `json:"items"`
	// Total is how many users match the filters over all pages.
	Total int64 `json:"total"`
	// Next is the cursor query of the next page ("" on the last page): pass it back as the
	// cursor argument of ListUsersPage.
	Next string `json:"-"`
}

// ListUsersPage reads one page of the enterprise's users (filters of f, page size f.Max, 0 = the
// server's default) with the per-user objects of include embedded. cursor is "" for the first
// page, else the Next of the previous page. Use it to read an enterprise page by page and stop
// when the rest is not worth reading; ListUsers reads every page.
func (c *Client) ListUsersPage(ctx context.Context, enterpriseID string, f UserFilter, include []string, cursor string) (*UserPage, error) {
	p := pathOf("/v1/enterprises/{enterprise}/users", enterpriseID)
	if p.err != nil {
		return nil, p.err
	}
	if f.Max < 0 || f.Max > maxPageSize {
		return nil, fmt.Errorf("page size (max) must be between 1 and %d, got %d", maxPageSize, f.Max)
	}
	var raw string
	if cursor != "" {
		raw = cursor
	} else {
		q := url.Values{}
		setIf(q, "groupId", f.GroupID)
		setIf(q, "email", f.Email)
		setIf(q, "extension", f.Extension)
		setIf(q, "phoneNumber", f.PhoneNumber)
		if len(include) > 0 {
			q.Set("include", strings.Join(include, ","))
		}
		if f.Max > 0 {
			q.Set("max", strconv.Itoa(f.Max))
		}
		raw = q.Encode()
	}
	u := c.endpoint + p.path
	if raw != "" {
		u += "?" + raw
	}
	var page UserPage
	h, err := c.doURL(ctx, http.MethodGet, u, nil, "", &page)
	if err != nil {
		return nil, err
	}
	next, err := nextQuery(p, h)
	if err != nil {
		return nil, err
	}
	if next == raw {
		return nil, fmt.Errorf("get %s: paging loop: the server sent the same next link", p.path)
	}
	page.Next = next
	return &page, nil
}

// nextQuery returns the query of the rel="next" link of a list response ("" when there is none).
// Only the query is taken (see listAll): a link to another host or collection is an error.
func nextQuery(p apiPath, h http.Header) (string, error) {
	link := nextLink(h)
	if link == "" {
		return "", nil
	}
	u, err := url.Parse(link)
	if err != nil {
		return "", fmt.Errorf("get %s: invalid next link %q: %w", p.path, link, err)
	}
	if u.Path != "" && !strings.HasSuffix(u.EscapedPath(), p.path) {
		return "", fmt.Errorf("get %s: next link %q points to another collection", p.path, link)
	}
	if u.RawQuery == "" {
		return "", fmt.Errorf("get %s: next link %q has no cursor", p.path, link)
	}
	return u.RawQuery, nil
}
