package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ucprov/terraform-provider-ucprov/internal/apispec"
)

// env is a demo-seeded sandbox behind an httptest server.
type env struct {
	t      *testing.T
	s      *Server
	url    string
	client *http.Client
}

var testClock = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func newEnv(t *testing.T, opts ...func(*Options)) *env {
	t.Helper()
	o := Options{Seed: SeedDemo, AdminToken: "sp-test-token", Now: func() time.Time { return testClock },
		Middleware: apispec.Middleware(t, apispec.Probing)}
	for _, f := range opts {
		f(&o)
	}
	s, err := New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		ts.Close()
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return &env{t: t, s: s, url: ts.URL, client: ts.Client()}
}

const (
	spToken     = "sp-test-token"
	acmeToken   = DemoAcmeToken
	globexToken = DemoGlobexToken
)

type resp struct {
	status int
	header http.Header
	body   []byte
	err    error // transport error (connection reset)
}

func (r resp) obj(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body %q is not a JSON object: %v", short(r.body), err)
	}
	return m
}

func (r resp) str(t *testing.T, key string) string {
	t.Helper()
	v, _ := r.obj(t)[key].(string)
	return v
}

func (r resp) items(t *testing.T) []map[string]any {
	t.Helper()
	var l struct {
		Items []map[string]any `json:"items"`
	}
	if err := json.Unmarshal(r.body, &l); err != nil || l.Items == nil {
		t.Fatalf("body %q is not a list: %v", short(r.body), err)
	}
	return l.Items
}

// request sends method path (relative to the server or absolute) with token ("" = none), body
// (nil = none, string = raw, else JSON) and header pairs.
func (e *env) request(method, path, token string, body any, headers ...string) resp {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	url := path
	if strings.HasPrefix(path, "/") {
		url = e.url + path
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := e.client.Do(req)
	if err != nil {
		return resp{err: err}
	}
	b, err := io.ReadAll(res.Body)
	if cerr := res.Body.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return resp{status: res.StatusCode, header: res.Header, err: err}
	}
	return resp{status: res.StatusCode, header: res.Header, body: b}
}

// sub returns e bound to a subtest's t.
func (e *env) sub(t *testing.T) *env {
	c := *e
	c.t = t
	return &c
}

// short abbreviates a response body for failure messages.
func short(b []byte) string {
	if len(b) > 400 {
		return string(b[:400]) + "…"
	}
	return string(b)
}

// must fails the test unless the response has the wanted status.
func (e *env) must(want int, r resp) resp {
	e.t.Helper()
	if r.err != nil {
		e.t.Fatalf("transport error: %v", r.err)
	}
	if r.status != want {
		e.t.Fatalf("status %d, want %d; body %s", r.status, want, short(r.body))
	}
	return r
}

// wantError checks an error response: status, code and field ("" = absent).
func (e *env) wantError(r resp, status int, code, field string) map[string]any {
	e.t.Helper()
	if r.err != nil {
		e.t.Fatalf("transport error: %v", r.err)
	}
	if r.status != status {
		e.t.Fatalf("status %d, want %d; body %s", r.status, status, short(r.body))
	}
	m := r.obj(e.t)
	if m["code"] != code {
		e.t.Fatalf("code %v, want %s; body %s", m["code"], code, r.body)
	}
	gotField, hasField := m["field"]
	if field == "" && hasField {
		e.t.Fatalf("field %v present, want none; body %s", gotField, r.body)
	}
	if field != "" && gotField != field {
		e.t.Fatalf("field %v, want %s; body %s", gotField, field, r.body)
	}
	if m["trackingId"] == "" || m["trackingId"] != r.header.Get("TrackingID") {
		e.t.Fatalf("trackingId %v does not match header %q", m["trackingId"], r.header.Get("TrackingID"))
	}
	return m
}

var userSeq atomic.Int64

// createUser creates a user in ent_acme/grp_denver (fields override the defaults) and returns it.
func (e *env) createUser(token string, fields map[string]any) map[string]any {
	e.t.Helper()
	body := map[string]any{"groupId": DemoGroupDenver, "firstName": "Test", "lastName": fmt.Sprintf("User%d", userSeq.Add(1))}
	for k, v := range fields {
		body[k] = v
	}
	return e.must(http.StatusCreated, e.request("POST", "/v1/enterprises/ent_acme/users", token, body)).obj(e.t)
}

func (e *env) countUsers(where string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.s.db.QueryRow(`SELECT count(*) FROM users WHERE `+where, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}
