package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

const testToken = "tok-SECRET-3f9a1c"

// newTestClient returns a client of srv with fast retries; mod may adjust the config.
func newTestClient(t *testing.T, srv *httptest.Server, mod ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		Endpoint:     srv.URL,
		Token:        testToken,
		MaxRetries:   3,
		RetryWaitMin: time.Millisecond,
		RetryWaitMax: 5 * time.Millisecond,
		HTTPClient:   srv.Client(),
	}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeAPIError(w http.ResponseWriter, status int, code string, extra map[string]any) {
	body := map[string]any{"code": code, "message": code + " happened", "trackingId": "trk-1"}
	for k, v := range extra {
		body[k] = v
	}
	w.Header().Set("TrackingID", "trk-1")
	writeJSON(w, status, body)
}

var testUser = User{ID: "usr_1", EnterpriseID: "ent_acme", GroupID: "grp_denver", FirstName: "Ada", LastName: "Lovelace", ETag: `"1"`}

func TestRetry429ThenOKCapsRetryAfter(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			w.Header().Set("Retry-After", "30")
			writeAPIError(w, http.StatusTooManyRequests, "rate_limited", nil)
			return
		}
		writeJSON(w, http.StatusOK, testUser)
	}))
	defer srv.Close()
	c := newTestClient(t, srv, func(cfg *Config) { cfg.RetryWaitMax = 40 * time.Millisecond })

	start := time.Now()
	u, err := c.GetUser(context.Background(), "usr_1")
	elapsed := time.Since(start)
	if err != nil {
		t.Fatalf("GetUser: %v", err)
	}
	if u.ID != "usr_1" {
		t.Errorf("user id = %q", u.ID)
	}
	if n := hits.Load(); n != 2 {
		t.Errorf("attempts = %d, want 2", n)
	}
	// Retry-After 30s is honoured up to the cap: between 90% and 100% of RetryWaitMax.
	if elapsed < 36*time.Millisecond || elapsed > 5*time.Second {
		t.Errorf("elapsed %s, want about the 40ms cap", elapsed)
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	if testing.Short() {
		t.Skip("waits a second")
	}
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			writeAPIError(w, http.StatusTooManyRequests, "rate_limited", nil)
			return
		}
		writeJSON(w, http.StatusOK, testUser)
	}))
	defer srv.Close()
	c := newTestClient(t, srv, func(cfg *Config) { cfg.RetryWaitMax = 3 * time.Second })
	start := time.Now()
	if _, err := c.GetUser(context.Background(), "usr_1"); err != nil {
		t.Fatalf("GetUser: %v", err)
	}
	if elapsed := time.Since(start); elapsed < time.Second || elapsed > 2*time.Second {
		t.Errorf("elapsed %s, want between 1s and 1.25s (+ slack)", elapsed)
	}
	if n := hits.Load(); n != 2 {
		t.Errorf("attempts = %d, want 2", n)
	}
}

func TestBackoff(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name       string
		min, max   time.Duration
		attempt    int
		status     int // 0: no response
		retryAfter string
		lo, hi     time.Duration
	}{
		{"exponential first", 100 * time.Millisecond, 10 * time.Second, 0, 0, "", 100 * time.Millisecond, 125 * time.Millisecond},
		{"exponential third", 100 * time.Millisecond, 10 * time.Second, 2, 502, "", 400 * time.Millisecond, 500 * time.Millisecond},
		{"exponential capped", 100 * time.Millisecond, time.Second, 20, 500, "", 900 * time.Millisecond, time.Second},
		{"retry-after seconds", 100 * time.Millisecond, 10 * time.Second, 0, 429, "2", 2 * time.Second, 2500 * time.Millisecond},
		{"retry-after on 503", 100 * time.Millisecond, 10 * time.Second, 5, 503, "1", time.Second, 1250 * time.Millisecond},
		{"retry-after capped", 100 * time.Millisecond, time.Second, 0, 429, "120", 900 * time.Millisecond, time.Second},
		{"retry-after date", 100 * time.Millisecond, 10 * time.Second, 0, 429, now.Add(3 * time.Second).Format(http.TimeFormat), 3 * time.Second, 3750 * time.Millisecond},
		{"retry-after past date", 100 * time.Millisecond, 10 * time.Second, 0, 429, now.Add(-time.Hour).Format(http.TimeFormat), 100 * time.Millisecond, 125 * time.Millisecond},
		{"retry-after garbage", 100 * time.Millisecond, 10 * time.Second, 1, 429, "soon", 200 * time.Millisecond, 250 * time.Millisecond},
		{"retry-after ignored on 500", 100 * time.Millisecond, 10 * time.Second, 0, 500, "5", 100 * time.Millisecond, 125 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A synthetic response: only the status and headers matter to backoffAt.
			var resp *http.Response
			if tt.status != 0 {
				h := http.Header{}
				if tt.retryAfter != "" {
					h.Set("Retry-After", tt.retryAfter)
				}
				resp = &http.Response{StatusCode: tt.status, Header: h}
			}
			for range 200 {
				d := backoffAt(now, tt.min, tt.max, tt.attempt, resp)
				if d < tt.lo || d > tt.hi {
					t.Fatalf("backoff = %s, want within [%s, %s]", d, tt.lo, tt.hi)
				}
			}
		})
	}
}

