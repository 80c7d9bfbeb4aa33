package client

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Every write method sends WriteOptions.IfMatch as If-Match, and nothing without it.
func TestWriteMethodsSendIfMatch(t *testing.T) {
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Header.Get("If-Match"))
		mu.Unlock()
		if r.Method == http.MethodDelete {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"status": "queued", "jobId": "job_1"})
	}))
	defer srv.Close()
	c := newTestClient(t, srv)
	ctx := context.Background()
	writes := map[string]func(WriteOptions) error{
		"UpdateUser": func(o WriteOptions) error { _, err := c.UpdateUser(ctx, "usr_1", UserPatch{}, o); return err },
		"DeleteUser": func(o WriteOptions) error { return c.DeleteUser(ctx, "usr_1", o) },
		"PutNumber": func(o WriteOptions) error {
			_, err := c.PutNumber(ctx, "usr_1", NumberInput{Extension: "1200"}, o)
			return err
		},
		"DeleteNumber":   func(o WriteOptions) error { return c.DeleteNumber(ctx, "usr_1", o) },
		"ActivateNumber": func(o WriteOptions) error { _, err := c.ActivateNumber(ctx, "usr_1", o); return err },
		"PutE911":        func(o WriteOptions) error { _, err := c.PutE911(ctx, "usr_1", Address{}, o); return err },
		"DeleteE911":     func(o WriteOptions) error { return c.DeleteE911(ctx, "usr_1", o) },
		"SetIMP":         func(o WriteOptions) error { _, err := c.SetIMP(ctx, "usr_1", true, o); return err },
		"PutCallForwarding": func(o WriteOptions) error {
			_, err := c.PutCallForwarding(ctx, "usr_1", CallForwarding{}, o)
			return err
		},
		"DeleteCallForwarding": func(o WriteOptions) error { return c.DeleteCallForwarding(ctx, "usr_1", o) },
		"CreateActivation": func(o WriteOptions) error {
			_, err := c.CreateActivation(ctx, "usr_1", ActivationInput{}, o)
			return err
		},
		"UpdateActivationPackage": func(o WriteOptions) error {
			_, err := c.UpdateActivationPackage(ctx, "usr_1", "webex_suite", o)
			return err
		},
		"RetryActivation":  func(o WriteOptions) error { _, err := c.RetryActivation(ctx, "usr_1", "", o); return err },
		"DeleteActivation": func(o WriteOptions) error { return c.DeleteActivation(ctx, "usr_1", o) },
	}
	for name, write := range writes {
		t.Run(name, func(t *testing.T) {
			for _, tt := range []struct{ opt, want string }{{"", ""}, {"5", `"5"`}, {`W/"x"`, `W/"x"`}} {
				mu.Lock()
				got = nil
				mu.Unlock()
				if err := write(WriteOptions{IfMatch: tt.opt}); err != nil {
					t.Fatalf("IfMatch %q: %v", tt.opt, err)
				}
				mu.Lock()
				if len(got) != 1 || got[0] != tt.want {
					t.Errorf("IfMatch %q: sent If-Match %q, want %q", tt.opt, got, tt.want)
				}
				mu.Unlock()
			}
		})
	}
}

// A write whose attempt is on the wire when the context ends (Ctrl-C) is let finish: its answer
// is not lost (a created object reaches the state), and nothing is retried after it.
func TestWriteFinishesInFlightAttempt(t *testing.T) {
	arrived, release := make(chan struct{}), make(chan struct{})
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		close(arrived)
		<-release
		writeJSON(w, http.StatusCreated, map[string]any{"id": "usr_1", "firstName": "A", "lastName": "B"})
	}))
	defer srv.Close()
	c := newTestClient(t, srv)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-arrived
		cancel()
		time.Sleep(50 * time.Millisecond)
		close(release)
	}()
	u, err := c.CreateUser(ctx, "ent_acme", UserInput{GroupID: "grp_1", FirstName: "A", LastName: "B"})
	if err != nil || u.ID != "usr_1" || calls.Load() != 1 {
		t.Fatalf("CreateUser = %+v, %v after %d calls; want the created user", u, err, calls.Load())
	}
}

// A write waiting out a 429's Retry-After returns at once when the context ends; so does a read.
func TestBackoffEndsWithContext(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "60")
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"code": "rate_limited"})
	}))
	defer srv.Close()
	c := newTestClient(t, srv, func(cfg *Config) { cfg.RetryWaitMax = 2 * time.Minute; cfg.MaxRetries = 5 })
	for name, call := range map[string]func(context.Context) error{
		"write": func(ctx context.Context) error {
			_, err := c.UpdateUser(ctx, "usr_1", UserPatch{}, WriteOptions{})
			return err
		},
		"read": func(ctx context.Context) error { _, err := c.GetUser(ctx, "usr_1"); return err },
	} {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			start := time.Now()
			err := call(ctx)
			if took := time.Since(start); took > 2*time.Second || !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("returned after %s with %v; want DeadlineExceeded at once", took, err)
			}
		})
	}
}
