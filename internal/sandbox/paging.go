package sandbox

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

const (
	defaultPageSize = 100
	maxPageSize     = 1000
	cursorPrefix    = "k1:"
)

// page is a parsed ?max=&cursor= pair. After is the sort key of the last item of the previous
// page ("" = from the start). Lists are ordered by a unique key (id, phone number), so keyset
// paging is stable while rows come and go.
type page struct {
	Max   int
	After string
}

// parsePage reads max (default 100, 1..1000) and cursor; bad values are 400 invalid_request.
func parsePage(r *http.Request) (page, error) {
	p := page{Max: defaultPageSize}
	q := r.URL.Query()
	if v := q.Get("max"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPageSize {
			return p, errBadRequest("max", "max must be an integer from 1 to 1000")
		}
		p.Max = n
	}
	if v := q.Get("cursor"); v != "" {
		b, err := base64.RawURLEncoding.DecodeString(v)
		if err != nil || !strings.HasPrefix(string(b), cursorPrefix) {
			return p, errBadRequest("cursor", "cursor is not a cursor this api issued")
		}
		p.After = strings.TrimPrefix(string(b), cursorPrefix)
	}
	return p, nil
}

// limit is the SQL LIMIT that detects a next page: one row more than a page.
func (p page) limit() int { return p.Max + 1 }

func encodeCursor(key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + key))
}

// trimPage cuts a result of up to p.limit() rows to one page; when there is more it sets the
// Link header to the next page, whose cursor is the key of the page's last row.
func trimPage[T any](w http.ResponseWriter, r *http.Request, p page, rows []T, key func(T) string) []T {
	if len(rows) <= p.Max {
		return rows
	}
	rows = rows[:p.Max]
	setNextLink(w, r, p, key(rows[len(rows)-1]))
	return rows
}

// setNextLink sets `Link: <absolute-url>; rel="next"`, keeping the request's other query
// parameters.
func setNextLink(w http.ResponseWriter, r *http.Request, p page, lastKey string) {
	q := r.URL.Query()
	q.Set("max", strconv.Itoa(p.Max))
	q.Set("cursor", encodeCursor(lastKey))
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	u := url.URL{Scheme: scheme, Host: r.Host, Path: r.URL.Path, RawQuery: q.Encode()}
	w.Header().Set("Link", "<"+u.String()+`>; rel="next"`)
}

// listResponse is the body of every list: {"items":[...]} (never null).
type listResponse[T any] struct {
	Items []T `json:"items"`
}

func list[T any](items []T) listResponse[T] {
	if items == nil {
		items = []T{}
	}
	return listResponse[T]{Items: items}
}
