package sandbox

import (
	"net/http"
	"strings"
	"testing"
)

func TestUserLifecycle(t *testing.T) {
	e := newEnv(t)
	r := e.must(http.StatusCreated, e.request("POST", "/v1/enterprises/ent_acme/users", acmeToken, map[string]any{
		"groupId": "grp_denver", "firstName": "Ada", "lastName": "Lovelace", "department": "R&D",
		"email": "ada@example.com", "timeZone": "Europe/London", "mobileNumber": "+447700900123",
	}))
	u := r.obj(t)
	id := u["id"].(string)
	if len(id) != 20 || !strings.HasPrefix(id, "usr_") || strings.Trim(id[4:], "0123456789abcdef") != "" {
		t.Errorf("id %q is not usr_ + 16 hex", id)
	}
	if r.header.Get("Location") != "/v1/users/"+id {
		t.Errorf("Location %q", r.header.Get("Location"))
	}
	if u["etag"] != `"1"` || r.header.Get("ETag") != `"1"` {
		t.Errorf("etag %v / header %q", u["etag"], r.header.Get("ETag"))
	}
	want := map[string]any{
		"enterpriseId": "ent_acme", "groupId": "grp_denver", "firstName": "Ada", "lastName": "Lovelace",
		"callingLineIdFirstName": "Ada", "callingLineIdLastName": "Lovelace", "department": "R&D",
		"timeZone": "Europe/London", "pagerNumber": "", "mobileNumber": "+447700900123", "email": "ada@example.com",
		"createdAt": "2026-01-02T03:04:05Z", "updatedAt": "2026-01-02T03:04:05Z",
	}
	for k, v := range want {
		if u[k] != v {
			t.Errorf("%s = %v, want %v", k, u[k], v)
		}
	}
	if len(u) != len(want)+2 {
		t.Errorf("user has %d keys: %v", len(u), u)
	}
	got := e.must(200, e.request("GET", "/v1/users/"+id, acmeToken, nil))
	if got.str(t, "email") != "ada@example.com" || got.header.Get("ETag") != `"1"` {
		t.Errorf("get: %s", got.body)
	}

	patch := func(body any, headers ...string) resp {
		return e.request("PATCH", "/v1/users/"+id, acmeToken, body, headers...)
	}

	t.Run("calling line id follows the name until set", func(t *testing.T) {
		e := e.sub(t)
		p := e.must(200, patch(map[string]any{"firstName": "Augusta"})).obj(t)
		if p["callingLineIdFirstName"] != "Augusta" || p["etag"] != `"2"` {
			t.Errorf("after rename: %v", p)
		}
		p = e.must(200, patch(map[string]any{"callingLineIdFirstName": "Countess"})).obj(t)
		if p["callingLineIdFirstName"] != "Countess" {
			t.Errorf("after set: %v", p)
		}
		p = e.must(200, patch(map[string]any{"firstName": "Ada"})).obj(t)
		if p["callingLineIdFirstName"] != "Countess" || p["firstName"] != "Ada" {
			t.Errorf("explicit calling line id must stay: %v", p)
		}
		p = e.must(200, patch(map[string]any{"callingLineIdFirstName": ""})).obj(t)
		if p["callingLineIdFirstName"] != "Ada" {
			t.Errorf("after clearing: %v", p)
		}
	})
	t.Run("merge patch clears and leaves absent keys alone", func(t *testing.T) {
		e := e.sub(t)
		p := e.must(200, e.request("PATCH", "/v1/users/"+id, acmeToken, `{"department":null,"timeZone":""}`)).obj(t)
		if p["department"] != "" || p["timeZone"] != "" || p["email"] != "ada@example.com" || p["lastName"] != "Lovelace" {
			t.Errorf("after clearing: %v", p)
		}
	})
	t.Run("no-op patch keeps the etag", func(t *testing.T) {
		e := e.sub(t)
		before := e.must(200, e.request("GET", "/v1/users/"+id, acmeToken, nil)).str(t, "etag")
		after := e.must(200, patch(map[string]any{"lastName": "Lovelace"})).str(t, "etag")
		if before != after {
			t.Errorf("etag %s → %s", before, after)
		}
	})
	t.Run("immutable and unknown fields", func(t *testing.T) {
		e := e.sub(t)
		for _, f := range []string{"groupId", "enterpriseId", "id"} {
			e.wantError(patch(map[string]any{f: "x"}), 422, "field_immutable", f)
		}
		e.wantError(patch(map[string]any{"nickname": "x"}), 400, "invalid_request", "nickname")
		e.wantError(patch(map[string]any{"department": 3}), 400, "invalid_request", "department")
	})
	t.Run("validation", func(t *testing.T) {
		e := e.sub(t)
		tests := []struct {
			field, value, code string
		}{
			{"firstName", "", "required"},
			{"lastName", "  ", "required"},
			{"email", "not-an-email", "email_invalid"},
			{"timeZone", "Mars/Olympus", "time_zone_invalid"},
			{"pagerNumber", "555-1234", "phone_number_invalid"},
			{"mobileNumber", "+0123", "phone_number_invalid"},
		}
		for _, tt := range tests {
			e.wantError(patch(map[string]any{tt.field: tt.value}), 422, tt.code, tt.field)
			body := map[string]any{"groupId": "grp_denver", "firstName": "a", "lastName": "b"}
			body[tt.field] = tt.value
			e.wantError(e.request("POST", "/v1/enterprises/ent_acme/users", acmeToken, body), 422, tt.code, tt.field)
		}
		e.wantError(e.request("POST", "/v1/enterprises/ent_acme/users", acmeToken,
			map[string]any{"firstName": "a", "lastName": "b"}), 422, "required", "groupId")
		e.wantError(e.request("POST", "/v1/enterprises/ent_acme/users", acmeToken,
			map[string]any{"groupId": "grp_tokyo", "firstName": "a", "lastName": "b"}), 422, "group_not_found", "groupId")
		e.wantError(e.request("POST", "/v1/enterprises/ent_acme/users", acmeToken,
			map[string]any{"groupId": "grp_nope", "firstName": "a", "lastName": "b"}), 422, "group_not_found", "groupId")
	})
	t.Run("etag and If-Match", func(t *testing.T) {
		e := e.sub(t)
		cur := e.must(200, e.request("GET", "/v1/users/"+id, acmeToken, nil)).str(t, "etag")
		e.wantError(patch(map[string]any{"department": "Ops"}, "If-Match", `"999"`), 412, "etag_mismatch", "")
		p := e.must(200, patch(map[string]any{"department": "Ops"}, "If-Match", cur))
		if p.str(t, "etag") == cur {
			t.Error("etag did not change")
		}
		e.wantError(patch(map[string]any{"department": "Dev"}, "If-Match", cur), 412, "etag_mismatch", "")
		e.must(200, patch(map[string]any{"department": "Dev"}, "If-Match", "*"))
		e.wantError(e.request("DELETE", "/v1/users/"+id, acmeToken, nil, "If-Match", cur), 412, "etag_mismatch", "")
	})
	t.Run("delete", func(t *testing.T) {
		e := e.sub(t)
		cur := e.must(200, e.request("GET", "/v1/users/"+id, acmeToken, nil)).str(t, "etag")
		e.must(204, e.request("DELETE", "/v1/users/"+id, acmeToken, nil, "If-Match", cur))
		e.wantError(e.request("GET", "/v1/users/"+id, acmeToken, nil), 404, "not_found", "")
		e.wantError(e.request("DELETE", "/v1/users/"+id, acmeToken, nil), 404, "not_found", "")
	})
}

