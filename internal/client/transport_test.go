package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The provider's defaults (internal/provider): 8 retries, waits from 500 ms, 30 s per attempt.
// Transport errors that no retry can heal must fail within a few seconds even so (issue 20).
func providerLikeClient(t *testing.T, endpoint string, mod ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{Endpoint: endpoint, Token: testToken, MaxRetries: 8}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const transportFailBound = 3 * time.Second

// checkTransportError fails unless err is a *TransportError of kind, after attempts attempts, whose
// message names the method and URL (without query), the kind and each of wants.
func checkTransportError(t *testing.T, err error, kind TransportKind, attempts int, wantURL string, wants ...string) {
	t.Helper()
	te, ok := AsTransportError(err)
	if !ok {
		t.Fatalf("error %v (%T), want a *TransportError", err, err)
	}
	if te.Kind != kind || te.Attempts != attempts {
		t.Errorf("kind %q after %d attempt(s), want %q after %d: %v", te.Kind, te.Attempts, kind, attempts, err)
	}
	msg := err.Error()
	for _, w := range append([]string{"get " + wantURL + ":", string(kind)}, wants...) {
		if !strings.Contains(msg, w) {
			t.Errorf("message %q does not contain %q", msg, w)
		}
	}
	if strings.Contains(msg, "?") || strings.Contains(msg, testToken) {
		t.Errorf("message %q carries the query or the token", msg)
	}
	if _, isAPI := AsAPIError(err); isAPI || IsNotFound(err) || IsNotTheAPI(err) {
		t.Errorf("a transport error is taken for an answer: %v", err)
	}
}

func TestTransportConnectionRefusedFailsAtOnce(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close() // a closed port: a wrong port, or an API that is not running
	c := providerLikeClient(t, "http://"+addr)
	start := time.Now()
	_, err = c.ListUsers(context.Background(), "ent_acme", UserFilter{Email: "ada@acme.example"})
	if took := time.Since(start); took > transportFailBound {
		t.Errorf("failed after %s, want under %s", took, transportFailBound)
	}
	checkTransportError(t, err, KindConnectionRefused, 1, "http://"+addr+"/v1/enterprises/ent_acme/users",
		"nothing accepts connections on "+addr, "connect: connection refused", "not retried")
}

// A refused connection from an endpoint that has answered this client before is a server
// restarting: it is retried (the reliability tests kill and restart the backend mid-apply).
func TestTransportConnectionRefusedAfterAnAnswerIsRetried(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, testUser)
	}))
	c := providerLikeClient(t, srv.URL, func(cfg *Config) {
		cfg.MaxRetries, cfg.RetryWaitMin, cfg.RetryWaitMax = 2, time.Millisecond, 2*time.Millisecond
	})
	if _, err := c.GetUser(context.Background(), "usr_1"); err != nil {
		t.Fatal(err)
	}
	srv.Close()
	_, err := c.GetUser(context.Background(), "usr_1")
	checkTransportError(t, err, KindConnectionRefused, 3, srv.URL+"/v1/users/usr_1", "giving up after 3 attempt(s)")
}

func TestTransportUnknownHostFailsAtOnce(t *testing.T) {
	const endpoint = "https://api.ucprov-test.invalid" // RFC 2606: .invalid never resolves
	c := providerLikeClient(t, endpoint)
	start := time.Now()
	_, err := c.GetEnterprise(context.Background(), "ent_acme")
	if took := time.Since(start); took > transportFailBound {
		t.Errorf("failed after %s, want under %s", took, transportFailBound)
	}
	if te, ok := AsTransportError(err); ok && te.Kind == KindConnection && strings.Contains(err.Error(), "lookup") {
		t.Skipf("this machine has no DNS resolver that answers NXDOMAIN: %v", err)
	}
	checkTransportError(t, err, KindUnknownHost, 1, endpoint+"/v1/enterprises/ent_acme",
		"the host name in api.ucprov-test.invalid does not resolve", "no such host")
}

// https:// to a server that speaks plain http.
func TestTransportHTTPSToPlainServerFailsAtOnce(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		writeJSON(w, http.StatusOK, testUser)
	}))
	defer srv.Close()
	endpoint := "https://" + srv.Listener.Addr().String()
	c := providerLikeClient(t, endpoint)
	start := time.Now()
	_, err := c.GetEnterprise(context.Background(), "ent_acme")
	if took := time.Since(start); took > transportFailBound {
		t.Errorf("failed after %s, want under %s", took, transportFailBound)
	}
	checkTransportError(t, err, KindTLSToPlainServer, 1, endpoint+"/v1/enterprises/ent_acme",
		"speaks plain http, not https", "server gave HTTP response to HTTPS client")
}

