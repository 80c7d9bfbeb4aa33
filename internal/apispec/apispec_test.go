package apispec

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const validUser = `{"id":"usr_0123456789abcdef","enterpriseId":"ent_acme","groupId":"grp_denver","firstName":"Ada",
"lastName":"Lovelace","callingLineIdFirstName":"Ada","callingLineIdLastName":"Lovelace","department":"",
"timeZone":"","pagerNumber":"","mobileNumber":"","email":"","etag":"\"1\"",
"createdAt":"2026-01-02T03:04:05Z","updatedAt":"2026-01-02T03:04:05Z"}`

func request(method, path, token, body string) *http.Request {
	r := httptest.NewRequest(method, "http://127.0.0.1:4242"+path, strings.NewReader(body))
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	return r
}

var jsonHeader = http.Header{"Content-Type": {"application/json"}, "Etag": {`"1"`}}

func TestCheck(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		mode     Mode
		req      *http.Request
		status   int
		header   http.Header
		body     string
		hijacked bool
		wantErr  string // "" = the exchange conforms
	}{
		{name: "valid get", mode: Conforming, req: request("GET", "/v1/users/usr_0123456789abcdef", "t", ""),
			status: 200, header: jsonHeader, body: validUser},
		{name: "undocumented response field", mode: Conforming, req: request("GET", "/v1/users/usr_0123456789abcdef", "t", ""),
			status: 200, header: jsonHeader, body: strings.Replace(validUser, `"email":""`, `"email":"","nickname":"x"`, 1),
			wantErr: `"nickname"`},
		{name: "missing response field", mode: Conforming, req: request("GET", "/v1/users/usr_0123456789abcdef", "t", ""),
			status: 200, header: jsonHeader, body: strings.Replace(validUser, `"department":"",`, "", 1),
			wantErr: `"department" is missing`},
		{name: "wrong response type", mode: Conforming, req: request("GET", "/v1/users/usr_0123456789abcdef", "t", ""),
			status: 200, header: jsonHeader, body: strings.Replace(validUser, `"department":""`, `"department":7`, 1),
			wantErr: "/department"},
		{name: "undocumented status", mode: Conforming, req: request("GET", "/v1/enterprises/ent_acme/passcode-rules", "t", ""),
			status: 409, header: jsonHeader, body: `{"code":"x","message":"x","trackingId":"x"}`, wantErr: "status 409 is not a response"},
		{name: "error body without trackingId", mode: Conforming, req: request("GET", "/v1/users/usr_x", "t", ""),
			status: 404, header: jsonHeader, body: `{"code":"not_found","message":"x"}`, wantErr: "trackingId"},
		{name: "error body with extra fields (additionalProperties: true)", mode: Conforming, req: request("GET", "/v1/users/usr_x", "t", ""),
			status: 404, header: jsonHeader, body: `{"code":"not_found","message":"x","trackingId":"x","hint":"y"}`},
		{name: "unknown path from the client", mode: Conforming, req: request("GET", "/v1/nothing", "t", ""),
			status: 404, header: jsonHeader, body: `{}`, wantErr: "not an operation"},
		{name: "unknown path probed and refused", mode: Probing, req: request("GET", "/v1/nothing", "t", ""),
			status: 404, header: jsonHeader, body: `{}`},
		{name: "unknown path probed and answered", mode: Probing, req: request("GET", "/v1/nothing", "t", ""),
			status: 200, header: jsonHeader, body: `{}`, wantErr: "not an operation"},
		{name: "client request without token", mode: Conforming, req: request("GET", "/v1/users/usr_x", "", ""),
			status: 401, header: jsonHeader, body: `{"code":"unauthorized","message":"x","trackingId":"x"}`, wantErr: "security requirements failed"},
		{name: "probe without token refused", mode: Probing, req: request("GET", "/v1/users/usr_x", "", ""),
			status: 401, header: jsonHeader, body: `{"code":"unauthorized","message":"x","trackingId":"x"}`},
		{name: "client sends an undocumented field", mode: Conforming,
			req:    request("POST", "/v1/enterprises/ent_acme/users", "t", `{"groupId":"g","firstName":"a","lastName":"b","nick":"c"}`),
			status: 201, header: jsonHeader, body: validUser, wantErr: `"nick"`},
		{name: "server accepts an undocumented field", mode: Probing,
			req:    request("POST", "/v1/enterprises/ent_acme/users", "t", `{"groupId":"g","firstName":"a","lastName":"b","nick":"c"}`),
			status: 201, header: jsonHeader, body: validUser, wantErr: "the request does not match"},
		{name: "server refuses an undocumented field", mode: Probing,
			req:    request("POST", "/v1/enterprises/ent_acme/users", "t", `{"groupId":"g","firstName":"a","lastName":"b","nick":"c"}`),
			status: 400, header: jsonHeader, body: `{"code":"invalid_request","message":"x","trackingId":"x"}`},
		{name: "probe answered by a reset", mode: Probing,
			req: request("POST", "/v1/enterprises/ent_acme/users", "t", `{}`), hijacked: true},
		{name: "client request answered by a reset", mode: Conforming,
			req: request("POST", "/v1/enterprises/ent_acme/users", "t", `{}`), hijacked: true, wantErr: "connection reset"},
		{name: "bad query parameter from the client", mode: Conforming, req: request("GET", "/v1/enterprises?max=0", "t", ""),
			status: 400, header: jsonHeader, body: `{"code":"invalid_request","message":"x","trackingId":"x"}`, wantErr: "max"},
		{name: "job without error (nullable allOf)", mode: Conforming, req: request("GET", "/v1/jobs/job_1", "t", ""),
			status: 200, header: jsonHeader,
			body: `{"id":"job_1","kind":"activation","status":"running","error":null,"result":null,"createdAt":"2026-01-02T03:04:05Z","updatedAt":"2026-01-02T03:04:05Z"}`},
		{name: "job with an undocumented error field", mode: Conforming, req: request("GET", "/v1/jobs/job_1", "t", ""),
			status: 200, header: jsonHeader,
			body:    `{"id":"job_1","kind":"activation","status":"failed","error":{"code":"x","message":"y","at":"z"},"result":null,"createdAt":"2026-01-02T03:04:05Z","updatedAt":"2026-01-02T03:04:05Z"}`,
			wantErr: `"at"`},
		{name: "list item: a user plus an include (flattened allOf)", mode: Conforming, req: request("GET", "/v1/enterprises/ent_acme/users", "t", ""),
			status: 200, header: jsonHeader, body: `{"total":1,"items":[` + strings.Replace(validUser, `"email":""`, `"email":"","number":null`, 1) + `]}`},
		{name: "list item with an undocumented field", mode: Conforming, req: request("GET", "/v1/enterprises/ent_acme/users", "t", ""),
			status: 200, header: jsonHeader, body: `{"total":1,"items":[` + strings.Replace(validUser, `"email":""`, `"email":"","nickname":"x"`, 1) + `]}`,
			wantErr: `"nickname"`},
		{name: "list item missing a user field", mode: Conforming, req: request("GET", "/v1/enterprises/ent_acme/users", "t", ""),
			status: 200, header: jsonHeader, body: `{"total":1,"items":[` + strings.Replace(validUser, `"department":"",`, "", 1) + `]}`,
			wantErr: `"department" is missing`},
		{name: "E911 with an undocumented field (allOf of two objects)", mode: Conforming, req: request("GET", "/v1/users/usr_x/e911", "t", ""),
			status: 200, header: jsonHeader, body: `{"address1":"1 MAIN ST","address2":"","city":"DENVER","state":"CO","postalCode":"80203","country":"US",
"normalized":{"address1":"1 MAIN ST","address2":"","city":"DENVER","state":"CO","postalCode":"80203","country":"US"},
"status":"valid","etag":"\"1\"","geo":"x"}`, wantErr: `"geo"`},
		{name: "CSV export", mode: Conforming, req: request("GET", "/v1/enterprises/ent_acme/activations.csv?status=error&status=queued", "t", ""),
			status: 200, header: http.Header{"Content-Type": {"text/csv; charset=utf-8"}}, body: "User ID\r\n"},
		{name: "rate limited without Retry-After value", mode: Conforming, req: request("GET", "/v1/enterprises", "t", ""),
			status: 429, header: http.Header{"Content-Type": {"application/json"}, "Retry-After": {"soon"}},
			body: `{"code":"rate_limited","message":"x","trackingId":"x"}`, wantErr: "Retry-After"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, err := io.ReadAll(tt.req.Body)
			if err != nil {
				t.Fatal(err)
			}
			err = c.Check(tt.mode, tt.req, body, tt.status, tt.header, []byte(tt.body), tt.hijacked)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("unexpected mismatch: %v", err)
			case tt.wantErr != "" && err == nil:
				t.Fatalf("no mismatch, want one mentioning %s", tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Fatalf("mismatch %q does not mention %s", err, tt.wantErr)
			}
		})
	}
}

