package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// fuzzRoutes are the JSON write endpoints a client can send a body to ({usr} and {ent} are filled
// in with a user of the demo enterprise). Index = the fuzzer's route number modulo the length.
var fuzzRoutes = []string{
	"POST /v1/enterprises/{ent}/users",
	"PATCH /v1/users/{usr}",
	"PUT /v1/users/{usr}/number",
	"PUT /v1/users/{usr}/e911",
	"PUT /v1/users/{usr}/services/integrated-imp",
	"POST /v1/users/{usr}/activation",
	"PATCH /v1/users/{usr}/activation",
	"POST /v1/users/{usr}/activation/retry",
	"POST /v1/users/{usr}/activation/validate",
	"PUT /v1/users/{usr}/call-forwarding",
	"PUT /v1/users/{usr}/voicemail/passcode",
	"PUT /v1/users/{usr}/portal-password",
	"POST /v1/enterprises/{ent}/invitations",
	"POST /v1/users/{usr}/reset",
}

// FuzzJSONHandlers sends arbitrary bodies to the JSON write endpoints: no panic, no 5xx, every
// 4xx carries the error body (code and message), and a refused request writes nothing (the
// database is the same before and after). `go test` runs the seed corpus; fuzz with
// go test -run '^$' -fuzz FuzzJSONHandlers -fuzztime 10s ./internal/sandbox/
func FuzzJSONHandlers(f *testing.F) {
	seeds := []string{
		`{"groupId":"grp_denver","firstName":"Ada","lastName":"Lovelace","email":"ada@acme.example"}`,
		`{"department":"Sales","mobileNumber":"+17205550142"}`,
		`{"phoneNumber":"+17205551250","extension":"1250"}`,
		`{"address1":"1700 Lincoln St","city":"Denver","state":"CO","postalCode":"80203","country":"US"}`,
		`{"enabled":true}`, `{"package":"webex_suite","sendActivationEmail":true}`, `{"email":"x@acme.example"}`,
		`{"always":{"enabled":true,"destination":"+17205550100"},"busy":{"enabled":false},"noAnswer":{"enabled":true,"destination":"1201","rings":4}}`,
		`{"passcode":"135790"}`, `{"password":"Str0ng!pass"}`, `{"groupId":"grp_denver"}`,
		``, `{`, `null`, `[]`, `"x"`, `0`, `{"unknown":1}`, `{"firstName":null}`, `{"enabled":"yes"}`,
		`{"extension":12}`, `{"rings":1e400}`, `{"noAnswer":{"rings":-1}}`, `{"firstName":"\u0000"}`,
		`{"a":` + strings.Repeat(`[`, 10000), `{"email":"` + strings.Repeat("a", 70000) + `"}`,
		`{"groupId":"grp_tokyo","lastName":"X"}`, `{"passcode":"123456"}{"passcode":"135790"}`,
	}
	for i, s := range seeds {
		f.Add(uint8(i), []byte(s))
		f.Add(uint8(i+7), []byte(s))
	}
	s, err := New(Options{Seed: SeedDemo, AdminToken: "sp-fuzz", JobTick: time.Hour})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = s.Close() })
	h := s.Handler()
	call := func(method, path string, body []byte) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+DemoAcmeToken)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	rec := call("POST", "/v1/enterprises/ent_acme/users", []byte(`{"groupId":"grp_denver","firstName":"Fuzz","lastName":"Target","email":"fuzz@acme.example"}`))
	if rec.Code != http.StatusCreated {
		f.Fatalf("create the target user: %d %s", rec.Code, rec.Body)
	}
	var u struct{ ID string }
	_ = json.Unmarshal(rec.Body.Bytes(), &u)

	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		pattern := fuzzRoutes[int(route)%len(fuzzRoutes)]
		method, path, _ := strings.Cut(pattern, " ")
		path = strings.NewReplacer("{usr}", u.ID, "{ent}", DemoEnterpriseAcme).Replace(path)
		before := dumpDB(t, s)
		rec := call(method, path, body)
		if rec.Code >= 500 {
			t.Fatalf("%s %q: %d %s", pattern, body, rec.Code, rec.Body)
		}
		if rec.Code < 400 {
			return
		}
		var e struct{ Code, Message string }
		if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Code == "" || e.Message == "" {
			t.Fatalf("%s %q: %d without the error body: %s", pattern, body, rec.Code, rec.Body)
		}
		if after := dumpDB(t, s); after != before {
			t.Fatalf("%s %q: refused with %d %s, but the database changed", pattern, body, rec.Code, e.Code)
		}
	})
}

// dumpDB renders every row of every table (the state a refused request must not change).
func dumpDB(t *testing.T, s *Server) string {
	t.Helper()
	ctx := context.Background()
	rows, err := s.db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, tbl := range tables {
		rs, err := s.db.QueryContext(ctx, `SELECT * FROM "`+tbl+`" ORDER BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rs.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rs.Next() {
			if err := rs.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s %v\n", tbl, vals)
		}
		if err := rs.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}