// http:// to a server that speaks TLS: Go's TLS server answers 400 "Client sent an HTTP request to
// an HTTPS server."; that answer is reported as the scheme mismatch it is, not as an API error.
func TestTransportPlainToTLSServerFailsAtOnce(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, testUser)
	}))
	defer srv.Close()
	endpoint := "http://" + srv.Listener.Addr().String()
	c := providerLikeClient(t, endpoint)
	start := time.Now()
	_, err := c.GetEnterprise(context.Background(), "ent_acme")
	if took := time.Since(start); took > transportFailBound {
		t.Errorf("failed after %s, want under %s", took, transportFailBound)
	}
	checkTransportError(t, err, KindPlainToTLSServer, 1, endpoint+"/v1/enterprises/ent_acme",
		"speaks https; use https://", "Client sent an HTTP request to an HTTPS server")
}

// nginx says it its own way.
func TestTransportPlainToNginxTLSPort(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, "<html>\r\n<head><title>400 The plain HTTP request was sent to HTTPS port</title></head>\r\n</html>")
	}))
	defer srv.Close()
	_, err := providerLikeClient(t, srv.URL).GetEnterprise(context.Background(), "ent_acme")
	checkTransportError(t, err, KindPlainToTLSServer, 1, srv.URL+"/v1/enterprises/ent_acme", "use https://")
}

// A certificate the client does not trust is final too (retryablehttp's policy already said so).
func TestTransportUntrustedCertificateFailsAtOnce(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	start := time.Now()
	_, err := providerLikeClient(t, srv.URL).GetEnterprise(context.Background(), "ent_acme")
	if took := time.Since(start); took > transportFailBound {
		t.Errorf("failed after %s, want under %s", took, transportFailBound)
	}
	checkTransportError(t, err, KindTLS, 1, srv.URL+"/v1/enterprises/ent_acme", "certificate")
}

// What can heal is still retried: a server that accepts and never answers times out on every
// attempt (request_timeout), and the error says so with the URL.
func TestTransportTimeoutIsRetried(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ln.Close() }()
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			defer func() { _ = conn.Close() }()
		}
	}()
	endpoint := "http://" + ln.Addr().String()
	c := providerLikeClient(t, endpoint, func(cfg *Config) {
		cfg.MaxRetries, cfg.RequestTimeout, cfg.RetryWaitMin, cfg.RetryWaitMax = 2, 100*time.Millisecond, time.Millisecond, 2*time.Millisecond
	})
	_, err = c.GetEnterprise(context.Background(), "ent_acme")
	checkTransportError(t, err, KindTimeout, 3, endpoint+"/v1/enterprises/ent_acme", "no answer from", "giving up after 3 attempt(s)")
}

// A connection reset (the server closes without answering) heals: it is retried and succeeds.
func TestTransportResetIsRetried(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				_ = conn.(*net.TCPConn).SetLinger(0) // RST
				_ = conn.Close()
			}
			return
		}
		writeJSON(w, http.StatusOK, testUser)
	}))
	defer srv.Close()
	c := providerLikeClient(t, srv.URL, func(cfg *Config) { cfg.RetryWaitMin, cfg.RetryWaitMax = time.Millisecond, 2*time.Millisecond })
	if _, err := c.GetUser(context.Background(), "usr_1"); err != nil || hits.Load() != 2 {
		t.Fatalf("GetUser after a reset: %v after %d attempts, want success on the second", err, hits.Load())
	}
}

func TestNotTheAPI(t *testing.T) {
	for _, tc := range []struct {
		name        string
		status      int
		contentType string
		body        string
		want        []string
	}{
		{"webex-like json 404", 404, "application/json",
			`{"message":"The requested resource could not be found.","errors":[{"description":"The requested resource could not be found."}],"trackingId":"ROUTER_1"}`,
			[]string{"answered 404 Not Found", "application/json", "The requested resource could not be found"}},
		{"html 404", 404, "text/html; charset=utf-8", "<!DOCTYPE html>\n<html><body>Not Found</body></html>",
			[]string{"answered 404 Not Found (text/html: <!DOCTYPE html>)"}},
		{"go mux 404", 404, "text/plain; charset=utf-8", "404 page not found\n", []string{"text/plain: 404 page not found"}},
		{"empty 405", 405, "", "", []string{"answered 405 Method Not Allowed with an empty body"}},
		{"json 401 without a code", 401, "application/json", `{"message":"invalid token"}`, []string{"401 Unauthorized"}},
		{"html 200", 200, "text/html", "<html><body>Welcome to nginx!</body></html>", []string{"answered 200 OK (text/html: <html>"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var hits atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				if tc.contentType != "" {
					w.Header().Set("Content-Type", tc.contentType)
				}
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			}))
			defer srv.Close()
			start := time.Now()
			_, err := providerLikeClient(t, srv.URL).GetEnterprise(context.Background(), "ent_acme")
			if took := time.Since(start); took > transportFailBound || hits.Load() != 1 {
				t.Errorf("%d attempt(s) in %s, want 1 at once", hits.Load(), took)
			}
			if !IsNotTheAPI(err) || !errors.Is(err, ErrNotTheAPI) {
				t.Fatalf("error %v (%T), want IsNotTheAPI", err, err)
			}
			nta, _ := AsNotTheAPIError(err)
			if nta.Status != tc.status || nta.Method != http.MethodGet || nta.URL != srv.URL+"/v1/enterprises/ent_acme" {
				t.Errorf("NotTheAPIError %+v", nta)
			}
			// Never taken for a missing object (a read would drop the resource from state), nor for
			// an API error.
			if IsNotFound(err) {
				t.Error("IsNotFound is true")
			}
			if _, ok := AsAPIError(err); ok {
				t.Error("AsAPIError is true")
			}
			for _, w := range append(tc.want, "get "+srv.URL+"/v1/enterprises/ent_acme: ", "not an answer of the provisioning API",
				"check that the endpoint is the API's base URL") {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message %q does not contain %q", err, w)
				}
			}
		})
	}
}

