package webex

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// FlexBool is a boolean the API may send as true/false or as "true"/"false" (the People spec
// declares invitePending and loginEnabled as strings; the service has sent booleans). It is
// written as the spec's string.
type FlexBool bool

// UnmarshalJSON accepts true, false, "true", "false" and null (false).
func (b *FlexBool) UnmarshalJSON(data []byte) error {
	s := strings.Trim(strings.TrimSpace(string(data)), `"`)
	switch strings.ToLower(s) {
	case "true":
		*b = true
	case "false", "null", "":
		*b = false
	default:
		return fmt.Errorf("invalid boolean %s", data)
	}
	return nil
}

// MarshalJSON writes "true" or "false" (strings, as the spec declares).
func (b FlexBool) MarshalJSON() ([]byte, error) {
	return []byte(strconv.Quote(strconv.FormatBool(bool(b)))), nil
}

// PhoneNumber is one of a person's phone numbers (type work, work_extension, mobile, fax).
type PhoneNumber struct {
	Type    string `json:"type,omitempty"`
	Value   string `json:"value,omitempty"`
	Primary bool   `json:"primary,omitempty"`
}

// SipAddress is one of a person's SIP addresses.
type SipAddress struct {
	Type    string `json:"type,omitempty"`
	Value   string `json:"value,omitempty"`
	Primary bool   `json:"primary,omitempty"`
}

// PersonAddress is a person's postal address.
type PersonAddress struct {
	Type          string `json:"type,omitempty"`
	Country       string `json:"country,omitempty"`
	Locality      string `json:"locality,omitempty"`
	Region        string `json:"region,omitempty"`
	StreetAddress string `json:"streetAddress,omitempty"`
	PostalCode    string `json:"postalCode,omitempty"`
}

// Person is a Webex person (GET /people/{personId}; with callingData the calling fields
// extension, locationId and work_extension numbers are filled).
type Person struct {
	ID                string          `json:"id,omitempty"`
	Emails            []string        `json:"emails,omitempty"`
	PhoneNumbers      []PhoneNumber   `json:"phoneNumbers,omitempty"`
	Extension         string          `json:"extension,omitempty"`
	LocationID        string          `json:"locationId,omitempty"`
	DisplayName       string          `json:"displayName,omitempty"`
	NickName          string          `json:"nickName,omitempty"`
	FirstName         string          `json:"firstName,omitempty"`
	LastName          string          `json:"lastName,omitempty"`
	Avatar            string          `json:"avatar,omitempty"`
	OrgID             string          `json:"orgId,omitempty"`
	Roles             []string        `json:"roles,omitempty"`
	Licenses          []string        `json:"licenses,omitempty"`
	Department        string          `json:"department,omitempty"`
	Manager           string          `json:"manager,omitempty"`
	ManagerID         string          `json:"managerId,omitempty"`
	Title             string          `json:"title,omitempty"`
	Addresses         []PersonAddress `json:"addresses,omitempty"`
	Created           string          `json:"created,omitempty"`
	LastModified      string          `json:"lastModified,omitempty"`
	Timezone          string          `json:"timezone,omitempty"`
	LastActivity      string          `json:"lastActivity,omitempty"`
	SiteURLs          []string        `json:"siteUrls,omitempty"`
	SipAddresses      []SipAddress    `json:"sipAddresses,omitempty"`
	XMPPFederationJID string          `json:"xmppFederationJid,omitempty"`
	Status            string          `json:"status,omitempty"`
	InvitePending     FlexBool        `json:"invitePending,omitempty"`
	LoginEnabled      FlexBool        `json:"loginEnabled,omitempty"`
	Type              string          `json:"type,omitempty"`
}

// HasEmail reports whether email is one of p's emails (case-insensitively).
func (p *Person) HasEmail(email string) bool {
	for _, e := range p.Emails {
		if strings.EqualFold(strings.TrimSpace(e), strings.TrimSpace(email)) {
			return true
		}
	}
	return false
}

// PersonPhoneNumber is a phone number of a create or update (type "work").
type PersonPhoneNumber struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

