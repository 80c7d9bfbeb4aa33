package webex

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/ucprov/terraform-provider-ucprov/internal/webexspec"
)

const testToken = "tok-secret-0123456789"

// recorder is shared by every test server of the package: TestZZContractCoverage asserts that
// the tests together exercised every operation the client has.
var coverage webexspec.Recorder

// newServer starts an httptest server whose handler is wrapped in the Webex contract check
// (every request and response validated against api/specs/webex; error responses may carry any
// body, as the tests answer the shapes a gateway or the calling APIs give) and returns its /v1
// base URL.
func newServer(t testing.TB, h http.Handler) (*httptest.Server, string) {
	t.Helper()
	srv := httptest.NewServer(webexspec.Middleware(t, webexspec.Conforming, nil, webexspec.Record(&coverage), webexspec.AnyErrorBody())(h))
	t.Cleanup(srv.Close)
	return srv, srv.URL + "/v1"
}

// newRawServer is newServer without the contract check (for answers the spec does not allow on
// purpose: malformed bodies, statuses a fault injects).
func newRawServer(t testing.TB, h http.Handler) (*httptest.Server, string) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, srv.URL + "/v1"
}

// newClient returns a client of base with fast retries; mutate adjusts the config.
func newClient(t *testing.T, base string, mutate ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		BaseURL:      base,
		Token:        testToken,
		MaxRetries:   3,
		RetryWaitMin: time.Millisecond,
		RetryWaitMax: 5 * time.Millisecond,
	}
	for _, m := range mutate {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// logCtx returns a context whose tflog output goes to the returned buffer (JSON lines).
func logCtx(t *testing.T) (context.Context, *syncBuffer) {
	t.Helper()
	buf := &syncBuffer{}
	ctx := tflogtest.RootLogger(context.Background(), buf)
	return ctx, buf
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *syncBuffer) entries(t *testing.T) []map[string]any {
	t.Helper()
	entries, err := tflogtest.MultilineJSONDecode(strings.NewReader(s.String()))
	if err != nil {
		t.Fatalf("decode logs: %v", err)
	}
	return entries
}

// writeJSON answers status with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError answers status with a Webex error body (the common form).
func writeError(w http.ResponseWriter, status int, message string, code int) {
	writeJSON(w, status, map[string]any{
		"message":    message,
		"errors":     []map[string]any{{"errorCode": code, "description": message}},
		"trackingId": "ROUTER_test",
	})
}

// readJSON decodes the request body into v, failing the test on an error.
func readJSON(t *testing.T, r *http.Request, v any) {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Errorf("read body: %v", err)
		return
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Errorf("decode body %s: %v", b, err)
	}
}

func ptr[T any](v T) *T { return &v }
