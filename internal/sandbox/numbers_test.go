package sandbox

import (
	"net/http"
	"path/filepath"
	"sync"
	"testing"
)

func TestNumberAssignment(t *testing.T) {
	e := newEnv(t)
	ann := e.createUser(acmeToken, nil)["id"].(string)
	bob := e.createUser(acmeToken, nil)["id"].(string)
	put := func(user string, body any, headers ...string) resp {
		return e.request("PUT", "/v1/users/"+user+"/number", acmeToken, body, headers...)
	}

	e.wantError(e.request("GET", "/v1/users/"+ann+"/number", acmeToken, nil), 404, "not_found", "")
	n := e.must(200, put(ann, map[string]any{"phoneNumber": "+17205551200", "extension": "1200"})).obj(t)
	if n["phoneNumber"] != "+17205551200" || n["extension"] != "1200" || n["numberState"] != "inactive" || n["etag"] != `"1"` {
		t.Fatalf("assigned: %v", n)
	}
	got := e.must(200, e.request("GET", "/v1/users/"+ann+"/number", acmeToken, nil))
	if got.str(t, "numberState") != "inactive" || got.header.Get("ETag") != `"1"` {
		t.Errorf("get: %s", got.body)
	}

	t.Run("errors", func(t *testing.T) {
		e := e.sub(t)
		tests := []struct {
			name   string
			body   any
			status int
			code   string
			field  string
		}{
			{"nothing", map[string]any{}, 422, "number_or_extension_required", ""},
			{"both empty", map[string]any{"phoneNumber": "", "extension": ""}, 422, "number_or_extension_required", ""},
			{"bad e164", map[string]any{"phoneNumber": "7205551201"}, 422, "phone_number_invalid", "phoneNumber"},
			{"extension too short", map[string]any{"extension": "1"}, 422, "extension_invalid", "extension"},
			{"extension not digits", map[string]any{"extension": "12a4"}, 422, "extension_invalid", "extension"},
			{"extension too long", map[string]any{"extension": "12345678901"}, 422, "extension_invalid", "extension"},
			{"paris number on a denver user", map[string]any{"phoneNumber": "+33634333200"}, 422, "number_not_in_inventory", "phoneNumber"},
			{"globex number", map[string]any{"phoneNumber": "+81345550100"}, 422, "number_not_in_inventory", "phoneNumber"},
			{"unknown number", map[string]any{"phoneNumber": "+15555550100"}, 422, "number_not_in_inventory", "phoneNumber"},
			{"number in use", map[string]any{"phoneNumber": "+17205551200", "extension": "1299"}, 409, "number_in_use", "phoneNumber"},
			{"extension in use", map[string]any{"phoneNumber": "+17205551201", "extension": "1200"}, 409, "extension_in_use", "extension"},
			{"unknown field", map[string]any{"extension": "12", "numberState": "active"}, 400, "invalid_request", "numberState"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				e := e.sub(t)
				m := e.wantError(put(bob, tt.body), tt.status, tt.code, tt.field)
				if tt.status == 409 && m["conflictingUserId"] != ann {
					t.Errorf("conflictingUserId %v, want %s", m["conflictingUserId"], ann)
				}
			})
		}
		// Nothing was assigned to bob by the failures.
		e.wantError(e.request("GET", "/v1/users/"+bob+"/number", acmeToken, nil), 404, "not_found", "")
	})

	t.Run("activate and re-put", func(t *testing.T) {
		e := e.sub(t)
		a := e.must(200, e.request("POST", "/v1/users/"+ann+"/number/activate", acmeToken, nil)).obj(t)
		if a["numberState"] != "active" || a["etag"] != `"2"` {
			t.Fatalf("activated: %v", a)
		}
		a = e.must(200, e.request("POST", "/v1/users/"+ann+"/number/activate", acmeToken, nil)).obj(t)
		if a["numberState"] != "active" || a["etag"] != `"2"` {
			t.Errorf("second activation must change nothing: %v", a)
		}
		p := e.must(200, put(ann, map[string]any{"phoneNumber": "+17205551200", "extension": "1200"})).obj(t)
		if p["numberState"] != "active" || p["etag"] != `"2"` {
			t.Errorf("re-PUT of the same assignment: %v", p)
		}
		p = e.must(200, put(ann, map[string]any{"phoneNumber": "+17205551200", "extension": "7200"})).obj(t)
		if p["numberState"] != "active" || p["extension"] != "7200" {
			t.Errorf("new extension, same number keeps the state: %v", p)
		}
		p = e.must(200, put(ann, map[string]any{"phoneNumber": "+17205551202", "extension": "7200"})).obj(t)
		if p["numberState"] != "inactive" {
			t.Errorf("a different number starts inactive: %v", p)
		}
		e.wantError(put(ann, map[string]any{"extension": "7201"}, "If-Match", `"1"`), 412, "etag_mismatch", "")
	})

	t.Run("extension only", func(t *testing.T) {
		e := e.sub(t)
		p := e.must(200, put(bob, map[string]any{"extension": "1300"})).obj(t)
		if p["phoneNumber"] != "" || p["numberState"] != "" {
			t.Errorf("extension only: %v", p)
		}
		e.wantError(e.request("POST", "/v1/users/"+bob+"/number/activate", acmeToken, nil), 409, "no_phone_number", "")
	})

	t.Run("unassign returns the number to the inventory", func(t *testing.T) {
		e := e.sub(t)
		avail := func(number string) string {
			items := e.must(200, e.request("GET", "/v1/enterprises/ent_acme/numbers?phoneNumber=%2B"+number[1:], acmeToken, nil)).items(t)
			if len(items) != 1 {
				t.Fatalf("inventory rows for %s: %v", number, items)
			}
			return items[0]["state"].(string) + "/" + items[0]["userId"].(string)
		}
		if got := avail("+17205551202"); got != "assigned/"+ann {
			t.Errorf("before: %s", got)
		}
		e.must(204, e.request("DELETE", "/v1/users/"+ann+"/number", acmeToken, nil))
		e.wantError(e.request("DELETE", "/v1/users/"+ann+"/number", acmeToken, nil), 404, "not_found", "")
		e.wantError(e.request("GET", "/v1/users/"+ann+"/number", acmeToken, nil), 404, "not_found", "")
		if got := avail("+17205551202"); got != "available/" {
			t.Errorf("after: %s", got)
		}
		e.wantError(e.request("POST", "/v1/users/"+ann+"/number/activate", acmeToken, nil), 409, "no_phone_number", "")
		// The extension is free again too.
		e.must(200, put(bob, map[string]any{"extension": "7200"}))
	})
}

