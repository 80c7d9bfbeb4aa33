// Package webex is a client of the Webex REST APIs the provider provisions calling users with:
// Webex for BroadWorks (/broadworks/...), Webex for Wholesale (/wholesale/...), People
// (/people), the activation-email job (/identity/organizations/{orgId}/jobs/sendActivationEmails)
// and Webex Calling settings (/telephony/..., /people/{id}/features/..., /locations). The wire
// contract is Cisco's OpenAPI specifications in api/specs/webex; the tests check every request and
// response against them (internal/webexspec).
//
// Every method takes a context first; the context bounds the whole call, retries included, and its
// tflog logger receives one debug line per call (method, path, status, tracking id) and one line
// per failed attempt. Every request carries a TrackingID header ("UCPROV_<uuid>", the same on every
// attempt of one call). Retries go through go-retryablehttp: 429 (Retry-After in seconds or an
// HTTP date), 423 with Retry-After, 500, 502, 503, 504, timeouts and connection resets; a POST
// that is not idempotent is retried only on 429 and 503 or when it certainly never reached the
// server.
// Unknown host and TLS mismatches fail at once, and so does a refused connection unless the server
// answered this client before (a server restarting: retried). A Retry-After longer than
// Config.MaxRetryAfter fails the call with a *RetryAfterExceededError. The client limits its own
// request rate and slows down on 429s. With OAuth credentials (client id, secret, refresh token)
// the access token is refreshed when it expires and on a 401 (once per call, then the call is
// repeated).
//
// Every non-2xx answer is an *Error. Nothing the client logs or returns carries the token, the
// client secret, the refresh token or a secret a request carried (passcodes): they are replaced by
// "***", even in error messages a server echoes them in. The client knows nothing about Terraform
// beyond logging through tflog.
//
// Where the specs decide against a plain reading of the API's documentation, the client follows
// the specs: a person's numbers are read at GET /people/{personId}/features/numbers and written
// at PUT /telephony/config/people/{personId}/numbers; POST /people carries orgId in its body (the
// operation has no orgId parameter) and GET/PUT/DELETE /people/{personId} carry none; the
// BroadWorks subscriber list filters on one status; there is no GET of one BroadWorks enterprise
// (FindBroadWorksEnterprise lists with spEnterpriseId). The emergency-address calls under
// /telephony/pstn are in none of the in-repo specs (webexspec.Unspecified).
package webex

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/ucprov/terraform-provider-ucprov/internal/ratelimit"
	"github.com/ucprov/terraform-provider-ucprov/internal/restpath"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/google/uuid"
	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Defaults applied by New for zero Config fields.
const (
	DefaultBaseURL        = "https://webexapis.com/v1"
	DefaultRequestTimeout = 60 * time.Second
	DefaultRetryWaitMin   = 1 * time.Second
	DefaultRetryWaitMax   = 30 * time.Second
	DefaultMaxRetryAfter  = 120 * time.Second
	DefaultUserAgent      = "ucprov-webex"
	// TrackingIDPrefix starts the TrackingID header of every request.
	TrackingIDPrefix = "UCPROV_"
)

const (
	maxResponseBytes = 32 << 20
	maxErrorBytes    = 64 << 10
)

// Config configures a Client. Either Token or all of ClientID, ClientSecret and RefreshToken are
// required.
type Config struct {
	// BaseURL is the API's base URL including the version, default https://webexapis.com/v1.
	// Plain http is allowed only for loopback hosts (127.0.0.0/8, ::1, localhost).
	BaseURL string
	// Token is a bearer access token. It is never logged nor returned in an error.
	Token string
	// ClientID, ClientSecret and RefreshToken (all three, instead of Token) make the client get
	// and renew its access token with the refresh-token grant at {BaseURL}/access_token.
	ClientID     string
	ClientSecret string
	RefreshToken string
	// MaxRetries is the number of retries after the first attempt; 0 means none.
	MaxRetries int
	// RequestTimeout bounds one attempt; 0 means DefaultRequestTimeout.
	RequestTimeout time.Duration
	// RetryWaitMin and RetryWaitMax bound the exponential backoff between attempts (defaults 1s
	// and 30s).
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	// MaxRetryAfter is the longest single wait a server's Retry-After may ask for; a longer one
	// fails the call with a *RetryAfterExceededError. 0 means DefaultMaxRetryAfter.
	MaxRetryAfter time.Duration
	// RequestsPerSecond is a client-side rate limit; 0 means none. Either way the client slows
	// down when the server answers 429 and recovers gradually afterwards.
	RequestsPerSecond float64
	// UserAgent is sent on every request; empty means DefaultUserAgent.
	UserAgent string
	// SubPartnerOrgID, when set, is sent as onBehalfOfSubPartnerOrgId on every Webex for
	// Wholesale call (a partner acting for one of its sub-partners).
	SubPartnerOrgID string
	// HTTPClient optionally replaces the underlying HTTP client (tests, proxies, custom TLS). The
	// client copies it; its Timeout is set to RequestTimeout when zero, and redirects are not
	// followed unless it sets its own CheckRedirect.
	HTTPClient *http.Client
}