func TestRetriesExhausted(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		writeAPIError(w, http.StatusServiceUnavailable, "unavailable", nil)
	}))
	defer srv.Close()
	c := newTestClient(t, srv, func(cfg *Config) { cfg.MaxRetries = 4 })

	_, err := c.GetUser(context.Background(), "usr_1")
	apiErr, ok := AsAPIError(err)
	if !ok {
		t.Fatalf("error %v (%T), want *APIError", err, err)
	}
	if apiErr.Status != http.StatusServiceUnavailable || apiErr.Code != "unavailable" || apiErr.TrackingID != "trk-1" {
		t.Errorf("api error = %+v", apiErr)
	}
	if n := hits.Load(); n != 5 {
		t.Errorf("attempts = %d, want MaxRetries+1 = 5", n)
	}
}

func TestNoRetriesWhenMaxRetriesZero(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		writeAPIError(w, http.StatusBadGateway, "bad_gateway", nil)
	}))
	defer srv.Close()
	c := newTestClient(t, srv, func(cfg *Config) { cfg.MaxRetries = 0 })
	if _, err := c.GetUser(context.Background(), "usr_1"); err == nil {
		t.Fatal("want an error")
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("attempts = %d, want 1", n)
	}
}

func TestFourXXNotRetried(t *testing.T) {
	for _, status := range []int{400, 401, 404, 409, 412, 422} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			var hits atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				writeAPIError(w, status, "some_code", nil)
			}))
			defer srv.Close()
			c := newTestClient(t, srv)
			_, err := c.UpdateUser(context.Background(), "usr_1", UserPatch{}, WriteOptions{})
			if apiErr, ok := AsAPIError(err); !ok || apiErr.Status != status {
				t.Fatalf("error = %v", err)
			}
			if n := hits.Load(); n != 1 {
				t.Errorf("attempts = %d, want 1", n)
			}
		})
	}
}

func TestCancelledContextStopsRetrying(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Retry-After", "10")
		writeAPIError(w, http.StatusServiceUnavailable, "unavailable", nil)
	}))
	defer srv.Close()
	c := newTestClient(t, srv, func(cfg *Config) {
		cfg.MaxRetries = 10
		cfg.RetryWaitMax = time.Minute
	})

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.GetUser(ctx, "usr_1")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("took %s after cancel, want prompt", elapsed)
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("attempts = %d, want 1", n)
	}

	// A context that is already done sends nothing.
	_, err = c.GetUser(ctx, "usr_1")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("attempts = %d after a call with a done context, want 1", n)
	}
}

func TestDeadlineDuringSlowResponse(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	defer srv.Close()
	c := newTestClient(t, srv)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.GetUser(ctx, "usr_1")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error = %v, want context.DeadlineExceeded", err)
	}
}

func TestPerAttemptTimeoutIsRetried(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		writeJSON(w, http.StatusOK, testUser)
	}))
	defer srv.Close()
	hc := srv.Client()
	hc.Timeout = 0
	c := newTestClient(t, srv, func(cfg *Config) {
		cfg.HTTPClient = hc
		cfg.RequestTimeout = 100 * time.Millisecond
	})
	if _, err := c.GetUser(context.Background(), "usr_1"); err != nil {
		t.Fatalf("GetUser: %v", err)
	}
	if n := hits.Load(); n != 2 {
		t.Errorf("attempts = %d, want 2", n)
	}
}

