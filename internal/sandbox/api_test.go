package sandbox

import (
	"net/http"
	"testing"
)

func TestAuth(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name   string
		header string
		want   int
	}{
		{"no header", "", http.StatusUnauthorized},
		{"unknown token", "Bearer nope", http.StatusUnauthorized},
		{"basic scheme", "Basic " + acmeToken, http.StatusUnauthorized},
		{"empty bearer", "Bearer ", http.StatusUnauthorized},
		{"enterprise token", "Bearer " + acmeToken, http.StatusOK},
		{"lower-case scheme", "bearer " + acmeToken, http.StatusOK},
		{"service-provider token", "Bearer " + spToken, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.sub(t)
			r := e.request("GET", "/v1/enterprises/ent_acme", "", nil, "Authorization", tt.header)
			if tt.want == http.StatusUnauthorized {
				e.wantError(r, http.StatusUnauthorized, "unauthorized", "")
				if r.header.Get("WWW-Authenticate") == "" {
					t.Error("no WWW-Authenticate header")
				}
				return
			}
			e.must(tt.want, r)
		})
	}
}

func TestTenantIsolation(t *testing.T) {
	e := newEnv(t)
	u := e.createUser(acmeToken, nil)
	id := u["id"].(string)
	globexUser := e.must(http.StatusCreated, e.request("POST", "/v1/enterprises/ent_globex/users", globexToken,
		map[string]any{"groupId": DemoGroupTokyo, "firstName": "Kei", "lastName": "Sato"})).obj(t)
	gid := globexUser["id"].(string)

	tests := []struct {
		name, method, path, token string
		body                      any
		want                      int
	}{
		{"globex reads acme user", "GET", "/v1/users/" + id, globexToken, nil, 404},
		{"globex patches acme user", "PATCH", "/v1/users/" + id, globexToken, map[string]any{"department": "x"}, 404},
		{"globex deletes acme user", "DELETE", "/v1/users/" + id, globexToken, nil, 404},
		{"globex reads acme number", "GET", "/v1/users/" + id + "/number", globexToken, nil, 404},
		{"globex assigns acme number", "PUT", "/v1/users/" + id + "/number", globexToken, map[string]any{"extension": "55"}, 404},
		{"globex reads acme e911", "GET", "/v1/users/" + id + "/e911", globexToken, nil, 404},
		{"acme lists globex users", "GET", "/v1/enterprises/ent_globex/users", acmeToken, nil, 404},
		{"acme creates globex user", "POST", "/v1/enterprises/ent_globex/users", acmeToken,
			map[string]any{"groupId": DemoGroupTokyo, "firstName": "a", "lastName": "b"}, 404},
		{"acme reads globex enterprise", "GET", "/v1/enterprises/ent_globex", acmeToken, nil, 404},
		{"acme lists globex groups", "GET", "/v1/enterprises/ent_globex/groups", acmeToken, nil, 404},
		{"acme reads globex group", "GET", "/v1/groups/grp_tokyo", acmeToken, nil, 404},
		{"acme lists globex numbers", "GET", "/v1/enterprises/ent_globex/numbers", acmeToken, nil, 404},
		{"acme reads globex user", "GET", "/v1/users/" + gid, acmeToken, nil, 404},
		{"unknown enterprise", "GET", "/v1/enterprises/ent_nope/users", spToken, nil, 404},
		{"sp reads acme user", "GET", "/v1/users/" + id, spToken, nil, 200},
		{"sp reads globex user", "GET", "/v1/users/" + gid, spToken, nil, 200},
		{"sp lists globex users", "GET", "/v1/enterprises/ent_globex/users", spToken, nil, 200},
		{"acme reads own user", "GET", "/v1/users/" + id, acmeToken, nil, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.sub(t)
			r := e.request(tt.method, tt.path, tt.token, tt.body)
			if tt.want == 404 {
				e.wantError(r, 404, "not_found", "")
				return
			}
			e.must(tt.want, r)
		})
	}
	// The acme user survived globex's attempts.
	e.must(200, e.request("GET", "/v1/users/"+id, acmeToken, nil))

	t.Run("enterprise lists", func(t *testing.T) {
		e := e.sub(t)
		if n := len(e.must(200, e.request("GET", "/v1/enterprises", spToken, nil)).items(t)); n != 2 {
			t.Errorf("sp sees %d enterprises, want 2", n)
		}
		items := e.must(200, e.request("GET", "/v1/enterprises", acmeToken, nil)).items(t)
		if len(items) != 1 || items[0]["id"] != "ent_acme" || items[0]["name"] != "Acme Corp" {
			t.Errorf("acme sees %v", items)
		}
	})
}