// Client is a Webex API client. It is safe for concurrent use.
type Client struct {
	baseURL         string // scheme://host/prefix (e.g. https://webexapis.com/v1), no trailing slash
	basePath        string // the prefix's escaped path, e.g. /v1
	userAgent       string
	auth            *auth
	rc              *retryablehttp.Client
	limiter         *ratelimit.Adaptive
	maxRetryAfter   time.Duration
	subPartnerOrgID string
	// answered is set once the server has given this client any HTTP answer: a refused
	// connection is then a server (or its load balancer) restarting, which a retry heals;
	// before it, a wrong host or port, which fails at once.
	answered atomic.Bool
}

// New validates cfg and returns a Client. Errors name the Config field at fault.
func New(cfg Config) (*Client, error) {
	base, err := normalizeBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	oauthSet := cfg.ClientID != "" || cfg.ClientSecret != "" || cfg.RefreshToken != ""
	switch {
	case strings.TrimSpace(cfg.Token) != "" && oauthSet:
		return nil, errors.New("give either token or client_id, client_secret and refresh_token, not both")
	case strings.TrimSpace(cfg.Token) != "":
	case oauthSet:
		var missing []string
		for _, f := range []struct{ name, v string }{{"client_id", cfg.ClientID}, {"client_secret", cfg.ClientSecret}, {"refresh_token", cfg.RefreshToken}} {
			if strings.TrimSpace(f.v) == "" {
				missing = append(missing, f.name)
			}
		}
		if len(missing) > 0 {
			return nil, fmt.Errorf("oauth credentials are incomplete: %s missing (client_id, client_secret and refresh_token go together)", strings.Join(missing, ", "))
		}
	default:
		return nil, errors.New("a token, or client_id, client_secret and refresh_token, are required")
	}
	for _, f := range []struct{ name, v string }{{"token", cfg.Token}, {"client_id", cfg.ClientID}, {"client_secret", cfg.ClientSecret}, {"refresh_token", cfg.RefreshToken}} {
		if err := validCredential(f.name, f.v); err != nil {
			return nil, err
		}
	}
	if cfg.MaxRetries < 0 {
		return nil, fmt.Errorf("max retries must not be negative, got %d", cfg.MaxRetries)
	}
	if cfg.RequestTimeout < 0 {
		return nil, fmt.Errorf("request timeout must not be negative, got %s", cfg.RequestTimeout)
	}
	if cfg.RequestsPerSecond < 0 {
		return nil, fmt.Errorf("requests per second must not be negative, got %g", cfg.RequestsPerSecond)
	}
	if cfg.RetryWaitMin < 0 || cfg.RetryWaitMax < 0 || cfg.MaxRetryAfter < 0 {
		return nil, errors.New("retry wait bounds must not be negative")
	}
	timeout := cmpOr(cfg.RequestTimeout, DefaultRequestTimeout)
	waitMin := cmpOr(cfg.RetryWaitMin, DefaultRetryWaitMin)
	waitMax := cmpOr(cfg.RetryWaitMax, DefaultRetryWaitMax)
	if waitMin > waitMax {
		return nil, fmt.Errorf("retry wait min (%s) is greater than retry wait max (%s)", waitMin, waitMax)
	}

	var hc *http.Client
	if cfg.HTTPClient != nil {
		cp := *cfg.HTTPClient
		hc = &cp
	} else {
		hc = cleanhttp.DefaultPooledClient()
	}
	if hc.Timeout == 0 {
		hc.Timeout = timeout
	}
	if hc.CheckRedirect == nil {
		// Following a redirect could carry the token elsewhere.
		hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	}
	u, _ := url.Parse(base)
	c := &Client{
		baseURL:         base,
		basePath:        u.EscapedPath(),
		userAgent:       cmpOr(cfg.UserAgent, DefaultUserAgent),
		auth:            newAuth(cfg, base, hc),
		limiter:         ratelimit.New(cfg.RequestsPerSecond),
		maxRetryAfter:   cmpOr(cfg.MaxRetryAfter, DefaultMaxRetryAfter),
		subPartnerOrgID: cfg.SubPartnerOrgID,
	}
	c.rc = &retryablehttp.Client{
		HTTPClient:   hc,
		RetryWaitMin: waitMin,
		RetryWaitMax: waitMax,
		RetryMax:     cfg.MaxRetries,
		CheckRetry:   c.checkRetry,
		Backoff: func(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
			return backoff(time.Now(), minWait, maxWait, c.maxRetryAfter, attempt, resp)
		},
		ErrorHandler:   retryablehttp.PassthroughErrorHandler,
		RequestLogHook: c.beforeAttempt,
		PrepareRetry:   func(req *http.Request) error { return c.limiter.Wait(req.Context()) },
	}
	return c, nil
}

