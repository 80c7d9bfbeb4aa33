package webex

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

func TestNewValidatesConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want string // error substring; "" = valid
	}{
		{"default base url", Config{Token: "t"}, ""},
		{"loopback http", Config{BaseURL: "http://127.0.0.1:8080/v1", Token: "t"}, ""},
		{"localhost http", Config{BaseURL: "http://localhost/v1/", Token: "t"}, ""},
		{"remote http", Config{BaseURL: "http://webexapis.com/v1", Token: "t"}, "plain http is allowed only for loopback"},
		{"ftp", Config{BaseURL: "ftp://x/v1", Token: "t"}, "scheme must be https"},
		{"credentials in url", Config{BaseURL: "https://u:p@x/v1", Token: "t"}, "must not contain credentials"},
		{"query", Config{BaseURL: "https://x/v1?a=b", Token: "t"}, "query"},
		{"no credentials", Config{}, "a token, or client_id, client_secret and refresh_token, are required"},
		{"both", Config{Token: "t", ClientID: "c", ClientSecret: "s", RefreshToken: "r"}, "not both"},
		{"partial oauth", Config{ClientID: "c"}, "client_secret, refresh_token missing"},
		{"oauth", Config{ClientID: "c", ClientSecret: "s", RefreshToken: "r"}, ""},
		{"line break", Config{Token: "t\r\nX: y"}, "line breaks"},
		{"negative retries", Config{Token: "t", MaxRetries: -1}, "max retries"},
		{"wait order", Config{Token: "t", RetryWaitMin: time.Minute, RetryWaitMax: time.Second}, "greater than"},
		{"negative rps", Config{Token: "t", RequestsPerSecond: -1}, "requests per second"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(tc.cfg)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				if tc.cfg.BaseURL == "" && c.BaseURL() != DefaultBaseURL {
					t.Errorf("base url %q, want %q", c.BaseURL(), DefaultBaseURL)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New: %v, want an error containing %q", err, tc.want)
			}
			for _, secret := range []string{"t\r\nX: y", "u:p"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q shows a secret", err)
				}
			}
		})
	}
}