// The API's own answers stay *APIError: a 404 with the API's error body is ErrNotFound, and a
// non-API body on a 5xx (a proxy's page) is a retried server error, not "not the API".
func TestNotTheAPIKeepsAPIErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/users/usr_gone":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"code":"not_found","message":"no such user","trackingId":"T1"}`)
		case "/v1/users/usr_echo":
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusNotFound)
			_, _ = fmt.Fprintf(w, "no route for token %s", r.Header.Get("Authorization"))
		default:
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			_, _ = io.WriteString(w, "<html>upstream down</html>")
		}
	}))
	defer srv.Close()
	c := providerLikeClient(t, srv.URL, func(cfg *Config) {
		cfg.MaxRetries, cfg.RetryWaitMin, cfg.RetryWaitMax = 1, time.Millisecond, 2*time.Millisecond
	})
	_, err := c.GetUser(context.Background(), "usr_gone")
	if !IsNotFound(err) || IsNotTheAPI(err) {
		t.Errorf("the API's 404: %v, want ErrNotFound", err)
	}
	_, err = c.GetUser(context.Background(), "usr_1")
	if apiErr, ok := AsAPIError(err); !ok || apiErr.Status != http.StatusBadGateway || IsNotTheAPI(err) {
		t.Errorf("a proxy's 502: %v, want an *APIError 502", err)
	}
	_, err = c.GetUser(context.Background(), "usr_echo")
	if !IsNotTheAPI(err) || strings.Contains(err.Error(), testToken) {
		t.Errorf("a server echoing the token: %v, want NotTheAPI without the token", err)
	}
}

func TestRetryDecisionTransportErrors(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name           string
		err            error
		answeredBefore bool
		want           bool
	}{
		{"unknown host", &net.DNSError{Err: "no such host", Name: "x.invalid", IsNotFound: true}, true, false},
		{"dns timeout", &net.DNSError{Err: "i/o timeout", Name: "x", IsTimeout: true}, false, true},
		{"scheme mismatch", http.ErrSchemeMismatch, true, false},
		{"deadline", context.DeadlineExceeded, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, err := retryDecision(ctx, true, tc.answeredBefore, nil, tc.err); got != tc.want || err != nil {
				t.Errorf("retryDecision = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

type closeRecorder struct {
	io.Reader
	closed bool
}

func (c *closeRecorder) Close() error { c.closed = true; return nil }

// Reading an error answer to classify it leaves the body readable for parseAPIError and closable
// (closing it closes the connection's body, so the connection is not leaked).
func TestClassifyErrorAnswerKeepsTheBody(t *testing.T) {
	body := &closeRecorder{Reader: strings.NewReader(`{"code":"not_found","message":"no such user","trackingId":"T"}`)}
	resp := &http.Response{StatusCode: http.StatusNotFound, Header: http.Header{}, Body: body}
	req := httptest.NewRequest(http.MethodGet, "http://127.0.0.1/v1/users/usr_1?email=a%40b.c", nil)
	if err := classifyErrorAnswer(req, resp); err != nil {
		t.Fatalf("the API's 404 classified as %v", err)
	}
	if e := parseAPIError(resp, nil); e.Code != "not_found" || e.Message != "no such user" {
		t.Errorf("parseAPIError after classifying: %+v", e)
	}
	drainAndClose(resp)
	if !body.closed {
		t.Error("the original body was not closed")
	}
	resp = &http.Response{StatusCode: http.StatusNotFound, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("nope"))}
	err := classifyErrorAnswer(req, resp)
	if nta, ok := AsNotTheAPIError(err); !ok || nta.URL != "http://127.0.0.1/v1/users/usr_1" {
		t.Errorf("classifyErrorAnswer = %v, want a NotTheAPIError without the query", err)
	}
}
