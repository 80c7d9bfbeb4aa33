package sandbox

import (
	"testing"
)

func validAddress() map[string]any {
	return map[string]any{"address1": "1600 Pennsylvania Avenue", "address2": "suite 200", "city": "Denver",
		"state": "CO", "postalCode": "80202-1234", "country": "US"}
}

func TestE911(t *testing.T) {
	e := newEnv(t)
	u := e.createUser(acmeToken, nil)["id"].(string)
	path := "/v1/users/" + u + "/e911"

	e.wantError(e.request("GET", path, acmeToken, nil), 404, "not_found", "")
	t.Run("validation", func(t *testing.T) {
		e := e.sub(t)
		tests := []struct {
			name  string
			edit  map[string]any
			field string
		}{
			{"missing address1", map[string]any{"address1": ""}, "address1"},
			{"missing city", map[string]any{"city": " "}, "city"},
			{"bad US state", map[string]any{"state": "XX"}, "state"},
			{"bad ZIP", map[string]any{"postalCode": "8020"}, "postalCode"},
			{"bad country", map[string]any{"country": "USA"}, "country"},
			{"bad CA postal code", map[string]any{"country": "CA", "state": "ON", "postalCode": "12345"}, "postalCode"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				e := e.sub(t)
				body := validAddress()
				for k, v := range tt.edit {
					body[k] = v
				}
				e.wantError(e.request("PUT", path, acmeToken, body), 422, "address_invalid", tt.field)
			})
		}
		e.wantError(e.request("GET", path, acmeToken, nil), 404, "not_found", "")
	})

	r := e.must(200, e.request("PUT", path, acmeToken, validAddress()))
	got := r.obj(t)
	if got["address1"] != "1600 Pennsylvania Avenue" || got["status"] != "valid" || got["etag"] != `"1"` || r.header.Get("ETag") != `"1"` {
		t.Errorf("put: %s", r.body)
	}
	norm := got["normalized"].(map[string]any)
	wantNorm := map[string]any{"address1": "1600 PENNSYLVANIA AVE", "address2": "STE 200", "city": "DENVER",
		"state": "CO", "postalCode": "80202-1234", "country": "US"}
	for k, v := range wantNorm {
		if norm[k] != v {
			t.Errorf("normalized %s = %v, want %v", k, norm[k], v)
		}
	}

	t.Run("put is idempotent", func(t *testing.T) {
		e := e.sub(t)
		again := e.must(200, e.request("PUT", path, acmeToken, validAddress())).obj(t)
		if again["etag"] != `"1"` || again["status"] != "valid" {
			t.Errorf("second put: %v", again)
		}
	})
	t.Run("canadian postal code", func(t *testing.T) {
		e := e.sub(t)
		v := e.createUser(acmeToken, nil)["id"].(string)
		ca := map[string]any{"address1": "290 Bremner Boulevard", "city": "Toronto", "state": "ON", "postalCode": "m5v 3l9", "country": "CA"}
		got := e.must(200, e.request("PUT", "/v1/users/"+v+"/e911", acmeToken, ca)).obj(t)
		if n := got["normalized"].(map[string]any); n["postalCode"] != "M5V 3L9" || n["address1"] != "290 BREMNER BLVD" || got["address2"] != "" {
			t.Errorf("normalized %v", got)
		}
	})
	t.Run("a changed number needs review", func(t *testing.T) {
		e := e.sub(t)
		num := "/v1/users/" + u + "/number"
		e.must(200, e.request("PUT", num, acmeToken, map[string]any{"phoneNumber": "+17205551230"}))
		if s := e.must(200, e.request("GET", path, acmeToken, nil)).str(t, "status"); s != "valid" {
			t.Errorf("first assignment: status %s, want valid", s)
		}
		e.must(200, e.request("PUT", num, acmeToken, map[string]any{"phoneNumber": "+17205551230", "extension": "1230"}))
		if s := e.must(200, e.request("GET", path, acmeToken, nil)).str(t, "status"); s != "valid" {
			t.Errorf("same number: status %s, want valid", s)
		}
		e.must(200, e.request("PUT", num, acmeToken, map[string]any{"phoneNumber": "+17205551231", "extension": "1230"}))
		r := e.must(200, e.request("GET", path, acmeToken, nil))
		if r.str(t, "status") != "needs_review" || r.str(t, "etag") == `"1"` {
			t.Errorf("changed number: %s", r.body)
		}
		// Re-confirming the address makes it valid again.
		if s := e.must(200, e.request("PUT", path, acmeToken, validAddress())).str(t, "status"); s != "valid" {
			t.Errorf("after review: %s", s)
		}
		e.must(204, e.request("DELETE", num, acmeToken, nil))
		if s := e.must(200, e.request("GET", path, acmeToken, nil)).str(t, "status"); s != "needs_review" {
			t.Errorf("after unassign: %s", s)
		}
	})
	t.Run("if-match and delete", func(t *testing.T) {
		e := e.sub(t)
		cur := e.must(200, e.request("GET", path, acmeToken, nil)).str(t, "etag")
		e.wantError(e.request("PUT", path, acmeToken, validAddress(), "If-Match", `"0"`), 412, "etag_mismatch", "")
		e.wantError(e.request("DELETE", path, acmeToken, nil, "If-Match", `"0"`), 412, "etag_mismatch", "")
		e.must(204, e.request("DELETE", path, acmeToken, nil, "If-Match", cur))
		e.wantError(e.request("DELETE", path, acmeToken, nil), 404, "not_found", "")
		e.wantError(e.request("GET", path, acmeToken, nil), 404, "not_found", "")
	})
}