func TestPostSendsSameIdempotencyKeyOnRetries(t *testing.T) {
	var mu sync.Mutex
	var keys []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/enterprises/ent_acme/users" {
			t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
		}
		mu.Lock()
		keys = append(keys, r.Header.Get("Idempotency-Key"))
		n := len(keys)
		mu.Unlock()
		var in UserInput
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.LastName != "Lovelace" {
			t.Errorf("attempt %d: body %+v, err %v", n, in, err)
		}
		switch n {
		case 1:
			writeAPIError(w, http.StatusInternalServerError, "internal", nil)
		case 2:
			writeAPIError(w, http.StatusBadGateway, "bad_gateway", nil)
		default:
			writeJSON(w, http.StatusCreated, testUser)
		}
	}))
	defer srv.Close()
	c := newTestClient(t, srv)
	in := UserInput{GroupID: "grp_denver", FirstName: "Ada", LastName: "Lovelace"}
	if _, err := c.CreateUser(context.Background(), "ent_acme", in); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	if len(keys) != 3 {
		t.Fatalf("attempts = %d, want 3", len(keys))
	}
	if _, err := uuid.Parse(keys[0]); err != nil {
		t.Errorf("idempotency key %q is not a uuid: %v", keys[0], err)
	}
	if keys[1] != keys[0] || keys[2] != keys[0] {
		t.Errorf("keys differ across retries: %q", keys)
	}
	// A second call is a new operation with a new key.
	if _, err := c.CreateUser(context.Background(), "ent_acme", in); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	if keys[3] == keys[0] {
		t.Errorf("second call reused the key %q", keys[0])
	}
}

// hijackOnce closes the connection without an answer on the first request (a lost response).
func hijackOnce(t *testing.T, next http.HandlerFunc) (http.HandlerFunc, *atomic.Int32) {
	var hits atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			_, _ = io.Copy(io.Discard, r.Body)
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Errorf("hijack: %v", err)
				return
			}
			_ = conn.Close()
			return
		}
		next(w, r)
	}, &hits
}

func TestConnectionErrorRetried(t *testing.T) {
	var keys []string
	h, hits := hijackOnce(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusCreated, testUser)
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		keys = append(keys, r.Header.Get("Idempotency-Key"))
		h(w, r)
	}))
	defer srv.Close()
	c := newTestClient(t, srv)
	if _, err := c.CreateUser(context.Background(), "ent_acme", UserInput{GroupID: "g", FirstName: "a", LastName: "b"}); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	if hits.Load() != 2 || keys[0] == "" || keys[0] != keys[1] {
		t.Errorf("attempts = %d, keys %q; want 2 attempts with one key", hits.Load(), keys)
	}
}

func TestRetryPolicy(t *testing.T) {
	ctx := context.Background()
	connErr := errors.New("connection reset by peer")
	tests := []struct {
		name      string
		retrySafe bool
		status    int
		err       error
		want      bool
	}{
		{"conn error safe", true, 0, connErr, true},
		{"refused after an answer (a restart)", true, 0, &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}, true},
		{"conn error unsafe post", false, 0, connErr, false},
		{"429 unsafe post", false, 429, nil, true},
		{"503 unsafe post", false, 503, nil, true},
		{"500 unsafe post", false, 500, nil, false},
		{"502 unsafe post", false, 502, nil, false},
		{"504 unsafe post", false, 504, nil, false},
		{"500", true, 500, nil, true},
		{"502", true, 502, nil, true},
		{"504", true, 504, nil, true},
		{"501", true, 501, nil, false},
		{"400", true, 400, nil, false},
		{"404", true, 404, nil, false},
		{"409", true, 409, nil, false},
		{"412", true, 412, nil, false},
		{"422", true, 422, nil, false},
		{"200", true, 200, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var resp *http.Response
			if tt.err == nil {
				resp = &http.Response{StatusCode: tt.status, Header: http.Header{}}
			}
			got, err := retryDecision(ctx, tt.retrySafe, true, resp, tt.err)
			if got != tt.want || err != nil {
				t.Errorf("retryDecision = %v, %v; want %v, nil", got, err, tt.want)
			}
		})
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	if got, err := retryDecision(done, true, true, nil, connErr); got || !errors.Is(err, context.Canceled) {
		t.Errorf("done context: %v, %v", got, err)
	}
}

func TestIfMatchSent(t *testing.T) {
	var mu sync.Mutex
	got := map[string]string{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		v, ok := r.Header["If-Match"]
		if ok {
			got[r.Method] = v[0]
		} else {
			got[r.Method] = "<none>"
		}
		mu.Unlock()
		if r.Method == http.MethodDelete {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		writeJSON(w, http.StatusOK, testUser)
	}))
	defer srv.Close()
	c := newTestClient(t, srv)
	ctx := context.Background()
	if _, err := c.UpdateUser(ctx, "usr_1", UserPatch{}, WriteOptions{IfMatch: `"3"`}); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteUser(ctx, "usr_1", WriteOptions{IfMatch: "7"}); err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"PATCH": `"3"`, "DELETE": `"7"`}; !cmp.Equal(got, want) {
		t.Errorf("If-Match: %s", cmp.Diff(want, got))
	}
	if err := c.DeleteUser(ctx, "usr_1", WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if got["DELETE"] != "<none>" {
		t.Errorf("unconditional delete sent If-Match %q", got["DELETE"])
	}
}