func cmpOr[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// normalizeBaseURL checks the base URL and returns it without a trailing slash.
func normalizeBaseURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return DefaultBaseURL, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("base_url must be a URL such as %s, got %q: %w", DefaultBaseURL, raw, err)
	}
	if u.Host == "" || u.Hostname() == "" {
		return "", fmt.Errorf("base_url must be a URL such as %s (scheme and host), got %q", DefaultBaseURL, raw)
	}
	if u.User != nil {
		return "", errors.New("invalid base_url: it must not contain credentials")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("invalid base_url %q: it must not contain a query or a fragment", raw)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return "", fmt.Errorf("invalid base_url %q: plain http is allowed only for loopback hosts (127.0.0.0/8, ::1, localhost); use https", raw)
		}
	default:
		return "", fmt.Errorf("invalid base_url %q: scheme must be https (or http for a loopback host)", raw)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return strings.TrimRight(u.String(), "/"), nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// BaseURL returns the normalized base URL, e.g. https://webexapis.com/v1.
func (c *Client) BaseURL() string { return c.baseURL }

// request is one API call.
type request struct {
	method string
	path   apiPath    // below the base URL
	query  url.Values // may be nil
	body   any        // JSON-encoded when not nil
	out    any        // a 2xx body is decoded into it when not nil
	// idempotent marks a POST that may be repeated (a precheck, a lookup); every other method
	// is idempotent anyway.
	idempotent bool
	// secrets are values the request carries that must never show (passcodes).
	secrets []string
}

// response is what a successful call returns besides the decoded body.
type response struct {
	status int
	header http.Header
}

// callInfo travels in the request context so that the retry hooks know which call they serve.
type callInfo struct {
	method       string
	path         string // escaped URL path: ids, never the query
	trackingID   string
	idempotent   bool
	attempts     int
	attemptStart time.Time
	wrote        atomic.Bool // the current attempt's request was written to the connection
}

type callInfoKey struct{}

func callInfoFrom(ctx context.Context) *callInfo {
	ci, _ := ctx.Value(callInfoKey{}).(*callInfo)
	return ci
}

func (ci *callInfo) logFields() map[string]any {
	return map[string]any{
		"http_method": ci.method,
		"http_path":   ci.path,
		"tracking_id": ci.trackingID,
		"attempt":     ci.attempts,
	}
}

// beforeAttempt runs before every attempt (retryablehttp's RequestLogHook).
func (c *Client) beforeAttempt(_ retryablehttp.Logger, req *http.Request, _ int) {
	if ci := callInfoFrom(req.Context()); ci != nil {
		ci.attempts++
		ci.attemptStart = time.Now()
		ci.wrote.Store(false)
	}
}