func TestNumberInventoryListing(t *testing.T) {
	e := newEnv(t)
	u := e.createUser(acmeToken, nil)["id"].(string)
	e.must(200, e.request("PUT", "/v1/users/"+u+"/number", acmeToken, map[string]any{"phoneNumber": "+17205551205"}))
	list := func(q string) []map[string]any {
		return e.must(200, e.request("GET", "/v1/enterprises/ent_acme/numbers"+q, acmeToken, nil)).items(t)
	}
	if n := len(list("?max=1000")); n != 200 {
		t.Errorf("acme inventory %d numbers, want 200", n)
	}
	denver := list("?groupId=grp_denver&available=true&max=1000")
	if len(denver) != 99 || denver[0]["phoneNumber"] != "+17205551200" || denver[5]["phoneNumber"] != "+17205551206" {
		t.Errorf("available denver numbers: %d, first %v", len(denver), denver[0])
	}
	for _, it := range denver {
		if it["state"] != "available" || it["userId"] != "" || it["groupId"] != "grp_denver" {
			t.Fatalf("row %v", it)
		}
	}
	assigned := list("?available=false")
	if len(assigned) != 1 || assigned[0]["userId"] != u || assigned[0]["state"] != "assigned" {
		t.Errorf("assigned: %v", assigned)
	}
	if paris := list("?groupId=grp_paris&max=1000"); len(paris) != 100 || paris[99]["phoneNumber"] != "+33634333299" {
		t.Errorf("paris: %d", len(paris))
	}
	tokyo := e.must(200, e.request("GET", "/v1/enterprises/ent_globex/numbers?max=1000", globexToken, nil)).items(t)
	if len(tokyo) != 100 || tokyo[0]["phoneNumber"] != "+81345550100" || tokyo[99]["phoneNumber"] != "+81345550199" {
		t.Errorf("tokyo: %d", len(tokyo))
	}
	e.wantError(e.request("GET", "/v1/enterprises/ent_acme/numbers?available=maybe", acmeToken, nil), 400, "invalid_request", "available")
}