// PersonCreate is the body of POST /people: Emails holds exactly one address; OrgID names the
// customer organisation for a partner admin.
type PersonCreate struct {
	Emails       []string            `json:"emails"`
	PhoneNumbers []PersonPhoneNumber `json:"phoneNumbers,omitempty"`
	Extension    string              `json:"extension,omitempty"`
	LocationID   string              `json:"locationId,omitempty"`
	DisplayName  string              `json:"displayName,omitempty"`
	FirstName    string              `json:"firstName,omitempty"`
	LastName     string              `json:"lastName,omitempty"`
	Avatar       string              `json:"avatar,omitempty"`
	OrgID        string              `json:"orgId,omitempty"`
	Roles        []string            `json:"roles,omitempty"`
	Licenses     []string            `json:"licenses,omitempty"`
	Department   string              `json:"department,omitempty"`
	Manager      string              `json:"manager,omitempty"`
	ManagerID    string              `json:"managerId,omitempty"`
	Title        string              `json:"title,omitempty"`
	Addresses    []PersonAddress     `json:"addresses,omitempty"`
	SiteURLs     []string            `json:"siteUrls,omitempty"`
}

// PersonUpdate is the body of PUT /people/{personId}, which replaces the whole person:
// DisplayName is required, and a field left out is cleared. Read the person, change it, send it.
type PersonUpdate struct {
	Emails       []string            `json:"emails,omitempty"`
	PhoneNumbers []PersonPhoneNumber `json:"phoneNumbers,omitempty"`
	Extension    string              `json:"extension,omitempty"`
	LocationID   string              `json:"locationId,omitempty"`
	DisplayName  string              `json:"displayName"`
	FirstName    string              `json:"firstName,omitempty"`
	LastName     string              `json:"lastName,omitempty"`
	NickName     string              `json:"nickName,omitempty"`
	Avatar       string              `json:"avatar,omitempty"`
	OrgID        string              `json:"orgId,omitempty"`
	Roles        []string            `json:"roles,omitempty"`
	Licenses     []string            `json:"licenses,omitempty"`
	Department   string              `json:"department,omitempty"`
	Manager      string              `json:"manager,omitempty"`
	ManagerID    string              `json:"managerId,omitempty"`
	Title        string              `json:"title,omitempty"`
	Addresses    []PersonAddress     `json:"addresses,omitempty"`
	SiteURLs     []string            `json:"siteUrls,omitempty"`
	LoginEnabled *bool               `json:"loginEnabled,omitempty"`
}

// UpdateFromPerson returns the PersonUpdate that writes p back unchanged (the start of a
// read-modify-write). Work numbers only: the API accepts no other type on a write.
func UpdateFromPerson(p *Person) PersonUpdate {
	u := PersonUpdate{
		Emails: p.Emails, Extension: p.Extension, LocationID: p.LocationID, DisplayName: p.DisplayName,
		FirstName: p.FirstName, LastName: p.LastName, NickName: p.NickName, Avatar: p.Avatar, OrgID: p.OrgID,
		Roles: p.Roles, Licenses: p.Licenses, Department: p.Department, Manager: p.Manager,
		ManagerID: p.ManagerID, Title: p.Title, Addresses: p.Addresses, SiteURLs: p.SiteURLs,
	}
	for _, n := range p.PhoneNumbers {
		if n.Type == "work" {
			u.PhoneNumbers = append(u.PhoneNumbers, PersonPhoneNumber{Type: n.Type, Value: n.Value})
		}
	}
	le := bool(p.LoginEnabled)
	u.LoginEnabled = &le
	return u
}

// PersonFilter filters GET /people. PageSize 0 means the endpoint's maximum (100 with
// CallingData, 50 with LocationID).
type PersonFilter struct {
	Email       string
	DisplayName string
	IDs         []string
	OrgID       string
	Roles       []string
	LocationID  string
	CallingData bool
	PageSize    int
}

// ListPeople returns every person matching f, following the Link pages.
func (c *Client) ListPeople(ctx context.Context, f PersonFilter) ([]Person, error) {
	q := orgQuery(f.OrgID)
	setIf(q, "email", f.Email)
	setIf(q, "displayName", f.DisplayName)
	setIf(q, "id", strings.Join(f.IDs, ","))
	setIf(q, "roles", strings.Join(f.Roles, ","))
	setIf(q, "locationId", f.LocationID)
	if f.CallingData {
		q.Set("callingData", "true")
	}
	limit := 100
	if f.LocationID != "" {
		limit = 50
	}
	if err := setPageSize(q, f.PageSize, limit); err != nil {
		return nil, err
	}
	return listLinks[Person](ctx, c, pathOf("/people"), q, "items")
}