func TestNotFound(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeAPIError(w, http.StatusNotFound, "not_found", nil)
	}))
	defer srv.Close()
	c := newTestClient(t, srv)
	ctx := context.Background()
	_, err := c.GetUser(ctx, "usr_gone")
	if !errors.Is(err, ErrNotFound) || !IsNotFound(err) {
		t.Fatalf("error = %v, want ErrNotFound", err)
	}
	if apiErr, ok := AsAPIError(err); !ok || apiErr.Status != 404 || apiErr.Code != "not_found" {
		t.Errorf("api error = %+v", apiErr)
	}
	if IsConflict(err) {
		t.Error("404 is not a conflict")
	}
	// User sub-resources.
	if _, err := c.GetNumber(ctx, "usr_1"); !IsNotFound(err) {
		t.Errorf("GetNumber: %v", err)
	}
	if _, err := c.GetE911(ctx, "usr_1"); !IsNotFound(err) {
		t.Errorf("GetE911: %v", err)
	}
	if _, err := c.GetActivation(ctx, "usr_1"); !IsNotFound(err) {
		t.Errorf("GetActivation: %v", err)
	}
	if err := c.DeleteUser(ctx, "usr_1", WriteOptions{}); !IsNotFound(err) {
		t.Errorf("DeleteUser: %v", err)
	}
	wrapped := fmt.Errorf("reading user: %w", err)
	if !errors.Is(wrapped, ErrNotFound) {
		t.Error("a wrapped 404 must match ErrNotFound")
	}
}

func TestConflictParsed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("TrackingID", "trk-header")
		writeJSON(w, http.StatusConflict, map[string]any{
			"code": "extension_in_use", "message": "extension 1200 is in use", "field": "extension",
			"trackingId": "trk-409", "conflictingUserId": "usr_other",
		})
	}))
	defer srv.Close()
	c := newTestClient(t, srv)
	_, err := c.PutNumber(context.Background(), "usr_1", NumberInput{Extension: "1200"}, WriteOptions{})
	want := &APIError{Status: 409, Code: "extension_in_use", Message: "extension 1200 is in use", Field: "extension", TrackingID: "trk-409", ConflictingUserID: "usr_other"}
	apiErr, ok := AsAPIError(err)
	if !ok {
		t.Fatalf("error %v, want *APIError", err)
	}
	if diff := cmp.Diff(want, apiErr); diff != "" {
		t.Errorf("api error (-want +got):\n%s", diff)
	}
	if got, want := err.Error(), "api error 409 extension_in_use (field extension): extension 1200 is in use [tracking id trk-409]"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !IsConflict(err) || !HasCode(err, "extension_in_use") || HasCode(err, "number_in_use") || IsNotFound(err) {
		t.Error("helpers disagree with the error")
	}
}

func TestSyncOnHoldNextAllowedAt(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeAPIError(w, http.StatusConflict, "sync_on_hold", map[string]any{"nextAllowedAt": "2030-01-02T03:04:05Z"})
	}))
	defer srv.Close()
	c := newTestClient(t, srv)
	_, err := c.StartDirectorySync(context.Background(), "ent_acme")
	apiErr, ok := AsAPIError(err)
	if !ok || !apiErr.NextAllowedAt.Equal(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Fatalf("error = %#v", err)
	}
}

func TestNonJSONErrorBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, "<html>upstream down</html>\n<body>…</body>")
	}))
	defer srv.Close()
	c := newTestClient(t, srv, func(cfg *Config) { cfg.MaxRetries = 0 })
	_, err := c.GetGroup(context.Background(), "grp_denver")
	if got, want := fmt.Sprint(err), "api error 502 bad gateway: <html>upstream down</html>"; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
}