// TestCheckHidesValues: a refused passcode must not appear in the mismatch (test logs are read by
// people and CI).
func TestCheckHidesValues(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	req := request("PUT", "/v1/users/usr_x/voicemail/passcode", "t", `{"passcode":739164}`)
	body, _ := io.ReadAll(req.Body)
	err = c.Check(Conforming, req, body, 204, http.Header{}, nil, false)
	if err == nil {
		t.Fatal("a number for a string passcode conforms")
	}
	if strings.Contains(err.Error(), "739164") {
		t.Fatalf("mismatch shows the passcode: %v", err)
	}
}

// TestMiddlewarePassesResponsesThrough: the buffered response reaches the client unchanged.
func TestMiddlewarePassesResponsesThrough(t *testing.T) {
	h := Middleware(t, Conforming)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if string(b) != `{"enabled":true}` {
			t.Errorf("handler got body %q", b)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("ETag", `"2"`)
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, `{"enabled":true,"etag":"\"2\""}`)
	}))
	srv := httptest.NewServer(h)
	defer srv.Close()
	req, _ := http.NewRequest("PUT", srv.URL+"/v1/users/usr_x/services/integrated-imp", strings.NewReader(`{"enabled":true}`))
	req.Header.Set("Authorization", "Bearer t")
	req.Header.Set("Content-Type", "application/json")
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || res.Header.Get("ETag") != `"2"` || string(b) != `{"enabled":true,"etag":"\"2\""}` {
		t.Fatalf("got %d %v %s", res.StatusCode, res.Header, b)
	}
}
