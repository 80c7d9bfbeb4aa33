package webex

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// maxPages bounds every paged listing: a server that pages forever is an error, not a hang.
const maxPages = 10000

// decodeItems reads the array under key (e.g. "items", "phoneNumbers") of a list page. A page
// without the key, or with null, has no items.
func decodeItems[T any](raw map[string]json.RawMessage, key string) ([]T, error) {
	v, ok := raw[key]
	if !ok || string(v) == "null" {
		return nil, nil
	}
	var items []T
	if err := json.Unmarshal(v, &items); err != nil {
		return nil, fmt.Errorf("decoding %q: %w", key, err)
	}
	return items, nil
}

// listLinks GETs p with query and follows the Link rel="next" headers until there is none or a
// page has no items, and returns every item under key.
//
// The next link is not followed blindly: only its query is taken and sent to this client's base
// URL and p's path, so a link naming another host can never carry the token elsewhere; and a
// filter of the first request that the link drops is put back (a known Webex behaviour).
func listLinks[T any](ctx context.Context, c *Client, p apiPath, query url.Values, key string) ([]T, error) {
	if p.err != nil {
		return nil, p.err
	}
	if query == nil {
		query = url.Values{}
	}
	base := c.baseURL + p.path
	next := base
	if len(query) > 0 {
		next += "?" + query.Encode()
	}
	items := make([]T, 0)
	seen := map[string]bool{}
	for pages := 0; next != ""; pages++ {
		if pages >= maxPages {
			return nil, fmt.Errorf("webex: get %s: more than %d pages", c.basePath+p.path, maxPages)
		}
		if seen[next] {
			return nil, fmt.Errorf("webex: get %s: paging loop: the server sent the same next link twice", c.basePath+p.path)
		}
		seen[next] = true
		var raw map[string]json.RawMessage
		resp, err := c.doURL(ctx, request{method: http.MethodGet, out: &raw}, next)
		if err != nil {
			return nil, err
		}
		page, err := decodeItems[T](raw, key)
		if err != nil {
			return nil, fmt.Errorf("webex: get %s: %w", c.basePath+p.path, err)
		}
		if len(page) == 0 {
			break
		}
		items = append(items, page...)
		link := nextLink(resp.header)
		if link == "" {
			break
		}
		u, err := url.Parse(link)
		if err != nil {
			return nil, fmt.Errorf("webex: get %s: invalid next link %q: %w", c.basePath+p.path, link, err)
		}
		if u.Path != "" && strings.TrimRight(u.EscapedPath(), "/") != c.basePath+p.path {
			return nil, fmt.Errorf("webex: get %s: next link %q points to another collection", c.basePath+p.path, link)
		}
		q := u.Query()
		for k, v := range query {
			if _, ok := q[k]; !ok {
				q[k] = v
			}
		}
		next = base + "?" + q.Encode()
	}
	return items, nil
}

// listOffset pages by offset: it GETs p with query plus offsetParam (offset, or start for the
// telephony lists) and max = pageSize, and moves the offset on by each page's length, until a
// page is empty or shorter than pageSize (pageSize is the endpoint's documented maximum, so a
// shorter page is the last). A Link rel="next", if the server sends one, is not needed.
func listOffset[T any](ctx context.Context, c *Client, p apiPath, query url.Values, key, offsetParam string, start, pageSize int) ([]T, error) {
	if p.err != nil {
		return nil, p.err
	}
	if query == nil {
		query = url.Values{}
	}
	items := make([]T, 0)
	offset := start
	for pages := 0; ; pages++ {
		if pages >= maxPages {
			return nil, fmt.Errorf("webex: get %s: more than %d pages", c.basePath+p.path, maxPages)
		}
		q := url.Values{}
		for k, v := range query {
			q[k] = v
		}
		q.Set(offsetParam, strconv.Itoa(offset))
		q.Set("max", strconv.Itoa(pageSize))
		var raw map[string]json.RawMessage
		if _, err := c.do(ctx, request{method: http.MethodGet, path: p, query: q, out: &raw}); err != nil {
			return nil, err
		}
		page, err := decodeItems[T](raw, key)
		if err != nil {
			return nil, fmt.Errorf("webex: get %s: %w", c.basePath+p.path, err)
		}
		items = append(items, page...)
		if len(page) < pageSize {
			break
		}
		offset += len(page)
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

// splitParams splits a Link entry's parameters from the entries after it (at the first comma
// outside quotes).
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