func TestPagingFollowsLink(t *testing.T) {
	var mu sync.Mutex
	var queries []string
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/enterprises/ent_acme/users" {
			t.Errorf("path %s", r.URL.Path)
		}
		mu.Lock()
		queries = append(queries, r.URL.RawQuery)
		mu.Unlock()
		q := r.URL.Query()
		if q.Get("groupId") != "grp_denver" || q.Get("max") != "2" {
			t.Errorf("query %s lost a filter", r.URL.RawQuery)
		}
		page := map[string]string{"": "1", "c2": "2", "c3": "3"}[q.Get("cursor")]
		var items []User
		switch page {
		case "1":
			items = []User{{ID: "usr_1"}, {ID: "usr_2"}}
			w.Header().Set("Link", fmt.Sprintf(`<%s/v1/enterprises/ent_acme/users?groupId=grp_denver&max=2&cursor=c2>; rel="next"`, srv.URL))
		case "2":
			items = []User{{ID: "usr_3"}, {ID: "usr_4"}}
			// A next link naming another host: only its query is used.
			w.Header().Add("Link", `<https://elsewhere.example/v1/enterprises/ent_acme/users?groupId=grp_denver&max=2&cursor=c3>; rel="next", <https://x/prev>; rel="prev"`)
		case "3":
			items = []User{{ID: "usr_5"}}
		default:
			t.Errorf("unknown cursor in %s", r.URL.RawQuery)
		}
		writeJSON(w, http.StatusOK, map[string]any{"items": items})
	}))
	defer srv.Close()
	c := newTestClient(t, srv)
	users, err := c.ListUsers(context.Background(), "ent_acme", UserFilter{GroupID: "grp_denver", Max: 2})
	if err != nil {
		t.Fatalf("ListUsers: %v", err)
	}
	var ids []string
	for _, u := range users {
		ids = append(ids, u.ID)
	}
	if want := []string{"usr_1", "usr_2", "usr_3", "usr_4", "usr_5"}; !cmp.Equal(ids, want) {
		t.Errorf("ids: %s", cmp.Diff(want, ids))
	}
	if len(queries) != 3 {
		t.Errorf("pages fetched = %d, want 3", len(queries))
	}
}

func TestPagingEdgeCases(t *testing.T) {
	var link string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if link != "" {
			w.Header().Set("Link", link)
		}
		writeJSON(w, http.StatusOK, map[string]any{"items": []Group{}})
	}))
	defer srv.Close()
	c := newTestClient(t, srv)
	ctx := context.Background()

	groups, err := c.ListGroups(ctx, "ent_acme")
	if err != nil || groups == nil || len(groups) != 0 {
		t.Errorf("empty list = %#v, %v; want an empty non-nil slice", groups, err)
	}
	link = `</v1/enterprises/ent_acme/groups?cursor=same>; rel="next"`
	if _, err := c.ListGroups(ctx, "ent_acme"); err == nil || !strings.Contains(err.Error(), "paging loop") {
		t.Errorf("loop: %v", err)
	}
	link = `</v1/enterprises/ent_acme/users?cursor=x>; rel="next"`
	if _, err := c.ListGroups(ctx, "ent_acme"); err == nil || !strings.Contains(err.Error(), "another collection") {
		t.Errorf("foreign path: %v", err)
	}
	if _, err := c.ListUsers(ctx, "ent_acme", UserFilter{Max: 1001}); err == nil {
		t.Error("max 1001 accepted")
	}
}

