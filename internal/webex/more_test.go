package webex

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestRequestsPerSecond: the client-side limit spaces the requests out.
func TestRequestsPerSecond(t *testing.T) {
	_, base := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"id": "l1", "name": "Denver"})
	}))
	c := newClient(t, base, func(c *Config) { c.RequestsPerSecond = 10 })
	start := time.Now()
	for range 6 {
		if _, err := c.GetLocation(context.Background(), "", "l1"); err != nil {
			t.Fatal(err)
		}
	}
	// A burst of 1, then one request per 100 ms: 6 requests take at least 500 ms.
	if d := time.Since(start); d < 450*time.Millisecond {
		t.Errorf("6 requests at 10/s took %s", d)
	}
}

// TestConcurrent401sRefreshOnce: calls that meet a 401 together share one refresh.
func TestConcurrent401sRefreshOnce(t *testing.T) {
	o := &oauthServer{t: t, accept: func(tok string) bool { return tok == "tok-2" }}
	_, base := newServer(t, o)
	c := newClient(t, base, oauthConfig)
	// Get tok-1 first, so that every call below starts with the same stale token.
	if _, err := c.auth.token(context.Background()); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var failures atomic.Int32
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.GetPerson(context.Background(), "p1", false); err != nil {
				failures.Add(1)
				t.Errorf("GetPerson: %v", err)
			}
		}()
	}
	wg.Wait()
	if o.issued != 2 {
		t.Errorf("%d tokens issued for 8 concurrent 401s, want 2 (the first and one refresh)", o.issued)
	}
}

// TestContextEndsTheWait: a cancelled context ends the wait between attempts at once.
func TestContextEndsTheWait(t *testing.T) {
	_, base := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	c := newClient(t, base)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.GetLocation(ctx, "", "l1")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the context's deadline", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("returned after %s", d)
	}
}

// FuzzNextLink: the Link parser never panics, and what it returns is a target of the header.
func FuzzNextLink(f *testing.F) {
	for _, s := range []string{
		`<https://x/v1/people?cursor=a>; rel="next"`, `<a>; rel="prev", <b>; rel="next"`, `<a>; title="x, y"; rel="prev next"`,
		`<`, `<>; rel=next`, `;;;,,,<`, `<a>; rel="`, "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		got := nextLink(http.Header{"Link": {v}})
		if got != "" && !strings.Contains(v, "<"+got+">") {
			t.Fatalf("nextLink(%q) = %q, not a target of the header", v, got)
		}
	})
}

// FuzzParseRetryAfter: never panics, never negative.
func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"0", "120", "-1", "99999999999999999999", "Mon, 07 Dec 2026 01:00:45 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "x"} {
		f.Add(s)
	}
	now := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := parseRetryAfter(v, now)
		if d < 0 || (!ok && d != 0) {
			t.Fatalf("parseRetryAfter(%q) = %s, %v", v, d, ok)
		}
	})
}

// FuzzResponseDecoding answers the client's reads with arbitrary statuses, bodies and Link
// headers: it never panics or hangs, and a non-2xx answer is always an *Error with that status.
func FuzzResponseDecoding(f *testing.F) {
	for _, s := range []struct {
		status int
		body   string
		link   string
	}{
		{200, `{"items":[{"id":"a"}]}`, `</v1/people?cursor=b>; rel="next"`},
		{200, `{"items":null}`, ""}, {200, `[]`, ""}, {200, `null`, ""}, {200, ``, ""}, {200, `{`, ""},
		{200, `{"invitePending":"maybe"}`, ""}, {200, `{"phoneNumbers":[{"state":7}]}`, ""},
		{400, `{"message":"m","errors":[{"errorCode":10022}]}`, ""}, {404, `<html>`, ""},
		{409, `{"error":{"key":"409","message":[{"code":"x"}]}}`, ""},
	} {
		f.Add(uint16(s.status), []byte(s.body), s.link)
	}
	var (
		mu     sync.Mutex
		status int
		body   []byte
		link   string
	)
	srv, base := newRawServer(f, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		st, b, l := status, body, link
		mu.Unlock()
		if l != "" && r.URL.Query().Get("cursor") == "" {
			w.Header().Set("Link", l)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(st)
		_, _ = w.Write(b)
	}))
	_ = srv
	c, err := New(Config{BaseURL: base, Token: "t"})
	if err != nil {
		f.Fatal(err)
	}
	ctx := context.Background()
	calls := map[string]func() error{
		"ListPeople":  func() error { _, err := c.ListPeople(ctx, PersonFilter{}); return err },
		"GetPerson":   func() error { _, err := c.GetPerson(ctx, "p", true); return err },
		"ListNumbers": func() error { _, err := c.ListNumbers(ctx, NumberFilter{}); return err },
		"GetFwd":      func() error { _, err := c.GetCallForwarding(ctx, "", "p"); return err },
		"ListSubs":    func() error { _, err := c.ListWholesaleSubscribers(ctx, WholesaleSubscriberFilter{}); return err },
		"Job":         func() error { _, err := c.GetActivationEmailJob(ctx, "o", "j"); return err },
	}
	f.Fuzz(func(t *testing.T, st uint16, b []byte, l string) {
		code := 200 + int(st)%300
		// 1xx, 3xx, 401 (refresh), 429, 423 and 5xx belong to the retry policy, not to decoding.
		if code == 204 || code == 304 || code == 401 || code == 423 || code == 429 || (code >= 300 && code < 400) {
			code = 200
		}
		if strings.IndexFunc(l, func(r rune) bool { return r < 0x20 || r > 0x7e }) >= 0 {
			l = ""
		}
		mu.Lock()
		status, body, link = code, b, l
		mu.Unlock()
		for name, call := range calls {
			err := call()
			if code >= 400 {
				e, ok := AsError(err)
				if !ok || e.Status != code {
					t.Fatalf("%s: status %d body %q: error %v, want an *Error with status %d", name, code, b, err, code)
				}
			}
		}
	})
}