// GetPerson returns one person.
func (c *Client) GetPerson(ctx context.Context, personID string, callingData bool) (*Person, error) {
	var p Person
	_, err := c.do(ctx, request{method: http.MethodGet, path: pathOf("/people/{personId}", personID), query: callingQuery(callingData), out: &p})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// CreatePerson creates a person (POST, not idempotent, no retry after the request was sent
// except on 429/503). A 400 may hide a person that was created all the same: CreatePersonSafe
// handles that.
func (c *Client) CreatePerson(ctx context.Context, p PersonCreate, callingData bool) (*Person, error) {
	if len(p.Emails) != 1 || strings.TrimSpace(p.Emails[0]) == "" {
		return nil, errors.New("webex: a person is created with exactly one email")
	}
	var out Person
	_, err := c.do(ctx, request{method: http.MethodPost, path: pathOf("/people"), query: callingQuery(callingData), body: p, out: &out})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// CreatePersonResult is the outcome of CreatePersonSafe.
type CreatePersonResult struct {
	Person *Person
	// Found is true when the create's answer was ambiguous (an error that may hide a person that
	// was created: 400, 409, 5xx, a timeout or a reset) and the person was then found by email.
	// The caller decides whether that person is the one it asked for (names, location).
	Found bool
}

// CreatePersonSafe creates a person like CreatePerson, but an ambiguous answer (400, 409, 5xx, a
// timeout or a connection reset) is followed by a look-up by email (in p.OrgID) before anything
// else: a person found is returned with Found set. When none is found, a 5xx or transport error
// is retried once (the create certainly did not happen), a 400 or 409 is returned as it is.
func (c *Client) CreatePersonSafe(ctx context.Context, p PersonCreate, callingData bool) (*CreatePersonResult, error) {
	var lastErr error
	for try := 0; try < 2; try++ {
		person, err := c.CreatePerson(ctx, p, callingData)
		if err == nil {
			return &CreatePersonResult{Person: person}, nil
		}
		lastErr = err
		if ctx.Err() != nil || !ambiguousCreate(err) {
			return nil, err
		}
		found, lerr := c.findPersonByEmail(ctx, p.OrgID, p.Emails[0], callingData)
		if lerr != nil {
			return nil, fmt.Errorf("%w (and looking the person up by email afterwards failed: %w)", err, lerr)
		}
		if found != nil {
			return &CreatePersonResult{Person: found, Found: true}, nil
		}
		if e, ok := AsError(err); ok && e.Status < 500 {
			return nil, err
		}
	}
	return nil, lastErr
}

// ambiguousCreate reports whether a create's failure may hide a created object.
func ambiguousCreate(err error) bool {
	if e, ok := AsError(err); ok {
		return e.Status == http.StatusBadRequest || e.Status == http.StatusConflict || e.Status >= 500
	}
	var rae *RetryAfterExceededError
	if errors.As(err, &rae) {
		return false
	}
	// A transport failure: refused, unknown host and TLS never reached the server.
	return !permanentTransportError(err)
}

func (c *Client) findPersonByEmail(ctx context.Context, orgID, email string, callingData bool) (*Person, error) {
	people, err := c.ListPeople(ctx, PersonFilter{Email: email, OrgID: orgID, CallingData: callingData})
	if err != nil {
		return nil, err
	}
	for i := range people {
		if people[i].HasEmail(email) {
			return &people[i], nil
		}
	}
	return nil, nil
}

// UpdatePerson replaces a person (PUT) and returns it; when the service answers 204 the person is
// read back.
func (c *Client) UpdatePerson(ctx context.Context, personID string, u PersonUpdate, callingData bool) (*Person, error) {
	if strings.TrimSpace(u.DisplayName) == "" {
		return nil, errors.New("webex: displayName is required to update a person")
	}
	var out Person
	resp, err := c.do(ctx, request{method: http.MethodPut, path: pathOf("/people/{personId}", personID), query: callingQuery(callingData), body: u, out: &out})
	if err != nil {
		return nil, err
	}
	if resp.status == http.StatusNoContent {
		return c.GetPerson(ctx, personID, callingData)
	}
	return &out, nil
}

// DeletePerson removes a person.
func (c *Client) DeletePerson(ctx context.Context, personID string) error {
	_, err := c.do(ctx, request{method: http.MethodDelete, path: pathOf("/people/{personId}", personID)})
	return err
}

func callingQuery(callingData bool) url.Values {
	q := url.Values{}
	if callingData {
		q.Set("callingData", "true")
	}
	return q
}