func TestDeleteUserFreesNumberAndExtension(t *testing.T) {
	e := newEnv(t)
	u := e.createUser(acmeToken, nil)["id"].(string)
	e.must(200, e.request("PUT", "/v1/users/"+u+"/number", acmeToken, map[string]any{"phoneNumber": "+17205551210", "extension": "1210"}))
	e.must(200, e.request("PUT", "/v1/users/"+u+"/e911", acmeToken, validAddress()))
	e.must(204, e.request("DELETE", "/v1/users/"+u, acmeToken, nil))
	v := e.createUser(acmeToken, nil)["id"].(string)
	e.must(200, e.request("PUT", "/v1/users/"+v+"/number", acmeToken, map[string]any{"phoneNumber": "+17205551210", "extension": "1210"}))
	for _, table := range []string{"user_numbers", "e911_addresses"} {
		var n int
		if err := e.s.db.QueryRow(`SELECT count(*) FROM `+table+` WHERE user_id = ?`, u).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s rows of the deleted user: %d (%v)", table, n, err)
		}
	}
}

// TestConcurrentAssignment: the unique indexes decide races; exactly one user gets the number.
// Both stores: the in-memory one (single connection) and a WAL file (several connections).
func TestConcurrentAssignment(t *testing.T) {
	t.Run("memory", func(t *testing.T) { testConcurrentAssignment(t, newEnv(t)) })
	t.Run("file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "c.db")
		testConcurrentAssignment(t, newEnv(t, func(o *Options) { o.DBPath = path }))
	})
}

func testConcurrentAssignment(t *testing.T, e *env) {
	const n = 12
	users := make([]string, n)
	for i := range users {
		users[i] = e.createUser(acmeToken, nil)["id"].(string)
	}
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range users {
		wg.Go(func() {
			r := e.request("PUT", "/v1/users/"+users[i]+"/number", acmeToken, map[string]any{"phoneNumber": "+17205551250", "extension": "1250"})
			statuses[i] = r.status
		})
	}
	// Readers and idempotent writers at the same time.
	for i := range users {
		wg.Go(func() {
			e.request("GET", "/v1/enterprises/ent_acme/users?max=5", acmeToken, nil)
			e.request("PATCH", "/v1/users/"+users[i], acmeToken, map[string]any{"department": "D"})
			e.request("POST", "/v1/users/"+users[i]+"/number/activate", acmeToken, nil, "Idempotency-Key", "k")
		})
	}
	wg.Wait()
	ok, conflict := 0, 0
	for _, s := range statuses {
		switch s {
		case http.StatusOK:
			ok++
		case http.StatusConflict:
			conflict++
		}
	}
	if ok != 1 || conflict != n-1 {
		t.Errorf("statuses %v: %d ok, %d conflicts", statuses, ok, conflict)
	}
}

// TestUniquenessIsEnforcedByTheDatabase bypasses the handlers.
func TestUniquenessIsEnforcedByTheDatabase(t *testing.T) {
	e := newEnv(t)
	a := e.createUser(acmeToken, map[string]any{"email": "x@example.com"})["id"].(string)
	b := e.createUser(acmeToken, nil)["id"].(string)
	db := e.s.db
	ins := `INSERT INTO user_numbers (user_id, enterprise_id, phone_number, extension, number_state, created_at, updated_at) VALUES (?, 'ent_acme', ?, ?, ?, '', '')`
	if _, err := db.Exec(ins, a, "+17205551220", "1220", "inactive"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ins, b, "+17205551220", nil, "inactive"); !violates(err, "user_numbers.phone_number") {
		t.Errorf("duplicate number: %v", err)
	}
	if _, err := db.Exec(ins, b, nil, "1220", ""); !violates(err, "user_numbers.extension") {
		t.Errorf("duplicate extension: %v", err)
	}
	if _, err := db.Exec(`UPDATE users SET email_norm = 'x@example.com' WHERE id = ?`, b); !violates(err, "users.email_norm") {
		t.Errorf("duplicate email: %v", err)
	}
	if _, err := db.Exec(ins, b, nil, nil, ""); err == nil {
		t.Error("an assignment without number and extension was accepted")
	}
}
