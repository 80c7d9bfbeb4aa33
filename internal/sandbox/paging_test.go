package sandbox

import (
	"net/url"
	"regexp"
	"slices"
	"testing"
)

var linkNext = regexp.MustCompile(`^<([^>]+)>; rel="next"$`)

func TestPagingFollowsLinkHeaders(t *testing.T) {
	e := newEnv(t)
	const total = 250
	var created []string
	for i := 0; i < total; i++ {
		created = append(created, e.createUser(acmeToken, nil)["id"].(string))
	}
	e.createUser(acmeToken, map[string]any{"groupId": "grp_paris"}) // filtered out below
	slices.Sort(created)

	var seen []string
	next := e.url + "/v1/enterprises/ent_acme/users?max=100&groupId=grp_denver"
	pages := 0
	for next != "" {
		pages++
		r := e.must(200, e.request("GET", next, acmeToken, nil))
		items := r.items(t)
		for _, it := range items {
			seen = append(seen, it["id"].(string))
		}
		next = ""
		if link := r.header.Get("Link"); link != "" {
			m := linkNext.FindStringSubmatch(link)
			if m == nil {
				t.Fatalf("Link %q", link)
			}
			u, err := url.Parse(m[1])
			if err != nil || !u.IsAbs() {
				t.Fatalf("Link URL %q is not absolute: %v", m[1], err)
			}
			if q := u.Query(); q.Get("groupId") != "grp_denver" || q.Get("max") != "100" || q.Get("cursor") == "" {
				t.Fatalf("Link URL %q lost its parameters", m[1])
			}
			next = m[1]
		}
		if pages < 3 && len(items) != 100 {
			t.Fatalf("page %d has %d items", pages, len(items))
		}
	}
	if pages != 3 {
		t.Errorf("%d pages, want 3", pages)
	}
	if !slices.Equal(seen, created) {
		t.Errorf("paged %d ids, created %d; equal in order: false", len(seen), len(created))
	}

	t.Run("default page and exact fit", func(t *testing.T) {
		e := e.sub(t)
		r := e.must(200, e.request("GET", "/v1/enterprises/ent_acme/users", acmeToken, nil))
		if n := len(r.items(t)); n != 100 || r.header.Get("Link") == "" {
			t.Errorf("default page: %d items, Link %q", n, r.header.Get("Link"))
		}
		r = e.must(200, e.request("GET", "/v1/enterprises/ent_acme/users?max=251", acmeToken, nil))
		if n := len(r.items(t)); n != 251 || r.header.Get("Link") != "" {
			t.Errorf("exact fit: %d items, Link %q", n, r.header.Get("Link"))
		}
	})
	t.Run("bad parameters", func(t *testing.T) {
		e := e.sub(t)
		for _, q := range []string{"max=0", "max=1001", "max=x", "max=-1"} {
			e.wantError(e.request("GET", "/v1/enterprises/ent_acme/users?"+q, acmeToken, nil), 400, "invalid_request", "max")
		}
		e.wantError(e.request("GET", "/v1/enterprises/ent_acme/users?cursor=%21%21", acmeToken, nil), 400, "invalid_request", "cursor")
		e.wantError(e.request("GET", "/v1/enterprises/ent_acme/users?cursor=bm9wZQ", acmeToken, nil), 400, "invalid_request", "cursor")
	})
	t.Run("empty list is an empty array", func(t *testing.T) {
		e := e.sub(t)
		r := e.must(200, e.request("GET", "/v1/enterprises/ent_acme/users?groupId=grp_none", acmeToken, nil))
		if string(r.body) != "{\"items\":[],\"total\":0}\n" { // users lists carry total
			t.Errorf("body %q", r.body)
		}
	})
	t.Run("numbers page too", func(t *testing.T) {
		e := e.sub(t)
		r := e.must(200, e.request("GET", "/v1/enterprises/ent_acme/numbers?max=150", acmeToken, nil))
		items := r.items(t)
		m := linkNext.FindStringSubmatch(r.header.Get("Link"))
		if len(items) != 150 || m == nil {
			t.Fatalf("first page %d, link %q", len(items), r.header.Get("Link"))
		}
		rest := e.must(200, e.request("GET", m[1], acmeToken, nil)).items(t)
		if len(rest) != 50 || rest[0]["phoneNumber"] != "+33634333250" {
			t.Errorf("second page %d, first %v", len(rest), rest[0])
		}
	})
}