func TestEnterprisesAndGroups(t *testing.T) {
	e := newEnv(t)
	ent := e.must(200, e.request("GET", "/v1/enterprises/ent_globex", spToken, nil)).obj(t)
	if ent["name"] != "Globex Corporation" {
		t.Errorf("enterprise %v", ent)
	}
	groups := e.must(200, e.request("GET", "/v1/enterprises/ent_acme/groups", acmeToken, nil)).items(t)
	if len(groups) != 2 || groups[0]["id"] != "grp_denver" || groups[1]["id"] != "grp_paris" ||
		groups[1]["timeZone"] != "Europe/Paris" || groups[0]["enterpriseId"] != "ent_acme" {
		t.Errorf("groups %v", groups)
	}
	g := e.must(200, e.request("GET", "/v1/groups/grp_tokyo", globexToken, nil)).obj(t)
	if g["name"] != "Tokyo" || g["timeZone"] != "Asia/Tokyo" {
		t.Errorf("group %v", g)
	}
}

func TestErrorBodyAndRouting(t *testing.T) {
	e := newEnv(t)
	t.Run("unknown route", func(t *testing.T) {
		e := e.sub(t)
		e.wantError(e.request("GET", "/v1/nope", acmeToken, nil), 404, "not_found", "")
	})
	t.Run("malformed json", func(t *testing.T) {
		e := e.sub(t)
		e.wantError(e.request("POST", "/v1/enterprises/ent_acme/users", acmeToken, `{"firstName":`), 400, "invalid_request", "")
	})
	t.Run("unknown field names the field", func(t *testing.T) {
		e := e.sub(t)
		e.wantError(e.request("POST", "/v1/enterprises/ent_acme/users", acmeToken,
			`{"groupId":"grp_denver","firstName":"a","lastName":"b","nickname":"x"}`), 400, "invalid_request", "nickname")
	})
	t.Run("wrong type names the field", func(t *testing.T) {
		e := e.sub(t)
		e.wantError(e.request("POST", "/v1/enterprises/ent_acme/users", acmeToken,
			`{"groupId":"grp_denver","firstName":7,"lastName":"b"}`), 400, "invalid_request", "firstName")
	})
	t.Run("empty body", func(t *testing.T) {
		e := e.sub(t)
		id := e.createUser(acmeToken, nil)["id"].(string)
		e.wantError(e.request("PUT", "/v1/users/"+id+"/number", acmeToken, ""), 400, "invalid_request", "")
		e.wantError(e.request("PUT", "/v1/users/"+id+"/e911", acmeToken, "[]"), 400, "invalid_request", "")
		e.wantError(e.request("PATCH", "/v1/users/"+id, acmeToken, "null"), 400, "invalid_request", "")
		e.wantError(e.request("PUT", "/v1/users/"+id+"/number", acmeToken, `{"extension":"12"} {}`), 400, "invalid_request", "")
	})
	t.Run("body shape", func(t *testing.T) {
		e := e.sub(t)
		r := e.request("GET", "/v1/users/usr_missing", acmeToken, nil)
		m := e.wantError(r, 404, "not_found", "")
		for k := range m {
			switch k {
			case "code", "message", "trackingId":
			default:
				t.Errorf("unexpected key %q in %s", k, r.body)
			}
		}
		if r.header.Get("Content-Type") != "application/json" {
			t.Errorf("content type %q", r.header.Get("Content-Type"))
		}
	})
	t.Run("client tracking id is kept", func(t *testing.T) {
		e := e.sub(t)
		r := e.request("GET", "/v1/users/usr_missing", acmeToken, nil, "TrackingID", "client-123")
		if m := e.wantError(r, 404, "not_found", ""); m["trackingId"] != "client-123" {
			t.Errorf("trackingId %v", m["trackingId"])
		}
	})
	t.Run("every response has a tracking id", func(t *testing.T) {
		e := e.sub(t)
		r := e.must(200, e.request("GET", "/v1/enterprises", acmeToken, nil))
		if r.header.Get("TrackingID") == "" {
			t.Error("no TrackingID header")
		}
	})
	t.Run("healthz", func(t *testing.T) {
		e := e.sub(t)
		e.must(200, e.request("GET", "/_sandbox/healthz", "", nil))
	})
}