// retryAfterTooLong is checkRetry's stop error for a Retry-After above MaxRetryAfter.
type retryAfterTooLong struct{ wait time.Duration }

func (e *retryAfterTooLong) Error() string { return "retry-after too long: " + e.wait.String() }

// checkRetry decides whether an attempt is retried, feeds the rate limiter and logs the attempt.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	ci := callInfoFrom(ctx)
	if ci == nil {
		ci = &callInfo{idempotent: true}
	}
	answeredBefore := c.answered.Load()
	if resp != nil {
		c.answered.Store(true)
		switch {
		case resp.StatusCode == http.StatusTooManyRequests:
			c.limiter.Throttle()
		case resp.StatusCode < 500:
			c.limiter.Recover()
		}
	}
	retry, stop := retryDecision(ctx, ci.idempotent, ci.wrote.Load(), answeredBefore, resp, err)
	if retry && resp != nil && ci.attempts <= c.rc.RetryMax {
		if wait, ok := retryAfterOf(resp, time.Now()); ok && wait > c.maxRetryAfter {
			retry, stop = false, &retryAfterTooLong{wait: wait}
		}
	}

	fields := ci.logFields()
	if !ci.attemptStart.IsZero() {
		fields["duration_ms"] = time.Since(ci.attemptStart).Milliseconds()
	}
	if resp != nil {
		fields["http_status"] = resp.StatusCode
		if ra := resp.Header.Get("Retry-After"); ra != "" {
			fields["retry_after"] = ra
		}
	}
	if err != nil {
		_, inner := transportCause(err)
		fields["error"] = inner.Error()
	}
	switch {
	case retry && ci.attempts > c.rc.RetryMax:
		fields["will_retry"] = false
		tflog.Warn(ctx, "webex api attempt failed, no retries left", fields)
	case retry:
		fields["will_retry"] = true
		tflog.Warn(ctx, "webex api attempt failed, retrying", fields)
	default:
		fields["will_retry"] = false
		tflog.Trace(ctx, "webex api attempt", fields)
	}
	return retry, stop
}

// retryDecision is the retry policy. A context that is done stops everything. Transport errors:
// unknown host and TLS failures are final, and so is a refused connection unless the server has
// answered this client before (answeredBefore: then it is restarting, and a refused connection
// certainly sent nothing, so even a POST that is not idempotent is retried); timeouts and resets
// are retried when the call is idempotent or the request was certainly not sent (wrote false).
// Statuses: 429 and 503 are retried for every call (they promise nothing ran); 423 with a
// Retry-After, 500, 502 and 504 only for idempotent calls (a GET, PUT or DELETE repeated does
// what it did once; a create answered 500 may have committed: the caller looks it up). Everything
// else is final.
func retryDecision(ctx context.Context, idempotent, wrote, answeredBefore bool, resp *http.Response, err error) (bool, error) {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	if err != nil {
		if answeredBefore && errors.Is(err, syscall.ECONNREFUSED) {
			return true, nil
		}
		if permanentTransportError(err) {
			return false, nil
		}
		return idempotent || !wrote, nil
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return true, nil
	case http.StatusLocked:
		return idempotent && resp.Header.Get("Retry-After") != "", nil
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		return idempotent, nil
	}
	return false, nil
}

// permanentTransportError reports a transport failure that a retry cannot cure: connection refused,
// an unknown host, a TLS or certificate failure, a bad scheme or header.
func permanentTransportError(err error) bool {
	if errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return true
	}
	if isTLSError(err) {
		return true
	}
	retry, _ := retryablehttp.ErrorPropagatedRetryPolicy(context.Background(), nil, err)
	return !retry
}

func isTLSError(err error) bool {
	var (
		unknownAuth *x509.UnknownAuthorityError
		hostErr     x509.HostnameError
		hostErrP    *x509.HostnameError
		invalid     x509.CertificateInvalidError
		invalidP    *x509.CertificateInvalidError
		verify      *tls.CertificateVerificationError
		record      tls.RecordHeaderError
		recordP     *tls.RecordHeaderError
		alert       tls.AlertError
	)
	if errors.As(err, &unknownAuth) || errors.As(err, &hostErr) || errors.As(err, &hostErrP) ||
		errors.As(err, &invalid) || errors.As(err, &invalidP) || errors.As(err, &verify) ||
		errors.As(err, &record) || errors.As(err, &recordP) || errors.As(err, &alert) {
		return true
	}
	return strings.Contains(err.Error(), "server gave HTTP response to HTTPS client")
}

