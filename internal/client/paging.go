package client

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// maxPageSize is the largest page the API serves (api/README.md, "Paging").
const maxPageSize = 1000

// listAll GETs p with query and every following page (Link rel="next") and returns all items.
// pageSize 0 lets the server choose (100); otherwise it is sent as max.
//
// The next link is not followed blindly: only its query (cursor, max, filters) is taken and
// sent to this client's endpoint and path, so a link that names another host or scheme (a
// proxy, a misconfigured server) can never carry the token elsewhere.
func listAll[T any](ctx context.Context, c *Client, p apiPath, query url.Values, pageSize int) ([]T, error) {
	if p.err != nil {
		return nil, p.err
	}
	if pageSize < 0 || pageSize > maxPageSize {
		return nil, fmt.Errorf("page size (max) must be between 1 and %d, got %d", maxPageSize, pageSize)
	}
	if query == nil {
		query = url.Values{}
	}
	if pageSize > 0 {
		query.Set("max", strconv.Itoa(pageSize))
	}
	base := c.endpoint + p.path
	next := base
	if len(query) > 0 {
		next += "?" + query.Encode()
	}
	items := make([]T, 0)
	seen := map[string]bool{}
	for next != "" {
		if seen[next] {
			return nil, fmt.Errorf("get %s: paging loop: the server sent the same next link twice", p.path)
		}
		seen[next] = true
		var page struct {
			Items []T `json:"items"`
		}
		h, err := c.doURL(ctx, http.MethodGet, next, nil, "", &page)
		if err != nil {
			return nil, err
		}
		items = append(items, page.Items...)
		link := nextLink(h)
		if link == "" {
			break
		}
		u, err := url.Parse(link)
		if err != nil {
			return nil, fmt.Errorf("get %s: invalid next link %q: %w", p.path, link, err)
		}
		if u.Path != "" && !strings.HasSuffix(u.EscapedPath(), p.path) {
			return nil, fmt.Errorf("get %s: next link %q points to another collection", p.path, link)
		}
		if u.RawQuery == "" {
			return nil, fmt.Errorf("get %s: next link %q has no cursor", p.path, link)
		}
		next = base + "?" + u.RawQuery
	}
	return items, nil
}

// nextLink returns the target of the rel="next" entry of the Link headers (RFC 8288), or "".
func nextLink(h http.Header) string {
	for _, v := range h.Values("Link") {
		for v != "" {
			v = strings.TrimLeft(v, " \t,")
			if !strings.HasPrefix(v, "<") {
				break
			}
			end := strings.IndexByte(v, '>')
			if end < 0 {
				break
			}
			target := v[1:end]
			v = v[end+1:]
			// Parameters run to the next comma outside quotes.
			params, rest := splitParams(v)
			v = rest
			for _, param := range strings.Split(params, ";") {
				name, val, ok := strings.Cut(strings.TrimSpace(param), "=")
				if !ok || !strings.EqualFold(strings.TrimSpace(name), "rel") {
					continue
				}
				for _, rel := range strings.Fields(strings.Trim(strings.TrimSpace(val), `"`)) {
					if strings.EqualFold(rel, "next") {
						return target
					}
				}
			}
		}
	}
	return ""
}

func splitParams(s string) (params, rest string) {
	inQuote := false
	for i, r := range s {
		switch {
		case r == '"':
			inQuote = !inQuote
		case r == ',' && !inQuote:
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}