func TestNextLink(t *testing.T) {
	tests := []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{`<http://h/v1/x?cursor=a>; rel="next"`}, "http://h/v1/x?cursor=a"},
		{[]string{`<http://h/p>; rel="prev", <http://h/n?c=1,2>; rel=next`}, "http://h/n?c=1,2"},
		{[]string{`<http://h/p>; rel="prev"`, `<http://h/n>; title="a, b"; rel="last next"`}, "http://h/n"},
		{[]string{`<http://h/p>; rel="prev"`}, ""},
		{[]string{`garbage`}, ""},
	}
	for _, tt := range tests {
		h := http.Header{}
		for _, v := range tt.in {
			h.Add("Link", v)
		}
		if got := nextLink(h); got != tt.want {
			t.Errorf("nextLink(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNewValidatesEndpoint(t *testing.T) {
	tests := []struct {
		endpoint string
		want     string // normalised endpoint, or "" for an error
	}{
		{"https://uc.example.com", "https://uc.example.com"},
		{"https://uc.example.com/", "https://uc.example.com"},
		{"https://uc.example.com/v1/", "https://uc.example.com"},
		{"https://uc.example.com/api", "https://uc.example.com/api"},
		{"HTTPS://uc.example.com:8443", "https://uc.example.com:8443"},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080"},
		{"http://127.8.9.10", "http://127.8.9.10"},
		{"http://localhost:9000", "http://localhost:9000"},
		{"http://[::1]:9000", "http://[::1]:9000"},
		{"http://uc.example.com", ""},
		{"http://10.0.0.1", ""},
		{"http://0.0.0.0:80", ""},
		{"http://localhost.example.com", ""},
		{"ftp://uc.example.com", ""},
		{"uc.example.com", ""},
		{"", ""},
		{"https://user:pw@uc.example.com", ""},
		{"https://uc.example.com/?x=1", ""},
	}
	for _, tt := range tests {
		c, err := New(Config{Endpoint: tt.endpoint, Token: "t"})
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("New(%q) accepted, want an error", tt.endpoint)
		case tt.want != "" && err != nil:
			t.Errorf("New(%q): %v", tt.endpoint, err)
		case tt.want != "" && c.endpoint != tt.want:
			t.Errorf("New(%q) endpoint = %q, want %q", tt.endpoint, c.endpoint, tt.want)
		}
		if err != nil && err.Error() != strings.ToLower(err.Error()[:1])+err.Error()[1:] {
			t.Errorf("error %q does not start lower-case", err)
		}
	}
}

func TestNewValidatesConfig(t *testing.T) {
	base := Config{Endpoint: "https://uc.example.com", Token: "t"}
	bad := map[string]func(*Config){
		"no token":        func(c *Config) { c.Token = " " },
		"negative retry":  func(c *Config) { c.MaxRetries = -1 },
		"negative rps":    func(c *Config) { c.RequestsPerSecond = -1 },
		"min above max":   func(c *Config) { c.RetryWaitMin, c.RetryWaitMax = time.Second, time.Millisecond },
		"token newline":   func(c *Config) { c.Token = "a\nb" },
		"negative timout": func(c *Config) { c.RequestTimeout = -time.Second },
	}
	for name, mod := range bad {
		cfg := base
		mod(&cfg)
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	c, err := New(base)
	if err != nil {
		t.Fatal(err)
	}
	if c.rc.RetryWaitMin != DefaultRetryWaitMin || c.rc.RetryWaitMax != DefaultRetryWaitMax || c.rc.HTTPClient.Timeout != DefaultRequestTimeout || c.rc.RetryMax != 0 {
		t.Errorf("defaults not applied: %+v", c.rc)
	}
}

func TestHeaders(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get("Authorization"); got != "Bearer "+testToken {
			t.Errorf("Authorization = %q", got)
		}
		if got := r.Header.Get("User-Agent"); got != "terraform-provider-ucprov/test" {
			t.Errorf("User-Agent = %q", got)
		}
		if got := r.Header.Get("Accept"); got != "application/json" {
			t.Errorf("Accept = %q", got)
		}
		if r.Method == http.MethodGet && (r.Header.Get("Idempotency-Key") != "" || r.Header.Get("Content-Type") != "") {
			t.Errorf("GET carries a key or a content type")
		}
		writeJSON(w, http.StatusOK, Enterprise{ID: "ent_acme", Name: "Acme Corp"})
	}))
	defer srv.Close()
	c := newTestClient(t, srv, func(cfg *Config) { cfg.UserAgent = "terraform-provider-ucprov/test" })
	e, err := c.GetEnterprise(context.Background(), "ent_acme")
	if err != nil || e.Name != "Acme Corp" {
		t.Fatalf("GetEnterprise = %+v, %v", e, err)
	}
}

func TestRedirectNotFollowed(t *testing.T) {
	var hits atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
	}))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/steal", http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	c, err := New(Config{Endpoint: srv.URL, Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetUser(context.Background(), "usr_1")
	if apiErr, ok := AsAPIError(err); !ok || apiErr.Status != http.StatusTemporaryRedirect {
		t.Errorf("error = %v, want an APIError 307", err)
	}
	if hits.Load() != 0 {
		t.Error("the redirect was followed")
	}
}

func TestEmptyIDRefusedWithoutRequest(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	c := newTestClient(t, srv)
	ctx := context.Background()
	if _, err := c.GetUser(ctx, ""); err == nil || err.Error() != "user id is required" {
		t.Errorf("GetUser(\"\") = %v", err)
	}
	if err := c.DeleteUser(ctx, " ", WriteOptions{}); err == nil {
		t.Error("DeleteUser(\" \") accepted")
	}
	if _, err := c.ListUsers(ctx, "", UserFilter{}); err == nil || err.Error() != "enterprise id is required" {
		t.Errorf("ListUsers(\"\") = %v", err)
	}
	if hits.Load() != 0 {
		t.Error("a request was sent")
	}
}