// transportCause names a transport failure in words ("connection refused", "unknown host", "TLS
// handshake failed", "connection reset", "timed out"; "" when none fits) and returns the
// underlying error without the *url.Error around it (whose text carries the query).
func transportCause(err error) (string, error) {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	var dnsErr *net.DNSError
	var netErr net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused", err
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return "unknown host", err
	case isTLSError(err):
		return "TLS handshake failed (certificate or protocol mismatch)", err
	case errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return "connection reset", err
	case errors.As(err, &netErr) && netErr.Timeout():
		return "timed out", err
	}
	return "", err
}

// do runs one API call and decodes a 2xx body into r.out.
func (c *Client) do(ctx context.Context, r request) (response, error) {
	if r.path.err != nil {
		return response{}, r.path.err
	}
	u := c.baseURL + r.path.path
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	return c.doURL(ctx, r, u)
}

// doURL is do for an absolute URL below the base URL (the pager's next links).
func (c *Client) doURL(ctx context.Context, r request, rawURL string) (response, error) {
	if ctx == nil {
		return response{}, errors.New("nil context")
	}
	var rawBody []byte
	if r.body != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			return response{}, fmt.Errorf("webex: encoding %s request body: %w", strings.ToLower(r.method), err)
		}
		rawBody = b
	}
	parsed, err := url.Parse(rawURL)
	if err != nil {
		return response{}, fmt.Errorf("webex: invalid url: %w", err)
	}
	ci := &callInfo{
		method:     r.method,
		path:       parsed.EscapedPath(),
		trackingID: TrackingIDPrefix + uuid.NewString(),
		idempotent: r.method != http.MethodPost || r.idempotent,
	}
	desc := strings.ToLower(r.method) + " " + ci.path
	where := parsed.Scheme + "://" + parsed.Host + ci.path

	// Defence in depth: whatever might reach a log line, no secret shows.
	secrets := append(c.auth.secrets(), r.secrets...)
	for _, s := range secrets {
		if s != "" {
			ctx = tflog.MaskLogStrings(ctx, s)
		}
	}
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, "authorization", "token", "access_token", "refresh_token",
		"client_secret", "passcode", "password")
	reqCtx := context.WithValue(ctx, callInfoKey{}, ci)
	reqCtx = httptrace.WithClientTrace(reqCtx, &httptrace.ClientTrace{
		WroteRequest: func(httptrace.WroteRequestInfo) { ci.wrote.Store(true) },
	})

	start := time.Now()
	var resp *http.Response
	for authTry := 0; ; authTry++ {
		tok, err := c.auth.token(ctx)
		if err != nil {
			return response{}, fmt.Errorf("%s: %w", desc, err)
		}
		var body any
		if rawBody != nil {
			body = rawBody
		}
		req, err := retryablehttp.NewRequestWithContext(reqCtx, r.method, rawURL, body)
		if err != nil {
			return response{}, fmt.Errorf("webex: building %s request: %w", desc, err)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("User-Agent", c.userAgent)
		req.Header.Set("Accept", "application/json")
		req.Header.Set("TrackingID", ci.trackingID)
		if rawBody != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if err := c.limiter.Wait(reqCtx); err != nil {
			return response{}, fmt.Errorf("webex: %s: waiting for the client rate limit: %w", desc, err)
		}
		resp, err = c.rc.Do(req)
		var tooLong *retryAfterTooLong
		switch {
		case errors.As(err, &tooLong) && resp != nil:
			apiErr := c.apiError(resp, ci, r.secrets)
			drainAndClose(resp)
			c.logOutcome(ctx, ci, start, apiErr.Status, apiErr)
			return response{}, &RetryAfterExceededError{Wait: tooLong.wait, Max: c.maxRetryAfter, Err: apiErr}
		case err != nil:
			drainAndClose(resp)
			cause, inner := transportCause(err)
			if cause == "" {
				cause = "request failed"
			}
			fields := ci.logFields()
			fields["attempts"] = ci.attempts
			fields["error"] = cause + ": " + inner.Error()
			tflog.Debug(ctx, "webex api call failed", fields)
			if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(inner, ctxErr) {
				inner = fmt.Errorf("%w (%w)", ctxErr, inner)
			}
			return response{}, fmt.Errorf("webex: %s %s: %s after %d attempt(s): %w", r.method, where, cause, ci.attempts, inner)
		}
		if resp.StatusCode == http.StatusUnauthorized && authTry == 0 && c.auth.canRefresh() {
			drainAndClose(resp)
			tflog.Debug(ctx, "webex api answered 401, refreshing the access token", ci.logFields())
			if _, err := c.auth.forceRefresh(ctx, tok); err != nil {
				return response{}, fmt.Errorf("%s: %w", desc, err)
			}
			continue
		}
		break
	}
	defer drainAndClose(resp)

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		apiErr := c.apiError(resp, ci, r.secrets)
		c.logOutcome(ctx, ci, start, resp.StatusCode, apiErr)
		return response{status: resp.StatusCode, header: resp.Header}, apiErr
	}
	c.logOutcome(ctx, ci, start, resp.StatusCode, nil)
	out := response{status: resp.StatusCode, header: resp.Header}
	if r.out == nil || resp.StatusCode == http.StatusNoContent {
		return out, nil
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		return out, fmt.Errorf("webex: %s: reading response body: %w", desc, err)
	}
	if len(data) > maxResponseBytes {
		return out, fmt.Errorf("webex: %s: response body larger than %d bytes", desc, maxResponseBytes)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return out, fmt.Errorf("webex: %s: empty response body (status %d)", desc, resp.StatusCode)
	}
	if err := json.Unmarshal(data, r.out); err != nil {
		return out, fmt.Errorf("webex: %s: decoding response body: %w", desc, err)
	}
	return out, nil
}

