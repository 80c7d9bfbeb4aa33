package webexspec

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
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
