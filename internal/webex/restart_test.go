package webex

import (
	"context"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestRefusedAfterAnswerIsRetried: a refused connection from a server that answered this client
// before is a server restarting: the call (even a POST that is not idempotent: a refused
// connection sent nothing) is retried until the server is back, and reaches it once. From a
// server that never answered, a refused connection still fails at once (TestFastFailures).
func TestRefusedAfterAnswerIsRetried(t *testing.T) {
	var posts atomic.Int32
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v1/people/"):
			_, _ = w.Write([]byte(`{"id":"P1","emails":["a@x.com"],"displayName":"A B"}`))
		case r.Method == http.MethodPost && r.URL.Path == "/v1/wholesale/subscribers":
			posts.Add(1)
			_, _ = w.Write([]byte(`{"id":"S1","customerId":"C1","email":"a@x.com","status":"provisioned","packages":["common_area_calling"]}`))
		default:
			http.NotFound(w, r)
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	first := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = first.Serve(ln) }()
	c := newClient(t, "http://"+addr+"/v1", func(c *Config) {
		c.MaxRetries = 8
		c.RetryWaitMin, c.RetryWaitMax = 50*time.Millisecond, 200*time.Millisecond
		// A fresh connection per request: the POST must meet the closed port (refused), not a
		// kept-alive connection that the server's close resets (an ambiguous failure).
		c.HTTPClient = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	})
	ctx := context.Background()
	if _, err := c.GetPerson(ctx, "P1", false); err != nil {
		t.Fatal(err)
	}
	// The server goes away (its port refuses connections) and comes back 400 ms later.
	_ = first.Close()
	restarted := make(chan *http.Server, 1)
	go func() {
		time.Sleep(400 * time.Millisecond)
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			restarted <- nil
			return
		}
		srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
		restarted <- srv
		_ = srv.Serve(ln)
	}()
	res, err := c.ProvisionWholesaleSubscriber(ctx, WholesaleSubscriberCreate{CustomerID: "C1", Email: "a@x.com", Packages: []string{"common_area_calling"}})
	srv := <-restarted
	if srv == nil {
		t.Skip("the port was taken by another process before the restart")
	}
	t.Cleanup(func() { _ = srv.Close() })
	if err != nil {
		t.Fatalf("the POST during the restart: %v, want it retried until the server is back", err)
	}
	if res.Subscriber.ID != "S1" || posts.Load() != 1 {
		t.Errorf("subscriber %q after %d POSTs, want S1 after 1", res.Subscriber.ID, posts.Load())
	}
}

func TestRetryDecisionRefused(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: &net.OpError{Err: errConnRefused()}}
	ctx := context.Background()
	for _, c := range []struct {
		idempotent, answered, want bool
	}{
		{true, false, false}, {false, false, false}, {true, true, true}, {false, true, true},
	} {
		if got, _ := retryDecision(ctx, c.idempotent, false, c.answered, nil, refused); got != c.want {
			t.Errorf("refused, idempotent %v, answered before %v: retry %v, want %v", c.idempotent, c.answered, got, c.want)
		}
	}
}

func errConnRefused() error { return syscall.ECONNREFUSED }