func TestLogsNeverContainSecrets(t *testing.T) {
	const passcode = "740261"
	const password = "Zq9!pass-word"
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := hits.Add(1)
		body, _ := io.ReadAll(r.Body)
		switch {
		case n == 1: // one retry, so that the retry path logs too
			writeAPIError(w, http.StatusServiceUnavailable, "unavailable", nil)
		case strings.HasSuffix(r.URL.Path, "/voicemail/passcode") && n == 2:
			// A careless server echoing the secret in its message.
			writeAPIError(w, http.StatusUnprocessableEntity, "passcode_sequence", map[string]any{"message": "bad passcode " + string(body) + " " + testToken})
		case r.Method == http.MethodPut:
			w.WriteHeader(http.StatusNoContent)
		default:
			writeJSON(w, http.StatusOK, testUser)
		}
	}))
	defer srv.Close()
	c := newTestClient(t, srv)

	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	if err := c.SetVoicemailPasscode(ctx, "usr_1", passcode); err == nil {
		t.Error("want the 422")
	} else if strings.Contains(err.Error(), testToken) {
		t.Errorf("the error shows the token: %v", err)
	}
	if err := c.SetVoicemailPasscode(ctx, "usr_1", passcode); err != nil {
		t.Error(err)
	}
	if err := c.SetPortalPassword(ctx, "usr_1", password); err != nil {
		t.Error(err)
	}
	if _, err := c.GetUser(ctx, "usr_1"); err != nil {
		t.Error(err)
	}

	logs := buf.String()
	for _, secret := range []string{testToken, passcode, password, "Bearer"} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain %q:\n%s", secret, logs)
		}
	}
	entries, err := tflogtest.MultilineJSONDecode(strings.NewReader(logs))
	if err != nil {
		t.Fatal(err)
	}
	var paths, retries int
	for _, e := range entries {
		if e["http_path"] == "/v1/users/usr_1/voicemail/passcode" {
			paths++
		}
		if e["will_retry"] == true {
			retries++
		}
	}
	if paths == 0 || retries != 1 {
		t.Errorf("expected log lines for the passcode path (%d) and one retry (%d):\n%s", paths, retries, logs)
	}
}

func TestRateLimitSlowsDownAfter429(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			writeAPIError(w, http.StatusTooManyRequests, "rate_limited", nil)
			return
		}
		writeJSON(w, http.StatusOK, testUser)
	}))
	defer srv.Close()
	c := newTestClient(t, srv)
	c.limiter.SetThrottleStart(20) // requests per second once throttled

	ctx := context.Background()
	start := time.Now()
	for range 6 {
		if _, err := c.GetUser(ctx, "usr_1"); err != nil {
			t.Fatal(err)
		}
	}
	elapsed := time.Since(start)
	if r := c.limiter.Rate(); r == 0 || r >= 50 {
		t.Errorf("rate after a 429 = %g, want a limit", r)
	}
	// 6 more requests after the 429 at ~20-30/s: at least ~150ms; unthrottled takes a few ms.
	if elapsed < 120*time.Millisecond {
		t.Errorf("7 requests after a 429 took %s: the client did not slow down", elapsed)
	}
}

func TestConfiguredRateLimit(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, testUser)
	}))
	defer srv.Close()
	c := newTestClient(t, srv, func(cfg *Config) { cfg.RequestsPerSecond = 50 })
	start := time.Now()
	for range 6 {
		if _, err := c.GetUser(context.Background(), "usr_1"); err != nil {
			t.Fatal(err)
		}
	}
	if elapsed := time.Since(start); elapsed < 90*time.Millisecond {
		t.Errorf("6 requests at 50/s took %s, want at least 100ms", elapsed)
	}
}

func TestWaitJob(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/jobs/job_1" {
			t.Errorf("path %s", r.URL.Path)
		}
		status := []string{"queued", "running", "running", "failed"}[min(int(hits.Add(1))-1, 3)]
		job := map[string]any{"id": "job_1", "kind": "activation", "status": status, "error": nil,
			"createdAt": "2025-01-01T00:00:00Z", "updatedAt": "2025-01-01T00:00:01Z"}
		if status == "failed" {
			job["error"] = map[string]string{"code": "no_activated_user", "message": "no user is provisioned"}
		}
		writeJSON(w, http.StatusOK, job)
	}))
	defer srv.Close()
	c := newTestClient(t, srv)
	ctx := context.Background()

	job, err := c.WaitJob(ctx, "job_1", time.Millisecond, func(j *Job) bool { return j.Status == JobRunning })
	if err != nil || job.Status != JobRunning || hits.Load() != 2 {
		t.Fatalf("WaitJob(until running) = %+v, %v after %d polls", job, err, hits.Load())
	}
	job, err = c.WaitJob(ctx, "job_1", time.Millisecond, nil)
	if err != nil || job.Status != JobFailed || job.Error == nil || job.Error.Code != "no_activated_user" {
		t.Fatalf("WaitJob = %+v, %v", job, err)
	}
	if got := job.Error.Error(); got != "job failed: no_activated_user: no user is provisioned" {
		t.Errorf("JobError = %q", got)
	}

	hits.Store(0)
	tctx, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
	defer cancel()
	job, err = c.WaitJob(tctx, "job_1", 10*time.Millisecond, func(*Job) bool { return false })
	if !errors.Is(err, context.DeadlineExceeded) || job == nil {
		t.Errorf("WaitJob with deadline = %+v, %v; want the last job and DeadlineExceeded", job, err)
	}
}