var trackingIDPattern = regexp.MustCompile(`^UCPROV_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// TestTrackingIDOnEveryRequestAndLogged: every request carries a TrackingID "UCPROV_<uuid>", the
// same on every attempt of one call and a new one per call, and the tflog lines carry method,
// path, status and tracking id, never the token.
func TestTrackingIDOnEveryRequestAndLogged(t *testing.T) {
	var mu sync.Mutex
	var ids []string
	calls := 0
	_, base := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		ids = append(ids, r.Header.Get("TrackingID"))
		calls++
		n := calls
		mu.Unlock()
		if got := r.Header.Get("Authorization"); got != "Bearer "+testToken {
			t.Errorf("Authorization %q", got)
		}
		if got := r.Header.Get("User-Agent"); got != DefaultUserAgent {
			t.Errorf("User-Agent %q", got)
		}
		if n == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		writeJSON(w, 200, map[string]any{"id": "sub1", "userId": "u1@acme"})
	}))
	c := newClient(t, base)
	ctx, logs := logCtx(t)
	for range 2 {
		if _, err := c.GetBroadWorksSubscriber(ctx, "sub1"); err != nil {
			t.Fatal(err)
		}
	}
	if len(ids) != 3 {
		t.Fatalf("%d requests, want 3 (one retry)", len(ids))
	}
	for _, id := range ids {
		if !trackingIDPattern.MatchString(id) {
			t.Errorf("TrackingID %q does not match %s", id, trackingIDPattern)
		}
	}
	if ids[0] != ids[1] {
		t.Errorf("retry changed the TrackingID: %q then %q", ids[0], ids[1])
	}
	if ids[1] == ids[2] {
		t.Errorf("two calls share the TrackingID %q", ids[1])
	}
	out := logs.String()
	if strings.Contains(out, testToken) {
		t.Fatalf("logs show the token:\n%s", out)
	}
	var final int
	for _, e := range logs.entries(t) {
		if e["@message"] != "webex api call" {
			continue
		}
		final++
		if e["http_method"] != "GET" || e["http_path"] != "/v1/broadworks/subscribers/sub1" || e["http_status"] != float64(200) {
			t.Errorf("log line %v lacks method, path or status", e)
		}
		if id, _ := e["tracking_id"].(string); !trackingIDPattern.MatchString(id) {
			t.Errorf("log line %v lacks the tracking id", e)
		}
	}
	if final != 2 {
		t.Errorf("%d call log lines, want 2:\n%s", final, out)
	}
	if !strings.Contains(out, "webex api attempt failed, retrying") {
		t.Errorf("the retried 503 was not logged:\n%s", out)
	}
}

// oauthServer is a Webex with a token endpoint: it issues tok-1, tok-2, … and accepts only the
// access tokens in accept (all when accept is nil).
type oauthServer struct {
	t        *testing.T
	mu       sync.Mutex
	issued   int
	apiCalls int
	accept   func(tok string) bool
	fail     bool // the token endpoint refuses
}

func (o *oauthServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if r.URL.Path == "/v1/access_token" {
		if err := r.ParseForm(); err != nil {
			o.t.Errorf("token form: %v", err)
		}
		for k, want := range map[string]string{"grant_type": "refresh_token", "client_id": "cid", "client_secret": "csecret-XYZ", "refresh_token": "rtok-ABC"} {
			if got := r.PostForm.Get(k); got != want {
				o.t.Errorf("token request %s = %q, want %q", k, got, want)
			}
		}
		if o.fail {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = fmt.Fprintf(w, `{"error":"invalid_grant","error_description":"refresh token %s of client %s is revoked"}`,
				r.PostForm.Get("refresh_token"), r.PostForm.Get("client_secret"))
			return
		}
		o.issued++
		writeJSON(w, 200, map[string]any{
			"access_token": fmt.Sprintf("tok-%d", o.issued), "token_type": "Bearer", "expires_in": 1209599,
			"refresh_token": "rtok-ABC", "refresh_token_expires_in": 7775999,
		})
		return
	}
	o.apiCalls++
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if o.accept != nil && !o.accept(tok) {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"message": "The request requires a valid access token set in the Authorization request header.", "errors": []map[string]any{{"description": "The request requires a valid access token set in the Authorization request header."}}, "trackingId": "T1"})
		return
	}
	writeJSON(w, 200, map[string]any{"id": "p1", "emails": []string{"a@x.com"}, "displayName": "A"})
}

func oauthConfig(c *Config) {
	c.Token = ""
	c.ClientID, c.ClientSecret, c.RefreshToken = "cid", "csecret-XYZ", "rtok-ABC"
}

// TestOAuthRefreshOn401Once: with OAuth credentials the client gets a token first, and a 401
// makes it refresh exactly once and repeat the request; a second 401 is the caller's error.
func TestOAuthRefreshOn401Once(t *testing.T) {
	t.Run("refresh then success", func(t *testing.T) {
		o := &oauthServer{t: t, accept: func(tok string) bool { return tok == "tok-2" }}
		_, base := newServer(t, o)
		c := newClient(t, base, oauthConfig)
		p, err := c.GetPerson(context.Background(), "p1", false)
		if err != nil {
			t.Fatal(err)
		}
		if p.ID != "p1" {
			t.Errorf("person %+v", p)
		}
		if o.issued != 2 || o.apiCalls != 2 || c.auth.refreshCount() != 2 {
			t.Errorf("tokens issued %d, api calls %d, refreshes %d; want 2 (initial + one after the 401), 2, 2", o.issued, o.apiCalls, c.auth.refreshCount())
		}
		// The new token is kept: the next call needs no refresh.
		if _, err := c.GetPerson(context.Background(), "p1", false); err != nil {
			t.Fatal(err)
		}
		if o.issued != 2 || o.apiCalls != 3 {
			t.Errorf("after a second call: tokens issued %d, api calls %d; want 2, 3", o.issued, o.apiCalls)
		}
	})
	t.Run("second 401 is returned", func(t *testing.T) {
		o := &oauthServer{t: t, accept: func(string) bool { return false }}
		_, base := newServer(t, o)
		c := newClient(t, base, oauthConfig)
		_, err := c.GetPerson(context.Background(), "p1", false)
		if !IsUnauthorized(err) {
			t.Fatalf("err = %v, want a 401", err)
		}
		if o.issued != 2 || o.apiCalls != 2 {
			t.Errorf("tokens issued %d, api calls %d; want 2 and 2 (exactly one refresh after the 401)", o.issued, o.apiCalls)
		}
		for _, s := range []string{"tok-1", "tok-2", "csecret-XYZ", "rtok-ABC"} {
			if strings.Contains(err.Error(), s) {
				t.Errorf("error %q shows %s", err, s)
			}
		}
	})
	t.Run("static token is not refreshed", func(t *testing.T) {
		o := &oauthServer{t: t, accept: func(string) bool { return false }}
		_, base := newServer(t, o)
		c := newClient(t, base)
		_, err := c.GetPerson(context.Background(), "p1", false)
		if !IsUnauthorized(err) || o.apiCalls != 1 || o.issued != 0 {
			t.Fatalf("err %v, api calls %d, tokens issued %d; want a 401 after 1 call and no refresh", err, o.apiCalls, o.issued)
		}
	})
	t.Run("refresh failure hides the credentials", func(t *testing.T) {
		o := &oauthServer{t: t, fail: true}
		_, base := newRawServer(t, o)
		c := newClient(t, base, oauthConfig)
		_, err := c.GetPerson(context.Background(), "p1", false)
		if err == nil || !strings.Contains(err.Error(), "invalid_grant") || !strings.Contains(err.Error(), "refreshing the access token") {
			t.Fatalf("err = %v, want the token endpoint's invalid_grant", err)
		}
		for _, s := range []string{"csecret-XYZ", "rtok-ABC"} {
			if strings.Contains(err.Error(), s) {
				t.Errorf("error %q shows %s", err, s)
			}
		}
		if o.apiCalls != 0 {
			t.Errorf("%d api calls without a token", o.apiCalls)
		}
	})
}

// Test429RetryAfter: a 429 with Retry-After is retried after at least the wait the server asked
// for, for a POST too; the client's limiter then slows down.
func Test429RetryAfter(t *testing.T) {
	var calls atomic.Int32
	var first, second time.Time
	_, base := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch calls.Add(1) {
		case 1:
			first = time.Now()
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
		default:
			second = time.Now()
			writeJSON(w, 200, map[string]any{"id": "s1", "status": "provisioning"})
		}
	}))
	c := newClient(t, base)
	_, err := c.ProvisionBroadWorksSubscriber(context.Background(), BroadWorksSubscriberCreate{
		ProvisioningID: "pid", UserID: "u1@acme", SPEnterpriseID: "sp+acme", FirstName: "A", LastName: "B", Package: BroadWorksPackageStandard,
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 2 {
		t.Fatalf("%d requests, want 2", calls.Load())
	}
	if wait := second.Sub(first); wait < time.Second {
		t.Errorf("retried after %s, before the Retry-After of 1s", wait)
	}
	if c.limiter.Rate() == 0 {
		t.Error("the 429 did not engage the client-side rate limit")
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"30", 30 * time.Second, true},
		{" 0 ", 0, true},
		{"Mon, 07 Dec 2026 01:00:45 GMT", 45 * time.Second, true},
		{"Mon, 07 Dec 2026 00:59:00 GMT", 0, true},
		{"-5", 0, false},
		{"soon", 0, false},
		{"", 0, false},
	} {
		got, ok := parseRetryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseRetryAfter(%q) = %s, %v; want %s, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	// The backoff honours an HTTP-date Retry-After on a 423 as well.
	resp := &http.Response{StatusCode: http.StatusLocked, Header: http.Header{"Retry-After": {"Mon, 07 Dec 2026 01:00:10 GMT"}}}
	if d := backoff(now, time.Millisecond, time.Second, time.Minute, 0, resp); d < 10*time.Second || d > 11*time.Second {
		t.Errorf("backoff for Retry-After 10s = %s", d)
	}
	if d := backoff(now, 100*time.Millisecond, time.Second, time.Minute, 10, nil); d > time.Second {
		t.Errorf("exponential backoff %s above the cap", d)
	}
}

// TestMaxRetryAfterExceeded: a Retry-After above MaxRetryAfter fails at once with a clear error.
func TestMaxRetryAfterExceeded(t *testing.T) {
	var calls atomic.Int32
	_, base := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Retry-After", "3600")
		writeError(w, http.StatusTooManyRequests, "Too many requests", 0)
	}))
	c := newClient(t, base, func(c *Config) { c.MaxRetryAfter = 2 * time.Second })
	start := time.Now()
	_, err := c.ListWholesaleSubscribers(context.Background(), WholesaleSubscriberFilter{CustomerID: "c1"})
	var rae *RetryAfterExceededError
	if !errors.As(err, &rae) {
		t.Fatalf("err = %v, want a *RetryAfterExceededError", err)
	}
	if rae.Wait != time.Hour || rae.Max != 2*time.Second || rae.Err.Status != 429 {
		t.Errorf("error %+v", rae)
	}
	if !strings.Contains(err.Error(), "retry after 1h0m0s") || !strings.Contains(err.Error(), "max retry after 2s") {
		t.Errorf("message %q does not explain the wait", err)
	}
	if calls.Load() != 1 || time.Since(start) > time.Second {
		t.Errorf("%d requests in %s, want 1 at once", calls.Load(), time.Since(start))
	}
}

// TestRetryPolicy: which answers are retried, per method.
func TestRetryPolicy(t *testing.T) {
	for _, tc := range []struct {
		name       string
		status     int
		retryAfter string
		call       func(*Client) error
		wantCalls  int32
	}{
		{"GET 502 retried", 502, "", getSub, 4},
		{"GET 504 retried", 504, "", getSub, 4},
		{"GET 503 retried", 503, "", getSub, 4},
		{"GET 500 retried", 500, "", getSub, 4},
		{"PUT 500 retried", 500, "", putSub, 4},
		{"POST 500 not retried (it may have committed)", 500, "", postSub, 1},
		{"GET 404 final", 404, "", getSub, 1},
		{"PUT 423 with Retry-After retried", 423, "0", putSub, 4},
		{"PUT 423 without Retry-After final", 423, "", putSub, 1},
		{"POST 502 not retried", 502, "", postSub, 1},
		{"POST 504 not retried", 504, "", postSub, 1},
		{"POST 423 not retried", 423, "0", postSub, 1},
		{"POST 503 retried", 503, "", postSub, 4},
		{"POST 429 retried", 429, "0", postSub, 4},
		{"POST validate 502 retried (read-only)", 502, "", validateSub, 4},
		{"DELETE 502 retried", 502, "", deleteSub, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int32
			_, base := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				if tc.retryAfter != "" {
					w.Header().Set("Retry-After", tc.retryAfter)
				}
				writeError(w, tc.status, "fault", 0)
			}))
			c := newClient(t, base)
			err := tc.call(c)
			e, ok := AsError(err)
			if !ok || e.Status != tc.status {
				t.Fatalf("err = %v, want a %d *Error", err, tc.status)
			}
			if calls.Load() != tc.wantCalls {
				t.Errorf("%d requests, want %d", calls.Load(), tc.wantCalls)
			}
		})
	}
}

func getSub(c *Client) error {
	_, err := c.GetBroadWorksSubscriber(context.Background(), "s1")
	return err
}

func putSub(c *Client) error {
	_, err := c.UpdateBroadWorksSubscriber(context.Background(), "s1", BroadWorksSubscriberUpdate{Package: ptr("premium")})
	return err
}

func deleteSub(c *Client) error { return c.DeleteBroadWorksSubscriber(context.Background(), "s1") }

func postSub(c *Client) error {
	_, err := c.ProvisionBroadWorksSubscriber(context.Background(), BroadWorksSubscriberCreate{
		ProvisioningID: "pid", UserID: "u1@acme", SPEnterpriseID: "sp+acme", FirstName: "A", LastName: "B", Package: "basic",
	})
	return err
}

func validateSub(c *Client) error {
	_, err := c.ValidateBroadWorksSubscriber(context.Background(), BroadWorksSubscriberValidate{Email: "a@acme.com"})
	return err
}

// TestRetryOnTimeoutAndReset: a timeout or a connection reset is retried for a GET; for a POST
// that was sent it is not (the server may have acted).
func TestRetryOnTimeoutAndReset(t *testing.T) {
	for _, tc := range []struct {
		name      string
		fault     string // "timeout" or "reset"
		call      func(*Client) error
		wantCalls int32
		wantWord  string
	}{
		{"GET timeout retried", "timeout", getSub, 3, "timed out"},
		{"POST timeout not retried", "timeout", postSub, 1, "timed out"},
		{"GET reset retried", "reset", getSub, 3, "connection reset"},
		{"POST reset not retried", "reset", postSub, 1, "connection reset"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int32
			release := make(chan struct{})
			_, base := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				switch tc.fault {
				case "timeout":
					select {
					case <-release:
					case <-r.Context().Done():
					}
					w.WriteHeader(http.StatusServiceUnavailable)
				case "reset":
					conn, _, err := http.NewResponseController(w).Hijack()
					if err != nil {
						t.Errorf("hijack: %v", err)
						return
					}
					if tcp, ok := conn.(*net.TCPConn); ok {
						_ = tcp.SetLinger(0) // RST, not FIN
					}
					_ = conn.Close()
				}
			}))
			defer close(release)
			c := newClient(t, base, func(c *Config) { c.MaxRetries = 2; c.RequestTimeout = 200 * time.Millisecond })
			err := tc.call(c)
			if err == nil || !strings.Contains(err.Error(), tc.wantWord) {
				t.Fatalf("err = %v, want %q", err, tc.wantWord)
			}
			if calls.Load() != tc.wantCalls {
				t.Errorf("%d requests, want %d", calls.Load(), tc.wantCalls)
			}
		})
	}
}

// TestPOSTRetriedWhenNeverSent: a POST whose connection failed before the request was written is
// retried (it certainly never reached the server).
func TestPOSTRetriedWhenNeverSent(t *testing.T) {
	var dials atomic.Int32
	_, base := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"id": "s1"})
	}))
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if dials.Add(1) == 1 {
				return nil, &net.OpError{Op: "dial", Net: network, Err: &timeoutErr{}}
			}
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
	}
	c := newClient(t, base, func(c *Config) { c.HTTPClient = &http.Client{Transport: tr} })
	if err := postSub(c); err != nil {
		t.Fatalf("POST after a dial timeout: %v", err)
	}
	if dials.Load() != 2 {
		t.Errorf("%d dials, want 2", dials.Load())
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

// TestFastFailures: connection refused, unknown host and a TLS mismatch fail at once, with the
// cause and the URL, whatever MaxRetries says.
func TestFastFailures(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refusedURL := "http://" + ln.Addr().String() + "/v1"
	_ = ln.Close()

	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(tlsSrv.Close)

	var dnsDials atomic.Int32
	dnsClient := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			dnsDials.Add(1)
			return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no such host", Name: "webex.invalid", IsNotFound: true}}
		},
	}}
	for _, tc := range []struct {
		name, base, word string
		hc               *http.Client
		check            func(error) bool
	}{
		{"connection refused", refusedURL, "connection refused", nil, func(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }},
		{"unknown host", "https://webex.invalid/v1", "unknown host", dnsClient, nil},
		{"tls mismatch", strings.Replace(tlsSrv.URL, "127.0.0.1", "localhost", 1) + "/v1", "TLS handshake failed", nil, nil},
		{"https to plain http", strings.Replace(refusedURL, "http://", "https://", 1), "connection refused", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "https to plain http" {
				plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
				t.Cleanup(plain.Close)
				tc.base = strings.Replace(plain.URL, "http://", "https://", 1) + "/v1"
				tc.word = "TLS handshake failed"
			}
			c := newClient(t, tc.base, func(c *Config) {
				c.MaxRetries = 5
				c.RetryWaitMin, c.RetryWaitMax = time.Second, time.Second
				c.HTTPClient = tc.hc
			})
			start := time.Now()
			_, err := c.ListPeople(context.Background(), PersonFilter{Email: "a@x.com"})
			if err == nil || !strings.Contains(err.Error(), tc.word) {
				t.Fatalf("err = %v, want %q", err, tc.word)
			}
			host := strings.TrimPrefix(strings.TrimPrefix(tc.base, "https://"), "http://")
			if !strings.Contains(err.Error(), host+"/people") {
				t.Errorf("error %q does not name the URL", err)
			}
			if strings.Contains(err.Error(), "a@x.com") || strings.Contains(err.Error(), testToken) {
				t.Errorf("error %q shows the query or the token", err)
			}
			if d := time.Since(start); d > 900*time.Millisecond {
				t.Errorf("failed after %s: it was retried", d)
			}
			if tc.check != nil && !tc.check(err) {
				t.Errorf("error %v does not wrap its cause", err)
			}
		})
	}
	if dnsDials.Load() != 1 {
		t.Errorf("unknown host dialled %d times, want 1", dnsDials.Load())
	}
}

// TestSecretRedaction: a server that echoes the passcode and the token in its error gives an
// error (and logs) in which neither shows.
func TestSecretRedaction(t *testing.T) {
	const passcode = "739146"
	_, base := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Passcode string `json:"passcode"`
		}
		readJSON(t, r, &body)
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		writeJSON(w, http.StatusBadRequest, map[string]any{
			"error": map[string]any{"key": "400", "message": []map[string]any{{
				"description": fmt.Sprintf("[Error 4008] Passcode %s is not valid for token %s: repeated digits", body.Passcode, tok),
				"code":        "4008", "location": "passcode",
			}}},
			"trackingId": "ROUTER_echo " + body.Passcode,
		})
	}))
	c := newClient(t, base)
	ctx, logs := logCtx(t)
	err := c.SetVoicemailPasscode(ctx, "org1", "person1", passcode)
	e, ok := AsError(err)
	if !ok || e.Status != 400 || !HasCode(err, 4008) {
		t.Fatalf("err = %v, want a 400 with code 4008", err)
	}
	if strings.Contains(err.Error(), passcode) || strings.Contains(err.Error(), testToken) {
		t.Fatalf("error shows a secret: %q", err)
	}
	if !strings.Contains(err.Error(), "Passcode *** is not valid for token ***") {
		t.Errorf("error %q lost the rest of the message", err)
	}
	if out := logs.String(); strings.Contains(out, passcode) || strings.Contains(out, testToken) {
		t.Errorf("logs show a secret:\n%s", out)
	}
}
