package webexspec

import (
	"bytes"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

func contract(t *testing.T) *Contract {
	t.Helper()
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func req(t *testing.T, method, target, body string) *http.Request {
	t.Helper()
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	r.Header.Set("Authorization", "Bearer x")
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	return r
}

func jsonHeader(extra ...string) http.Header {
	h := http.Header{"Content-Type": {"application/json"}}
	for i := 0; i+1 < len(extra); i += 2 {
		h.Set(extra[i], extra[i+1])
	}
	return h
}

const goodSubscriber = `{"id":"s1","userId":"u@sp.example","spEnterpriseId":"ent","firstName":"A","lastName":"B",
	"package":"standard","status":"provisioned","created":"2026-01-02T03:04:05.000Z","lastStatusChange":"2026-01-02T03:04:05.000Z",
	"provisioningId":"p","selfActivated":false}`

func TestCheckResponseBody(t *testing.T) {
	c := contract(t)
	r := req(t, "GET", "/v1/broadworks/subscribers/s1", "")
	if err := c.Check(Conforming, r, nil, 200, jsonHeader(), []byte(goodSubscriber), false); err != nil {
		t.Fatalf("valid subscriber refused: %v", err)
	}
	bad := strings.Replace(goodSubscriber, `"status":"provisioned"`, `"status":"gold"`, 1)
	err := c.Check(Conforming, r, nil, 200, jsonHeader(), []byte(bad), false)
	if err == nil || !strings.Contains(err.Error(), "response does not match") {
		t.Fatalf("a wrong status value passed: %v", err)
	}
	bad = strings.Replace(goodSubscriber, `"selfActivated":false`, `"selfActivated":"false"`, 1)
	if err := c.Check(Conforming, r, nil, 200, jsonHeader(), []byte(bad), false); err == nil {
		t.Fatal("selfActivated as a string passed")
	}
	// A status the operation does not list.
	if err := c.Check(Conforming, r, nil, 201, jsonHeader(), []byte(goodSubscriber), false); err == nil {
		t.Fatal("201 passed")
	}
	// Paths are found after /v1 is stripped, on the calling specs too.
	r = req(t, "GET", "/v1/people/p1/features/callForwarding", "")
	body := `{"callForwarding":{"always":{"enabled":"yes"}}}`
	if err := c.Check(Conforming, r, nil, 200, jsonHeader(), []byte(body), false); err == nil {
		t.Fatal("a call forwarding with enabled \"yes\" passed")
	}
}

func TestCheckRequest(t *testing.T) {
	c := contract(t)
	missing := `{"userId":"u","spEnterpriseId":"e","firstName":"A","lastName":"B","package":"basic"}` // no provisioningId
	r := req(t, "POST", "/v1/broadworks/subscribers", missing)
	errBody := jsonHeader("TrackingID", "T1")
	webexErr := []byte(`{"message":"Null Parameter: provisioningId","errors":[{"errorCode":1001,"description":"x"}],"trackingId":"T1"}`)
	if err := c.Check(Conforming, r, []byte(missing), 400, errBody, webexErr, false); err == nil {
		t.Fatal("a client request without a required field passed")
	}
	if err := c.Check(Probing, r, []byte(missing), 400, errBody, webexErr, false); err != nil {
		t.Fatalf("a refused probe failed: %v", err)
	}
	if err := c.Check(Probing, r, []byte(missing), 200, jsonHeader(), []byte(goodSubscriber), false); err == nil {
		t.Fatal("an accepted invalid probe passed")
	}
	wrongEnum := `{"provisioningId":"p","userId":"u","spEnterpriseId":"e","firstName":"A","lastName":"B","package":"gold"}`
	r = req(t, "POST", "/v1/broadworks/subscribers", wrongEnum)
	if err := c.Check(Conforming, r, []byte(wrongEnum), 200, jsonHeader(), []byte(goodSubscriber), false); err == nil {
		t.Fatal("package gold passed")
	}
	// The relaxed status filter takes comma lists.
	r = req(t, "GET", "/v1/broadworks/subscribers?status=error,provisioned", "")
	if err := c.Check(Conforming, r, nil, 200, jsonHeader(), []byte(`{"items":[]}`), false); err != nil {
		t.Fatalf("comma list refused: %v", err)
	}
}

func TestCheckErrorBodies(t *testing.T) {
	c := contract(t)
	r := req(t, "GET", "/v1/broadworks/subscribers/x", "")
	good := `{"message":"not found","errors":[{"description":"not found"}],"trackingId":"T1"}`
	if err := c.Check(Conforming, r, nil, 404, jsonHeader("TrackingID", "T1"), []byte(good), false); err != nil {
		t.Fatalf("good error body refused: %v", err)
	}
	for name, tc := range map[string]struct {
		status int
		header http.Header
		body   string
	}{
		"reference body":   {404, jsonHeader(), `{"code":"not_found","message":"x","trackingId":"T1"}`},
		"no trackingId":    {404, jsonHeader(), `{"message":"x","errors":[{"description":"x"}]}`},
		"no description":   {404, jsonHeader(), `{"message":"x","errors":[{"errorCode":1}],"trackingId":"T1"}`},
		"other trackingId": {404, jsonHeader("TrackingID", "T2"), good},
		"not json":         {500, jsonHeader(), `oops`},
		"429 no retry":     {429, jsonHeader(), good},
	} {
		if err := c.Check(Conforming, r, nil, tc.status, tc.header, []byte(tc.body), false); err == nil {
			t.Errorf("%s passed", name)
		}
	}
	if err := c.Check(Conforming, r, nil, 429, jsonHeader("Retry-After", "2"), []byte(good), false); err != nil {
		t.Errorf("429 with Retry-After refused: %v", err)
	}
	// Without the error body rule (a client's test servers): any error body, still a listed status
	// for a 4xx and a valid request.
	calling := `{"error":{"key":"400","message":[{"code":"4008","description":"x"}]},"trackingId":"T1"}`
	if err := c.CheckAnyErrorBody(Conforming, r, nil, 404, jsonHeader(), []byte(calling), false); err != nil {
		t.Errorf("CheckAnyErrorBody refused a calling error body: %v", err)
	}
	if err := c.CheckAnyErrorBody(Conforming, r, nil, 503, jsonHeader(), nil, false); err != nil {
		t.Errorf("CheckAnyErrorBody refused an empty 503: %v", err)
	}
	if err := c.CheckAnyErrorBody(Conforming, r, nil, 418, jsonHeader(), []byte(good), false); err == nil {
		t.Error("CheckAnyErrorBody passed a status the operation does not list")
	}
	bad := req(t, "PUT", "/v1/broadworks/subscribers/s1", `{"colour":"blue"}`)
	if err := c.CheckAnyErrorBody(Conforming, bad, []byte(`{"colour":"blue"}`), 400, jsonHeader(), nil, false); err == nil {
		t.Error("CheckAnyErrorBody passed a request the spec forbids")
	}
}

func TestCheckRoutes(t *testing.T) {
	c := contract(t)
	if err := c.Check(Probing, req(t, "GET", "/v1/broadworks/nothing", ""), nil, 404, jsonHeader(),
		[]byte(`{"message":"x","errors":[],"trackingId":"t"}`), false); err != nil {
		t.Errorf("refused probe of an unknown path: %v", err)
	}
	if err := c.Check(Conforming, req(t, "GET", "/v1/broadworks/nothing", ""), nil, 404, jsonHeader(),
		[]byte(`{"message":"x","errors":[],"trackingId":"t"}`), false); err == nil {
		t.Error("client call of an unknown path passed")
	}
	if err := c.Check(Conforming, req(t, "GET", "/broadworks/subscribers", ""), nil, 200, jsonHeader(), []byte(`{"items":[]}`), false); err == nil {
		t.Error("a path without /v1 passed")
	}
	// Unspecified operations: the body is not checked, errors are.
	tok := req(t, "POST", "/v1/access_token", "grant_type=refresh_token")
	if err := c.Check(Conforming, tok, nil, 200, jsonHeader(), []byte(`{"access_token":"a"}`), false); err != nil {
		t.Errorf("token endpoint: %v", err)
	}
	if err := c.Check(Conforming, tok, nil, 400, jsonHeader(), []byte(`{"error":"invalid_grant"}`), false); err == nil {
		t.Error("a token endpoint error without a webex body passed")
	}
	for target, want := range map[string]bool{
		"/v1/people/abc":             true,
		"/v1/broadworks/subscribers": true,
		"/v1/telephony/pstn/numbers/+15551234567/emergencyAddress": true,
		"/v1/users/usr_1":                false,
		"/v1/enterprises/ent_acme/users": false,
		"/_sandbox/metrics":              false,
	} {
		if got := c.Covers(req(t, "GET", target, "")); got != want {
			t.Errorf("Covers(%s) = %v, want %v", target, got, want)
		}
	}
	if !c.HasOperation("PUT", "/telephony/config/people/{id}/voicemail/passcode") || c.HasOperation("PATCH", "/broadworks/subscribers") {
		t.Error("HasOperation")
	}
}

// failRecorder is a testing.TB that records Errorf instead of failing.
type failRecorder struct {
	testing.TB
	errs []string
}

func (f *failRecorder) Errorf(format string, args ...any) {
	f.errs = append(f.errs, fmt.Sprintf(format, args...))
}

func TestMiddlewareFailsOnWrongBody(t *testing.T) {
	rec := &failRecorder{TB: t}
	other := 0
	mw := Middleware(rec, Probing, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { other++; next.ServeHTTP(w, r) })
	})
	h := mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":"s1","status":"gold"}`))
	}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req(t, "GET", "/v1/broadworks/subscribers/s1", ""))
	if w.Code != 200 || !strings.Contains(w.Body.String(), "gold") {
		t.Errorf("the response was not passed on: %d %s", w.Code, w.Body)
	}
	if len(rec.errs) != 1 || !strings.Contains(rec.errs[0], "does not match") {
		t.Errorf("middleware errors: %v", rec.errs)
	}
	h.ServeHTTP(httptest.NewRecorder(), req(t, "GET", "/v1/users/usr_1", ""))
	if other != 1 || len(rec.errs) != 1 {
		t.Errorf("non-webex request: other %d, errors %v", other, rec.errs)
	}
}

