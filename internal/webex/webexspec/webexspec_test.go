package webexspec

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

func exchange(method, path, body string) *http.Request {
	var r *http.Request
	if body == "" {
		r = httptest.NewRequest(method, path, nil)
	} else {
		r = httptest.NewRequest(method, path, strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
	}
	r.Header.Set("Authorization", "Bearer t")
	return r
}

var jsonHeader = http.Header{"Content-Type": {"application/json"}}

const validSubscriber = `{"id":"s1","userId":"u1@acme","spEnterpriseId":"sp+acme","firstName":"A","lastName":"B","package":"standard","status":"provisioning"}`

// TestCheck: the check passes conforming exchanges and fails wrong bodies, unknown fields,
// unknown operations and unlisted statuses, naming the route.
func TestCheck(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	create := `{"provisioningId":"p","userId":"u1@acme","spEnterpriseId":"sp+acme","firstName":"A","lastName":"B","package":"standard"}`
	for _, tc := range []struct {
		name               string
		method, path, body string
		status             int
		respBody           string
		want               string // "" = passes
	}{
		{"valid provision", "POST", "/v1/broadworks/subscribers", create, 200, validSubscriber, ""},
		{"missing required field", "POST", "/v1/broadworks/subscribers", `{"provisioningId":"p","spEnterpriseId":"sp","firstName":"A","lastName":"B","package":"basic"}`, 200, validSubscriber, "the request does not match"},
		{"unknown request field", "POST", "/v1/broadworks/subscribers", strings.Replace(create, `"package"`, `"password":"x","package"`, 1), 200, validSubscriber, "the request does not match"},
		{"enum violated in request", "POST", "/v1/broadworks/subscribers", strings.Replace(create, `"standard"`, `"gold"`, 1), 200, validSubscriber, "the request does not match"},
		{"wrong response field type", "GET", "/v1/broadworks/subscribers/s1", "", 200, `{"id":"s1","selfActivated":"yes"}`, "the 200 response does not match"},
		{"unknown response field", "GET", "/v1/broadworks/subscribers/s1", "", 200, `{"id":"s1","passcode":"1234"}`, "the 200 response does not match"},
		{"status not listed", "GET", "/v1/broadworks/subscribers/s1", "", 201, validSubscriber, "status 201 is not a response"},
		{"unknown operation", "GET", "/v1/broadworks/nothing", "", 200, `{}`, "is not an operation"},
		{"no bearer token", "GET", "/v1/people/p1", "", 200, `{"id":"p1"}`, ""},
		{"error statuses carry any body", "GET", "/v1/people/p1", "", 404, `{"message":"x"}`, ""},
		{"uncovered call passes", "PUT", "/v1/telephony/pstn/numbers/+13035550100/emergencyAddress", `{}`, 204, ``, ""},
		{"erratum: enterprise list", "GET", "/v1/broadworks/enterprises", "", 200, `{"items":[{"id":"e1","orgId":"o1","spEnterpriseId":"sp+acme","broadworksDirectorySync":{"enableDirSync":true}}]}`, ""},
		{"erratum: location details", "GET", "/v1/locations/l1", "", 200, `{"id":"l1","name":"Denver","orgId":"o1","timeZone":"America/Denver","address":{"address1":"1 Main","city":"Denver","state":"CO","postalCode":"80202","country":"US"}}`, ""},
		{"calling spec: passcode", "PUT", "/v1/telephony/config/people/p1/voicemail/passcode?orgId=o1", `{"passcode":"739146"}`, 204, ``, ""},
		{"calling spec: passcode wrong field", "PUT", "/v1/telephony/config/people/p1/voicemail/passcode", `{"pin":"739146"}`, 204, ``, "the request does not match"},
		{"calling spec: forwarding missing required", "GET", "/v1/people/p1/features/callForwarding", "", 200, `{"callForwarding":{"always":{"enabled":true}}}`, "the 200 response does not match"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := exchange(tc.method, tc.path, tc.body)
			if tc.name == "no bearer token" {
				req.Header.Del("Authorization")
			}
			err := c.Check(req, []byte(tc.body), tc.status, jsonHeader, []byte(tc.respBody))
			if tc.name == "no bearer token" {
				// People operations declare bearer security: a request without it fails.
				if err == nil {
					t.Fatal("a request without a bearer token passed")
				}
				return
			}
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("unexpected mismatch: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), "739146") {
				t.Errorf("the check's error shows a passcode: %v", err)
			}
		})
	}
}

// fakeTB records the failures the middleware reports.
type fakeTB struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errs = append(f.errs, fmt.Sprintf(format, args...))
}
func (f *fakeTB) Fatalf(format string, args ...any) { f.Errorf(format, args...) }

// TestMiddlewareFailsTheTestOnAWrongBody: a test server wrapped in the middleware that answers a
// body the spec forbids fails the test, and so does a client request the spec forbids.
func TestMiddlewareFailsTheTestOnAWrongBody(t *testing.T) {
	tb := &fakeTB{TB: t}
	srv := httptest.NewServer(Middleware(tb, nil)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":"s1","package":"platinum"}`))
	})))
	defer srv.Close()
	do := func(method, path, body string) {
		req, _ := http.NewRequest(method, srv.URL+path, bytes.NewReader([]byte(body)))
		req.Header.Set("Authorization", "Bearer t")
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
	}
	do("GET", "/v1/broadworks/subscribers/s1", "")
	if len(tb.errs) != 1 || !strings.Contains(tb.errs[0], "GET /broadworks/subscribers/{subscriberId}") || !strings.Contains(tb.errs[0], "response does not match") {
		t.Fatalf("failures %q, want one naming the route and the response", tb.errs)
	}
	do("PUT", "/v1/broadworks/subscribers/s1", `{"package":"standard","colour":"blue"}`)
	if len(tb.errs) != 2 || !strings.Contains(tb.errs[1], "request does not match") {
		t.Fatalf("failures %q, want a second one for the request", tb.errs)
	}
}
