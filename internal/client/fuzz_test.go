package client

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// FuzzResponseDecoding answers every call of the client with an arbitrary body, status and Link
// header: the client never panics or hangs, and a non-2xx answer is an *APIError with that
// status, or, for a 4xx without the API's error body, a *NotTheAPIError with that status. `go test` runs the seed corpus; fuzz with
// go test -run '^$' -fuzz FuzzResponseDecoding -fuzztime 10s ./internal/client/
func FuzzResponseDecoding(f *testing.F) {
	for _, s := range []struct {
		status int
		body   string
		link   string
	}{
		{200, `{"id":"usr_1","groupId":"grp_denver","lastName":"X","etag":"\"1\""}`, ""},
		{200, `{"items":[{"id":"usr_1"}]}`, `</v1/enterprises/ent_acme/users?cursor=abc>; rel="next"`},
		{200, `{"items":[{"id":"usr_1"}]}`, `<http://evil.example/v1/x>; rel="next"`},
		{200, `{"items":null}`, ""}, {200, `[]`, ""}, {200, `null`, ""}, {200, ``, ""}, {200, `{`, ""},
		{200, `{"status":"provisioned","updatedAt":"not a time"}`, ""},
		{200, `{"enabled":"yes"}`, ""}, {200, `{"rings":1e400}`, ""}, {200, "\xff\xfe", ""},
		{201, `{"status":"queued","jobId":"job_1"}`, ""},
		{400, `{"code":"invalid_request","message":"bad","field":"x"}`, ""},
		{404, `{"code":"not_found","message":"no"}`, ""}, {404, `<html>proxy</html>`, ""},
		{409, `{"code":"extension_in_use","conflictingUserId":"usr_2","nextAllowedAt":"x"}`, ""},
		{412, `{"code":"precondition_failed"}`, ""}, {422, `{"code":7}`, ""}, {418, ``, ""},
		{200, "User ID,Group ID\r\n=1+1,x\r\n", ""},
	} {
		f.Add(uint16(s.status), []byte(s.body), s.link)
	}
	var (
		status atomic.Int32
		body   atomic.Pointer[[]byte]
		link   atomic.Pointer[string]
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if l := *link.Load(); l != "" {
			w.Header().Set("Link", l)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(int(status.Load()))
		_, _ = w.Write(*body.Load())
	}))
	f.Cleanup(srv.Close)
	c, err := New(Config{Endpoint: srv.URL, Token: "t", MaxRetries: 0})
	if err != nil {
		f.Fatal(err)
	}
	ctx := context.Background()
	calls := map[string]func() error{
		"GetUser":        func() error { _, err := c.GetUser(ctx, "usr_1"); return err },
		"ListUsers":      func() error { _, err := c.ListUsers(ctx, "ent_acme", UserFilter{}); return err },
		"GetNumber":      func() error { _, err := c.GetNumber(ctx, "usr_1"); return err },
		"GetE911":        func() error { _, err := c.GetE911(ctx, "usr_1"); return err },
		"GetIMP":         func() error { _, err := c.GetIMP(ctx, "usr_1"); return err },
		"GetActivation":  func() error { _, err := c.GetActivation(ctx, "usr_1"); return err },
		"GetCF":          func() error { _, err := c.GetCallForwarding(ctx, "usr_1"); return err },
		"ListActivation": func() error { _, err := c.ListActivations(ctx, "ent_acme", ActivationFilter{}); return err },
		"CSV":            func() error { _, err := c.ActivationsCSV(ctx, "ent_acme", ActivationFilter{}); return err },
		"GetJob":         func() error { _, err := c.GetJob(ctx, "job_1"); return err },
		"PasscodeRules":  func() error { _, err := c.GetPasscodeRules(ctx, "ent_acme"); return err },
		"ListNumbers":    func() error { _, err := c.ListNumbers(ctx, "ent_acme", NumberFilter{}); return err },
	}
	f.Fuzz(func(t *testing.T, st uint16, b []byte, l string) {
		// 1xx, 429 and 5xx are the transport's and the retry policy's business, not decoding's.
		code := 200 + int(st)%300
		if code == http.StatusTooManyRequests || code == http.StatusNoContent || code == http.StatusNotModified ||
			(code >= 300 && code < 400) {
			code = 200
		}
		// A header value with control characters breaks the HTTP framing itself (the transport
		// refuses the answer before any decoding), so the fuzzed Link stays printable ASCII.
		if strings.IndexFunc(l, func(r rune) bool { return r < 0x20 || r > 0x7e }) >= 0 {
			l = ""
		}
		status.Store(int32(code))
		body.Store(&b)
		link.Store(&l)
		for name, call := range calls {
			err := call()
			switch {
			case code >= 400 && code < 500 && !apiErrorShape(b):
				// Not the API's error body: the server is not the API (issue 20).
				nta, ok := AsNotTheAPIError(err)
				if !ok || nta.Status != code || IsNotFound(err) {
					t.Fatalf("%s: status %d body %q: error %v, want a *NotTheAPIError with status %d", name, code, b, err, code)
				}
			case code >= 400:
				var apiErr *APIError
				if !errors.As(err, &apiErr) || apiErr.Status != code {
					t.Fatalf("%s: status %d body %q: error %v, want an *APIError with status %d", name, code, b, err, code)
				}
			}
		}
	})
}

// apiErrorShape is the test's own reading of the API's error body (api/openapi.yaml Error: code
// and message required): a JSON object whose "code" is a non-empty string and "message" a string.
func apiErrorShape(b []byte) bool {
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return false
	}
	code, ok := m["code"].(string)
	_, hasMessage := m["message"].(string)
	return ok && code != "" && hasMessage
}