// apiError builds the *Error of a non-2xx answer; it reads (part of) the body.
func (c *Client) apiError(resp *http.Response, ci *callInfo, secrets []string) *Error {
	e := &Error{Status: resp.StatusCode, Method: ci.method, Path: ci.path}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBytes))
	redact := redactor(append(c.auth.secrets(), secrets...)...)
	parseErrorBody(e, data, redact)
	if e.TrackingID == "" {
		e.TrackingID = clean(redact(resp.Header.Get("TrackingID")))
	}
	if e.TrackingID == "" {
		e.TrackingID = ci.trackingID
	}
	if ra, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		e.RetryAfter = ra
	}
	return e
}

// logOutcome writes the one debug line of a call.
func (c *Client) logOutcome(ctx context.Context, ci *callInfo, start time.Time, status int, apiErr *Error) {
	fields := ci.logFields()
	delete(fields, "attempt")
	fields["attempts"] = ci.attempts
	fields["http_status"] = status
	fields["duration_ms"] = time.Since(start).Milliseconds()
	if apiErr == nil {
		tflog.Debug(ctx, "webex api call", fields)
		return
	}
	if apiErr.TrackingID != ci.trackingID {
		fields["server_tracking_id"] = apiErr.TrackingID
	}
	if len(apiErr.Codes) > 0 {
		fields["error_codes"] = apiErr.Codes
	}
	tflog.Debug(ctx, "webex api call failed", fields)
}

// drainAndClose reads what is left of resp's body (up to maxErrorBytes) and closes it.
func drainAndClose(resp *http.Response) {
	if resp == nil || resp.Body == nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBytes))
	_ = resp.Body.Close()
}

// apiPath is an escaped URL path below the base URL, or the error building it met.
type apiPath struct {
	path string
	err  error
}

// pathOf fills the {name} placeholders of tmpl, in order, with the path-escaped ids. An empty id
// is an error ("personId is required") so that no call ever hits a collection by mistake.
func pathOf(tmpl string, ids ...string) apiPath {
	p, err := restpath.Fill(tmpl, "webex: %s is required", ids...)
	return apiPath{path: p, err: err}
}

// orgQuery returns a query with orgId set when orgID is not empty.
func orgQuery(orgID string) url.Values {
	q := url.Values{}
	if orgID != "" {
		q.Set("orgId", orgID)
	}
	return q
}