const validSubscriber = `{"id":"s1","userId":"u1@acme","spEnterpriseId":"sp+acme","firstName":"A","lastName":"B","package":"standard","status":"provisioning"}`

// TestCheckTable: the check passes conforming exchanges and fails wrong bodies, unknown fields
// (closed object schemas), unknown operations and unlisted statuses, naming the route; the errata
// make the specs' own examples pass; no error shows a passcode.
func TestCheckTable(t *testing.T) {
	c := contract(t)
	create := `{"provisioningId":"p","userId":"u1@acme","spEnterpriseId":"sp+acme","firstName":"A","lastName":"B","package":"standard"}`
	webexErr := `{"message":"x","errors":[{"description":"x"}],"trackingId":"T1"}`
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
		{"no bearer token", "GET", "/v1/people/p1", "", 200, `{"id":"p1"}`, "no bearer token"},
		{"no bearer token, no security declared", "GET", "/v1/broadworks/subscribers/s1", "", 200, validSubscriber, "no bearer token"},
		{"error status with a webex error body", "GET", "/v1/people/p1", "", 404, webexErr, ""},
		{"error status with another body", "GET", "/v1/people/p1", "", 404, `{"message":"x"}`, "no errors array"},
		{"unspecified call passes", "PUT", "/v1/telephony/pstn/numbers/+13035550100/emergencyAddress", `{}`, 204, ``, ""},
		{"erratum: enterprise list", "GET", "/v1/broadworks/enterprises", "", 200, `{"items":[{"id":"e1","orgId":"o1","spEnterpriseId":"sp+acme","broadworksDirectorySync":{"enableDirSync":true}}]}`, ""},
		{"erratum: enterprise list items are checked", "GET", "/v1/broadworks/enterprises", "", 200, `{"items":[{"id":"e1","colour":"blue"}]}`, "the 200 response does not match"},
		{"erratum: location details", "GET", "/v1/locations/l1", "", 200, `{"id":"l1","name":"Denver","orgId":"o1","timeZone":"America/Denver","address":{"address1":"1 Main","city":"Denver","state":"CO","postalCode":"80202","country":"US"}}`, ""},
		{"erratum: location without state", "GET", "/v1/locations/l1", "", 200, `{"id":"l1","name":"Paris","address":{"address1":"10 Rue de Rivoli","city":"Paris","postalCode":"75004","country":"FR"}}`, ""},
		{"erratum: location address closed", "GET", "/v1/locations/l1", "", 200, `{"id":"l1","name":"Paris","address":{"address1":"x","county":"y"}}`, "the 200 response does not match"},
		{"create location still needs a state", "POST", "/v1/locations", `{"name":"Paris","timeZone":"Europe/Paris","preferredLanguage":"fr_fr","announcementLanguage":"fr_fr","address":{"address1":"x","city":"Paris","postalCode":"75004","country":"FR"}}`, 200, `{"id":"l1"}`, `"/address/state": property "state" is missing`},
		{"calling spec: passcode", "PUT", "/v1/telephony/config/people/p1/voicemail/passcode?orgId=o1", `{"passcode":"739146"}`, 204, ``, ""},
		{"calling spec: passcode wrong field", "PUT", "/v1/telephony/config/people/p1/voicemail/passcode", `{"pin":"739146"}`, 204, ``, "the request does not match"},
		{"calling spec: forwarding missing required", "GET", "/v1/people/p1/features/callForwarding", "", 200, `{"callForwarding":{"always":{"enabled":true}}}`, "the 200 response does not match"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := req(t, tc.method, tc.path, tc.body)
			if strings.HasPrefix(tc.name, "no bearer token") {
				r.Header.Del("Authorization")
			}
			err := c.Check(Conforming, r, []byte(tc.body), tc.status, jsonHeader(), []byte(tc.respBody), false)
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

// TestRoute: Route names the operation and its spec, an Unspecified operation with no spec, and
// nothing for a path outside the specs or BasePath.
func TestRoute(t *testing.T) {
	c := contract(t)
	for _, tc := range []struct{ method, target, op, file string }{
		{"GET", "/v1/broadworks/subscribers/s1", "GET /broadworks/subscribers/{subscriberId}", "webex-broadworks.json"},
		{"PUT", "/v1/telephony/config/people/p1/voicemail/passcode", "PUT /telephony/config/people/{personId}/voicemail/passcode", "calling/webex-user-call-settings-2-2-api-openapi.yml"},
		{"POST", "/v1/access_token", "POST /access_token", ""},
		{"GET", "/v1/broadworks/nothing", "", ""},
		{"GET", "/broadworks/subscribers/s1", "", ""},
	} {
		op, file, ok := c.Route(req(t, tc.method, tc.target, ""))
		if op != tc.op || (ok && file != tc.file) || ok != (tc.op != "") {
			t.Errorf("Route(%s %s) = %q %q %v, want %q %q", tc.method, tc.target, op, file, ok, tc.op, tc.file)
		}
	}
}

// TestErrataApply: every erratum still finds its defect (LoadDir fails otherwise), and a spec
// fixed upstream makes loading fail so that the erratum is reviewed.
func TestErrataApply(t *testing.T) {
	if len(Errata) != 3 {
		t.Fatalf("Errata has %d entries; applyErrata applies 3", len(Errata))
	}
	dir, err := SpecDir()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "webex-broadworks.json"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		t.Fatal(err)
	}
	doc.Components.Schemas["EnterpriseListResponse"].Value.Properties["items"] = openapi3.NewArraySchema().NewRef()
	if err := applyErrata("webex-broadworks.json", doc); err == nil || !strings.Contains(err.Error(), "no longer applies") {
		t.Fatalf("a fixed EnterpriseListResponse: %v", err)
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

func (f *fakeTB) failures() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.errs)
}

// TestMiddlewareFailsTheTestOnAWrongBody: a real test server wrapped in the middleware (as the
// client's tests use it) that answers a body the spec forbids fails the test, and so does a
// client request the spec forbids; the recorder counts the operations checked.
func TestMiddlewareFailsTheTestOnAWrongBody(t *testing.T) {
	tb := &fakeTB{TB: t}
	var seen Recorder
	srv := httptest.NewServer(Middleware(tb, Conforming, nil, Record(&seen))(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
	errs := tb.failures()
	if len(errs) != 1 || !strings.Contains(errs[0], "GET /broadworks/subscribers/{subscriberId}") || !strings.Contains(errs[0], "response does not match") {
		t.Fatalf("failures %q, want one naming the route and the response", errs)
	}
	do("PUT", "/v1/broadworks/subscribers/s1", `{"package":"standard","colour":"blue"}`)
	errs = tb.failures()
	if len(errs) != 2 || !strings.Contains(errs[1], "request does not match") {
		t.Fatalf("failures %q, want a second one for the request", errs)
	}
	// Without other, a request outside the specs is a mismatch too (not passed through unchecked).
	do("GET", "/v1/users/usr_1", "")
	errs = tb.failures()
	if len(errs) != 3 || !strings.Contains(errs[2], "is not an operation") {
		t.Fatalf("failures %q, want a third one for the unknown operation", errs)
	}
	want := map[string]int{"GET /broadworks/subscribers/{subscriberId}": 1, "PUT /broadworks/subscribers/{subscriberId}": 1}
	if got := seen.Seen(); !maps.Equal(got, want) {
		t.Errorf("recorded %v, want %v", got, want)
	}
}
