package sandbox

import (
	"encoding/json"
	"net/url"
	"testing"
)

// TestUsersListInclude: every included object of a list item is byte-for-byte the body of the
// per-user GET (etag included); a missing object is null; a not-asked-for one is absent; total
// counts every match over all pages.
func TestUsersListInclude(t *testing.T) {
	e := newEnv(t)
	full := e.createUser(acmeToken, map[string]any{"email": "full.include@acme.example"})["id"].(string)
	bare := e.createUser(acmeToken, nil)["id"].(string)
	e.must(200, e.request("PUT", "/v1/users/"+full+"/number", acmeToken, map[string]any{"phoneNumber": "+17205551200", "extension": "1200"}))
	e.must(200, e.request("PUT", "/v1/users/"+full+"/e911", acmeToken, map[string]any{
		"address1": "1 Main Street", "city": "Denver", "state": "CO", "postalCode": "80202", "country": "US"}))
	e.must(200, e.request("PUT", "/v1/users/"+full+"/services/integrated-imp", acmeToken, map[string]any{"enabled": true}))
	e.must(202, e.request("POST", "/v1/users/"+full+"/activation", acmeToken, map[string]any{}))
	e.must(200, e.request("PUT", "/v1/users/"+full+"/call-forwarding", acmeToken, map[string]any{
		"busy": map[string]any{"enabled": true, "destination": "+17205550100"}}))

	perUser := map[string]string{
		"number": "/number", "e911": "/e911", "integratedImp": "/services/integrated-imp",
		"activation": "/activation", "callForwarding": "/call-forwarding",
	}
	q := url.Values{"include": {"number,e911", "integratedImp,activation,callForwarding"}, "max": {"1000"}}
	r := e.must(200, e.request("GET", "/v1/enterprises/ent_acme/users?"+q.Encode(), acmeToken, nil))
	var page struct {
		Items []map[string]json.RawMessage `json:"items"`
		Total int64                        `json:"total"`
	}
	if err := json.Unmarshal(r.body, &page); err != nil {
		t.Fatal(err)
	}
	if page.Total != int64(len(page.Items)) || page.Total < 2 {
		t.Fatalf("total %d, %d items", page.Total, len(page.Items))
	}
	seen := 0
	for _, item := range page.Items {
		var id string
		_ = json.Unmarshal(item["id"], &id)
		if id != full && id != bare {
			continue
		}
		seen++
		for key, suffix := range perUser {
			got, ok := item[key]
			if !ok {
				t.Fatalf("%s: %s is missing from the list item", id, key)
			}
			g := e.request("GET", "/v1/users/"+id+suffix, acmeToken, nil)
			switch g.status {
			case 200:
				var want json.RawMessage
				if err := json.Unmarshal(g.body, &want); err != nil {
					t.Fatal(err)
				}
				if string(got) != string(want) {
					t.Errorf("%s %s: list item %s, GET %s", id, key, got, want)
				}
			case 404:
				if string(got) != "null" {
					t.Errorf("%s %s: GET is 404, list item %s (want null)", id, key, got)
				}
			default:
				t.Fatalf("GET %s: %d", suffix, g.status)
			}
		}
		// The user fields are the user's GET.
		var listed, got map[string]any
		b, _ := json.Marshal(item)
		_ = json.Unmarshal(b, &listed)
		got = e.must(200, e.request("GET", "/v1/users/"+id, acmeToken, nil)).obj(t)
		for k, v := range got {
			if b1, b2 := mustJSON(t, listed[k]), mustJSON(t, v); b1 != b2 {
				t.Errorf("%s: user field %s: list %s, GET %s", id, k, b1, b2)
			}
		}
	}
	if seen != 2 {
		t.Fatalf("saw %d of the 2 users", seen)
	}

	// Without include, no object is embedded.
	plain := e.must(200, e.request("GET", "/v1/enterprises/ent_acme/users?max=1", acmeToken, nil))
	var p2 struct {
		Items []map[string]json.RawMessage `json:"items"`
		Total int64                        `json:"total"`
	}
	if err := json.Unmarshal(plain.body, &p2); err != nil {
		t.Fatal(err)
	}
	if len(p2.Items) != 1 || p2.Total != page.Total || plain.header.Get("Link") == "" {
		t.Fatalf("max=1: %d items, total %d, link %q", len(p2.Items), p2.Total, plain.header.Get("Link"))
	}
	for key := range perUser {
		if _, ok := p2.Items[0][key]; ok {
			t.Errorf("%s embedded without include", key)
		}
	}
	e.wantError(e.request("GET", "/v1/enterprises/ent_acme/users?include=passcode", acmeToken, nil), 400, "invalid_request", "include")
	e.wantError(e.request("GET", "/v1/enterprises/ent_acme/users?include=number", globexToken, nil), 404, "not_found", "")
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestMetricsByStatus: /_sandbox/metrics?by=status counts responses of /v1 routes by status code.
func TestMetricsByStatus(t *testing.T) {
	e := newEnv(t)
	u := e.createUser(acmeToken, nil)["id"].(string)
	e.request("GET", "/v1/users/"+u, acmeToken, nil)
	e.request("GET", "/v1/users/usr_nope", acmeToken, nil)
	e.request("GET", "/v1/users/"+u, "", nil)
	e.s.SetRateLimit(1, 1)
	for range 3 {
		e.request("GET", "/v1/users/"+u, acmeToken, nil)
	}
	e.s.SetRateLimit(0, 0)

	r := e.must(200, e.request("GET", "/_sandbox/metrics?by=status", "", nil))
	var got map[string]int64
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Fatal(err)
	}
	if got["201"] != 1 || got["404"] != 1 || got["401"] != 1 || got["429"] < 1 || got["200"]+got["429"] != 4 {
		t.Fatalf("by status: %v", got)
	}
	if m := e.s.StatusCounts(); m["201"] != 1 {
		t.Fatalf("StatusCounts: %v", m)
	}
	e.wantError(e.request("GET", "/_sandbox/metrics?by=nope", "", nil), 400, "invalid_request", "by")
	e.s.ResetMetrics()
	if len(e.s.StatusCounts()) != 0 {
		t.Fatalf("after reset: %v", e.s.StatusCounts())
	}
}