func TestWaitActivation(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		statuses := []string{"queued", "pending_email_validation", "provisioning", "provisioned"}
		status := statuses[min(int(hits.Add(1))-1, 3)]
		writeJSON(w, http.StatusOK, map[string]any{"status": status, "email": "a@example.com", "package": "webex_calling", "updatedAt": "2025-01-01T00:00:00Z"})
	}))
	defer srv.Close()
	c := newTestClient(t, srv)
	a, err := c.WaitActivation(context.Background(), "usr_1", ActivationWait{Poll: time.Millisecond})
	if err != nil || a.Status != ActivationProvisioned || hits.Load() != 4 {
		t.Fatalf("WaitActivation = %+v, %v after %d polls", a, err, hits.Load())
	}
}

// A cancelled wait returns at once, with the last activation read and the context's error, even
// when the next read is far away (SIGINT during a long activation wait).
func TestWaitActivationCancelled(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		writeJSON(w, http.StatusOK, map[string]any{"status": "provisioning", "package": "webex_calling", "updatedAt": "2025-01-01T00:00:00Z"})
	}))
	defer srv.Close()
	c := newTestClient(t, srv)
	ctx, cancel := context.WithCancel(context.Background())
	var reads atomic.Int32
	go func() {
		for reads.Load() == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	start := time.Now()
	a, err := c.WaitActivation(ctx, "usr_1", ActivationWait{Poll: time.Hour, OnRead: func(*Activation) { reads.Add(1) }})
	if took := time.Since(start); took > time.Second {
		t.Errorf("cancelled wait took %s", took)
	}
	if !errors.Is(err, context.Canceled) || a == nil || a.Status != ActivationProvisioning || hits.Load() != 1 {
		t.Errorf("WaitActivation = %+v, %v after %d reads; want the last activation and Canceled", a, err, hits.Load())
	}
}

func TestJSONShapes(t *testing.T) {
	empty, email := "", "new@example.com"
	b, _ := json.Marshal(UserPatch{Email: &email, Department: &empty})
	if got, want := string(b), `{"department":"","email":"new@example.com"}`; got != want {
		t.Errorf("patch = %s, want %s", got, want)
	}
	b, _ = json.Marshal(UserInput{GroupID: "grp_denver", FirstName: "A", LastName: "B"})
	if got, want := string(b), `{"groupId":"grp_denver","firstName":"A","lastName":"B"}`; got != want {
		t.Errorf("input = %s, want %s", got, want)
	}
	var e E911
	if err := json.Unmarshal([]byte(`{"address1":"1 main street","city":"Denver","state":"CO","postalCode":"80202","country":"US","normalized":{"address1":"1 MAIN ST","city":"DENVER"},"status":"valid","etag":"\"2\""}`), &e); err != nil {
		t.Fatal(err)
	}
	if e.Address1 != "1 main street" || e.Normalized.Address1 != "1 MAIN ST" || e.Status != "valid" || e.ETag != `"2"` {
		t.Errorf("e911 = %+v", e)
	}
	for _, in := range []string{
		`{"status":"never","lastJobId":"","lastCompletedAt":"","nextAllowedAt":null,"errorCode":""}`,
		`{"status":"never"}`,
	} {
		var d DirectorySync
		if err := json.Unmarshal([]byte(in), &d); err != nil || d.Status != "never" || d.LastCompletedAt != nil || d.NextAllowedAt != nil {
			t.Errorf("directory sync %s = %+v, %v", in, d, err)
		}
	}
	var d DirectorySync
	if err := json.Unmarshal([]byte(`{"status":"succeeded","lastJobId":"job_9","lastCompletedAt":"2025-01-01T00:00:00Z","nextAllowedAt":"2025-01-02T00:00:00Z"}`), &d); err != nil ||
		d.LastJobID != "job_9" || d.LastCompletedAt == nil || d.NextAllowedAt == nil || d.NextAllowedAt.Sub(*d.LastCompletedAt) != 24*time.Hour {
		t.Errorf("directory sync = %+v, %v", d, err)
	}
}