func TestEmailInUse(t *testing.T) {
	e := newEnv(t)
	first := e.createUser(acmeToken, map[string]any{"email": "Grace.Hopper@Example.com"})
	m := e.wantError(e.request("POST", "/v1/enterprises/ent_acme/users", acmeToken, map[string]any{
		"groupId": "grp_paris", "firstName": "G", "lastName": "H", "email": "grace.hopper@example.COM",
	}), 409, "email_in_use", "email")
	if m["conflictingUserId"] != first["id"] {
		t.Errorf("conflictingUserId %v, want %v", m["conflictingUserId"], first["id"])
	}
	// Per service provider: another enterprise cannot use it either, and is not told who has it.
	m = e.wantError(e.request("POST", "/v1/enterprises/ent_globex/users", globexToken, map[string]any{
		"groupId": "grp_tokyo", "firstName": "G", "lastName": "H", "email": "GRACE.HOPPER@example.com",
	}), 409, "email_in_use", "email")
	if _, ok := m["conflictingUserId"]; ok {
		t.Errorf("another tenant's user id leaked: %v", m)
	}
	// Via PATCH too; freeing the email makes it available.
	second := e.createUser(acmeToken, nil)
	e.wantError(e.request("PATCH", "/v1/users/"+second["id"].(string), acmeToken, map[string]any{"email": "GRACE.hopper@example.com"}),
		409, "email_in_use", "email")
	e.must(200, e.request("PATCH", "/v1/users/"+first["id"].(string), acmeToken, map[string]any{"email": nil}))
	e.must(200, e.request("PATCH", "/v1/users/"+second["id"].(string), acmeToken, map[string]any{"email": "GRACE.hopper@example.com"}))
	// Users without email do not collide.
	e.createUser(acmeToken, nil)
	e.createUser(acmeToken, map[string]any{"email": ""})
}

func TestListUsersFilters(t *testing.T) {
	e := newEnv(t)
	a := e.createUser(acmeToken, map[string]any{"email": "a@example.com"})
	b := e.createUser(acmeToken, map[string]any{"groupId": "grp_paris"})
	e.createUser(spToken, nil)
	e.must(200, e.request("PUT", "/v1/users/"+b["id"].(string)+"/number", acmeToken,
		map[string]any{"phoneNumber": "+33634333201", "extension": "3201"}))
	ids := func(path string) []string {
		var out []string
		for _, it := range e.must(200, e.request("GET", path, acmeToken, nil)).items(t) {
			out = append(out, it["id"].(string))
		}
		return out
	}
	if got := ids("/v1/enterprises/ent_acme/users"); len(got) != 3 {
		t.Errorf("all: %v", got)
	}
	if got := ids("/v1/enterprises/ent_acme/users?email=A@EXAMPLE.com"); len(got) != 1 || got[0] != a["id"] {
		t.Errorf("by email: %v", got)
	}
	if got := ids("/v1/enterprises/ent_acme/users?groupId=grp_paris"); len(got) != 1 || got[0] != b["id"] {
		t.Errorf("by group: %v", got)
	}
	if got := ids("/v1/enterprises/ent_acme/users?extension=3201"); len(got) != 1 || got[0] != b["id"] {
		t.Errorf("by extension: %v", got)
	}
	if got := ids("/v1/enterprises/ent_acme/users?phoneNumber=%2B33634333201"); len(got) != 1 || got[0] != b["id"] {
		t.Errorf("by phone number: %v", got)
	}
	if got := ids("/v1/enterprises/ent_acme/users?phoneNumber=+33634333201"); len(got) != 1 {
		t.Errorf("by unescaped phone number: %v", got)
	}
}
