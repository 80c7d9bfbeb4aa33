// Package client is the typed HTTP client of the provisioning API v1 (api/README.md).
//
// Every method takes a context first; the context bounds the whole call, retries included, and
// its tflog logger (if any) receives one debug line per attempt. The client retries what can heal
// (429, 5xx, timeouts and reset connections) with go-retryablehttp, honours Retry-After, sends an
// Idempotency-Key on every POST (the same key on each retry of one call) so that a POST is safe to
// retry, limits its own request rate when the server answers 429, follows paging links, and turns
// every non-2xx answer of the API into an *APIError (errors.Is(err, ErrNotFound) for a 404).
//
// What cannot heal fails at once, with the cause and the URL (transport.go): a call without an
// answer is a *TransportError whose Kind says why (a refused connection, an unknown host, https to
// a plain server or plain http to a TLS one, a TLS failure, a timeout); an answer the API never
// gives (a 4xx without the API's error body, such as another service's JSON 404 or an HTML page,
// or a 2xx that is not JSON) is a *NotTheAPIError (IsNotTheAPI), never ErrNotFound.
//
// The client knows nothing about Terraform beyond logging through tflog. It never logs the token,
// the Authorization header, request or response bodies, passcodes or passwords.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/ucprov/terraform-provider-ucprov/internal/ratelimit"
	"github.com/ucprov/terraform-provider-ucprov/internal/restpath"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Defaults applied by New for zero Config fields.
const (
	DefaultRequestTimeout = 30 * time.Second
	DefaultRetryWaitMin   = 500 * time.Millisecond
	DefaultRetryWaitMax   = 30 * time.Second
	DefaultUserAgent      = "ucprov-client"
)

const (
	maxResponseBytes = 32 << 20 // a list page of 1000 users is far below this
	maxErrorBytes    = 64 << 10
)

// Config configures a Client. Only Endpoint and Token are required.
type Config struct {
	// Endpoint is the base URL of the API, e.g. https://uc.example.com; the client appends
	// /v1/... (a trailing "/v1" is accepted and dropped). Plain http is allowed only for
	// loopback hosts (127.0.0.0/8, ::1, localhost).
	Endpoint string
	// Token is the bearer token. It is never logged.
	Token string
	// MaxRetries is the number of retries after the first attempt; 0 means no retries.
	MaxRetries int
	// RequestTimeout bounds one attempt (connect, headers and body); 0 means 30s.
	RequestTimeout time.Duration
	// RequestsPerSecond is a client-side rate limit; 0 means none. Either way the client slows
	// down by itself when the server answers 429 and recovers gradually afterwards.
	RequestsPerSecond float64
	// RetryWaitMin and RetryWaitMax bound the wait between attempts (defaults 500ms and 30s).
	// Retry-After is honoured but capped at RetryWaitMax.
	RetryWaitMin time.Duration
	// RetryWaitMax: see RetryWaitMin.
	RetryWaitMax time.Duration
	// MaxRetryAfter is the longest wait a server's Retry-After (on a 429 or 503) may ask for; a
	// longer one is cut to it. 0 means RetryWaitMax. It may be above RetryWaitMax: a real backend
	// has asked for 58 s, and giving up (or coming back early into another 429) costs more.
	MaxRetryAfter time.Duration
	// OnWrite, if set, is called with the method and URL path (e.g. "/v1/users/usr_1/number") of
	// every POST, PUT, PATCH and DELETE before it is sent, whatever its outcome. A bulk-read cache
	// uses it to know which objects this process has written (internal/provider's bulk reader).
	OnWrite func(method, path string)
	// UserAgent is sent on every request; empty means DefaultUserAgent.
	UserAgent string
	// HTTPClient optionally replaces the underlying HTTP client (tests, proxies, custom TLS).
	// The client copies it; its Timeout is set to RequestTimeout when zero, and redirects are
	// not followed unless it sets its own CheckRedirect.
	HTTPClient *http.Client
}

// Client is a client of the provisioning API. It is safe for concurrent use.
type Client struct {
	endpoint  string // scheme://host[/prefix], no trailing slash
	token     string
	userAgent string
	rc        *retryablehttp.Client
	limiter   *ratelimit.Adaptive
	onWrite   func(method, path string)
	// answered is set once the endpoint has given any HTTP answer: a refused connection is then
	// a server restarting (retried), before it a wrong host or port (final at once).
	answered atomic.Bool
}

// New validates cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	endpoint, err := normalizeEndpoint(cfg.Endpoint)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(cfg.Token) == "" {
		return nil, errors.New("token is required")
	}
	if strings.ContainsAny(cfg.Token, "\r\n") {
		return nil, errors.New("token must not contain line breaks")
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
	timeout := cfg.RequestTimeout
	if timeout == 0 {
		timeout = DefaultRequestTimeout
	}
	waitMin, waitMax := cfg.RetryWaitMin, cfg.RetryWaitMax
	if waitMin == 0 {
		waitMin = DefaultRetryWaitMin
	}
	if waitMax == 0 {
		waitMax = DefaultRetryWaitMax
	}
	if waitMin > waitMax {
		return nil, fmt.Errorf("retry wait min (%s) is greater than retry wait max (%s)", waitMin, waitMax)
	}
	retryAfterMax := cfg.MaxRetryAfter
	if retryAfterMax == 0 {
		retryAfterMax = waitMax
	}
	ua := cfg.UserAgent
	if ua == "" {
		ua = DefaultUserAgent
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
		// The API never redirects; following one could carry the token elsewhere.
		hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	}

	c := &Client{
		endpoint:  endpoint,
		token:     cfg.Token,
		userAgent: ua,
		limiter:   ratelimit.New(cfg.RequestsPerSecond),
		onWrite:   cfg.OnWrite,
	}
	c.rc = &retryablehttp.Client{
		HTTPClient:   hc,
		Logger:       nil, // we log through tflog in the hooks below
		RetryWaitMin: waitMin,
		RetryWaitMax: waitMax,
		RetryMax:     cfg.MaxRetries,
		CheckRetry:   c.checkRetry,
		Backoff: func(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
			return backoffWithRetryAfter(time.Now(), minWait, maxWait, retryAfterMax, attempt, resp)
		},
		ErrorHandler:   retryablehttp.PassthroughErrorHandler,
		RequestLogHook: c.beforeAttempt,
		PrepareRetry:   c.prepareRetry,
	}
	return c, nil
}

// normalizeEndpoint checks the endpoint URL and returns it without a trailing slash or /v1.
func normalizeEndpoint(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", errors.New("endpoint is required")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("endpoint must be a URL such as https://uc.example.com, got %q: %w", raw, err)
	}
	if u.Host == "" || u.Hostname() == "" {
		return "", fmt.Errorf("endpoint must be a URL such as https://uc.example.com (scheme and host), got %q", raw)
	}
	if u.User != nil {
		return "", errors.New("invalid endpoint: it must not contain credentials; use the token")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("invalid endpoint %q: it must not contain a query or a fragment", raw)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return "", fmt.Errorf("invalid endpoint %q: plain http is allowed only for loopback hosts (127.0.0.0/8, ::1, localhost); use https", raw)
		}
	default:
		return "", fmt.Errorf("invalid endpoint %q: scheme must be https (or http for a loopback host)", raw)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Path = strings.TrimSuffix(strings.TrimRight(u.Path, "/"), "/v1")
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

// callInfo travels in the request context so that the retry hooks know which call they serve.
// The hooks of one call run on the goroutine of that call, one after the other.
type callInfo struct {
	method         string
	path           string // URL path only: ids, never secrets, never the query
	idempotencyKey string
	// retrySafe: a repeat cannot do the work twice (every method but a POST without key).
	retrySafe    bool
	attempts     int
	attemptStart time.Time

	// Writes only (finishInFlight): whether an attempt is on the wire, whether the caller's
	// context has ended, and the cancel of the requests' context.
	mu         sync.Mutex
	inFlight   bool
	parentDone bool
	cancel     context.CancelFunc
}

type callInfoKey struct{}

// finishInFlight returns the context a write's requests run in: it carries parent's values and ends
// when parent ends, except while an attempt is on the wire; then it ends when the attempt's answer
// has been read (stop, deferred by the caller). setInFlight marks the attempts.
func (ci *callInfo) finishInFlight(parent context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(parent))
	ci.mu.Lock()
	ci.cancel = cancel
	ci.mu.Unlock()
	stopWatch := context.AfterFunc(parent, func() {
		ci.mu.Lock()
		defer ci.mu.Unlock()
		ci.parentDone = true
		if !ci.inFlight {
			cancel()
		}
	})
	return ctx, func() { stopWatch(); cancel() }
}

// setInFlight records whether an attempt is on the wire and reports whether the caller's context
// has ended meanwhile (only for a write guarded by finishInFlight).
func (ci *callInfo) setInFlight(on bool) (parentDone bool) {
	ci.mu.Lock()
	defer ci.mu.Unlock()
	if ci.cancel == nil {
		return false
	}
	ci.inFlight = on
	return ci.parentDone
}

func callInfoFrom(ctx context.Context) *callInfo {
	ci, _ := ctx.Value(callInfoKey{}).(*callInfo)
	return ci
}

// logFields returns the fields every log line of a call carries. Never add headers or bodies.
func (ci *callInfo) logFields() map[string]any {
	f := map[string]any{
		"http_method": ci.method,
		"http_path":   ci.path,
		"attempt":     ci.attempts,
	}
	if ci.idempotencyKey != "" {
		f["idempotency_key"] = ci.idempotencyKey
	}
	return f
}

// beforeAttempt runs before every attempt (retryablehttp's RequestLogHook).
func (c *Client) beforeAttempt(_ retryablehttp.Logger, req *http.Request, _ int) {
	if ci := callInfoFrom(req.Context()); ci != nil {
		ci.attempts++
		ci.attemptStart = time.Now()
		ci.setInFlight(true)
	}
}

// prepareRetry runs before every retry, after the backoff: it waits for the rate limiter.
func (c *Client) prepareRetry(req *http.Request) error {
	return c.limiter.Wait(req.Context())
}

// checkRetry decides whether an attempt is retried, feeds the adaptive rate limiter and logs
// the attempt.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	ci := callInfoFrom(ctx)
	if ci == nil {
		ci = &callInfo{retrySafe: true}
	}
	if ci.setInFlight(false) {
		// The caller's context ended while this write's attempt was on the wire: keep its answer
		// (or its error), retry nothing.
		return false, nil
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

	retry, stopErr := retryDecision(ctx, ci.retrySafe, answeredBefore, resp, err)

	fields := ci.logFields()
	if !ci.attemptStart.IsZero() {
		fields["duration_ms"] = time.Since(ci.attemptStart).Milliseconds()
	}
	if resp != nil {
		fields["http_status"] = resp.StatusCode
		if id := resp.Header.Get("TrackingID"); id != "" {
			fields["tracking_id"] = id
		}
	}
	if err != nil {
		// Not the *url.Error itself: its text carries the query (filters such as an email).
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		fields["error"] = err.Error()
	}
	switch {
	case retry && ci.attempts > c.rc.RetryMax:
		fields["will_retry"] = false
		tflog.Warn(ctx, "ucprov api attempt failed, no retries left", fields)
	case retry:
		fields["will_retry"] = true
		tflog.Warn(ctx, "ucprov api attempt failed, retrying", fields)
	default:
		// The call's outcome is logged once at debug level by doURL.
		fields["will_retry"] = false
		tflog.Trace(ctx, "ucprov api attempt", fields)
	}
	return retry, stopErr
}

// retryDecision is the retry policy: retry only what can heal. A context that is done stops
// everything. A transport error that no retry can heal is final at once (finalTransportError: an
// unknown host, https to a plain server, a TLS failure, and a refused connection when the endpoint
// has never answered this client, i.e. a wrong host or port rather than a restart). A POST without
// an Idempotency-Key (retrySafe false) is retried only on 429 and 503, which promise that
// nothing ran; anything else is retried on the other connection errors (timeouts, resets), 429,
// 500, 502, 503 and 504. Other statuses are final.
func retryDecision(ctx context.Context, retrySafe, answeredBefore bool, resp *http.Response, err error) (bool, error) {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	if err != nil {
		if !retrySafe || finalTransportError(err, answeredBefore) {
			return false, nil
		}
		// retryablehttp knows which transport errors are permanent (bad scheme, bad
		// certificate, too many redirects, invalid header).
		retry, _ := retryablehttp.ErrorPropagatedRetryPolicy(ctx, nil, err)
		return retry, nil
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return true, nil
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		return retrySafe, nil
	}
	return false, nil
}

// do runs one API call: path is built by pathOf, query may be nil, body (if not nil) is sent
// as JSON, ifMatch (if not empty) as If-Match, and a 2xx body is decoded into out (if not nil;
// a *string receives the raw body). It returns the response headers.
func (c *Client) do(ctx context.Context, method string, p apiPath, query url.Values, body any, ifMatch string, out any) (http.Header, error) {
	if p.err != nil {
		return nil, p.err
	}
	u := c.endpoint + p.path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	return c.doURL(ctx, method, u, body, ifMatch, out)
}

// doURL is do for an absolute URL of this client's endpoint (the pager's next links).
func (c *Client) doURL(ctx context.Context, method, rawURL string, body any, ifMatch string, out any) (http.Header, error) {
	if ctx == nil {
		return nil, errors.New("nil context")
	}
	var rawBody any
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("encoding %s request body: %w", strings.ToLower(method), err)
		}
		rawBody = b
	}

	ci := &callInfo{method: method}
	if method == http.MethodPost {
		// The same key on every attempt of this call makes the POST safe to retry.
		ci.idempotencyKey = uuid.NewString()
	}
	ci.retrySafe = method != http.MethodPost || ci.idempotencyKey != ""
	// Defence in depth: whatever might reach a log line, the token never shows.
	ctx = tflog.MaskLogStrings(ctx, c.token)
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, "authorization", "token", "passcode", "password")
	ctx = tflog.MaskLogStrings(ctx, secretsFrom(ctx)...)
	base := ctx
	if method != http.MethodGet {
		// A write whose attempt is on the wire when ctx ends (Ctrl-C) is let finish, so that its
		// answer is not lost: the caller then knows what the backend did (a created object gets into
		// the state). Waits between attempts and further attempts still end at once.
		var stop func()
		base, stop = ci.finishInFlight(ctx)
		defer stop()
	}
	reqCtx := context.WithValue(base, callInfoKey{}, ci)

	req, err := retryablehttp.NewRequestWithContext(reqCtx, method, rawURL, rawBody)
	if err != nil {
		return nil, fmt.Errorf("building %s request: %w", strings.ToLower(method), err)
	}
	ci.path = req.URL.EscapedPath()
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("User-Agent", c.userAgent)
	if _, raw := out.(*string); raw {
		req.Header.Set("Accept", "text/csv, application/json;q=0.9")
	} else {
		req.Header.Set("Accept", "application/json")
	}
	if rawBody != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if ci.idempotencyKey != "" {
		req.Header.Set("Idempotency-Key", ci.idempotencyKey)
	}
	if ifMatch = normalizeETag(ifMatch); ifMatch != "" {
		req.Header.Set("If-Match", ifMatch)
	}
	desc := strings.ToLower(method) + " " + ci.path
	if c.onWrite != nil && method != http.MethodGet && method != http.MethodHead {
		c.onWrite(method, ci.path)
	}

	if err := c.limiter.Wait(reqCtx); err != nil {
		return nil, fmt.Errorf("%s: waiting for the client rate limit: %w", desc, err)
	}
	start := time.Now()
	resp, err := c.rc.Do(req)
	if err != nil {
		drainAndClose(resp)
		// Not the *url.Error itself: its text carries the query (filters such as an email); the
		// TransportError names the URL without it.
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
			err = fmt.Errorf("%w (%w)", ctxErr, err)
		}
		return nil, &TransportError{Method: method, URL: redactedURL(req.URL), Kind: transportKind(err),
			Attempts: ci.attempts, Err: err}
	}
	defer drainAndClose(resp)

	fields := ci.logFields()
	delete(fields, "attempt")
	fields["attempts"] = ci.attempts
	fields["http_status"] = resp.StatusCode
	fields["duration_ms"] = time.Since(start).Milliseconds()

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		if err := classifyErrorAnswer(req.Request, resp); err != nil {
			// Not an answer of the API (another server, a TLS port spoken to in plain http).
			redactAnswer(err, c.token)
			for _, secret := range secretsFrom(ctx) {
				redactAnswer(err, secret)
			}
			fields["error"] = err.Error()
			tflog.Debug(ctx, "ucprov api call failed: not an answer of the api", fields)
			return resp.Header, err
		}
		// A server should never echo the token or a secret of the request (withSecret); if one
		// does, it reaches neither a diagnostic nor a log line.
		apiErr := parseAPIError(resp, slices.Concat(secretsFrom(ctx), []string{c.token}))
		fields["error_code"] = apiErr.Code
		fields["tracking_id"] = apiErr.TrackingID
		tflog.Debug(ctx, "ucprov api call failed", fields)
		return resp.Header, apiErr
	}
	tflog.Debug(ctx, "ucprov api call", fields)

	if out == nil || resp.StatusCode == http.StatusNoContent {
		return resp.Header, nil
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		return resp.Header, fmt.Errorf("%s: reading response body: %w", desc, err)
	}
	if len(data) > maxResponseBytes {
		return resp.Header, fmt.Errorf("%s: response body larger than %d bytes", desc, maxResponseBytes)
	}
	if s, ok := out.(*string); ok {
		*s = string(data)
		return resp.Header, nil
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return resp.Header, fmt.Errorf("%s: empty response body (status %d)", desc, resp.StatusCode)
	}
	if err := json.Unmarshal(data, out); err != nil {
		if notJSONAnswer(data) {
			nta := notTheAPI(req.Request, resp, data)
			redactAnswer(nta, c.token)
			return resp.Header, nta
		}
		return resp.Header, fmt.Errorf("%s: decoding response body: %w", desc, err)
	}
	return resp.Header, nil
}

// drainAndClose reads what is left of resp's body (up to maxErrorBytes) and closes it; resp may be nil.
func drainAndClose(resp *http.Response) {
	if resp == nil || resp.Body == nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBytes))
	_ = resp.Body.Close()
}

// normalizeETag quotes a bare etag ("3" becomes `"3"`); "", "*", quoted and weak etags pass.
func normalizeETag(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || s == "*" || strings.HasPrefix(s, `"`) || strings.HasPrefix(s, "W/") {
		return s
	}
	return `"` + s + `"`
}

// apiPath is an escaped URL path below the endpoint, or the error that building it met.
type apiPath struct {
	path string
	err  error
}

// pathOf fills the {name} placeholders of tmpl, in order, with the path-escaped ids. An empty
// id is an error ("user id is required") so that no call ever hits a collection by mistake.
func pathOf(tmpl string, ids ...string) apiPath {
	p, err := restpath.Fill(tmpl, "%s id is required", ids...)
	return apiPath{path: p, err: err}
}

// secretsKey is the context key of the secrets a call sends (withSecret).
type secretsKey struct{}

// withSecret returns the context of a call that sends secret s (a passcode, a password, any
// write-only value): its logger masks s wherever it might appear, and doURL removes s from the
// error of the call, as sent and in every form a backend may echo it (see secretForms), so that
// neither a log line nor a diagnostic ever shows it. Every method that sends a secret wraps its
// context with it.
func withSecret(ctx context.Context, s string) context.Context {
	if s == "" {
		return ctx
	}
	forms := secretForms(s)
	prev, _ := ctx.Value(secretsKey{}).([]string)
	all := slices.Concat(prev, forms)
	// Longest first, so that no form is left half replaced by a shorter one.
	slices.SortStableFunc(all, func(a, b string) int { return len(b) - len(a) })
	return context.WithValue(tflog.MaskLogStrings(ctx, forms...), secretsKey{}, all)
}

// secretsFrom returns the forms of the secrets that the call of ctx sends (withSecret).
func secretsFrom(ctx context.Context) []string {
	s, _ := ctx.Value(secretsKey{}).([]string)
	return s
}

// secretForms are s as sent and as a backend may echo it: JSON-escaped (with and without HTML
// escaping, as Go's encoders write it) and URL-encoded (query and path escaping).
func secretForms(s string) []string {
	forms := []string{s}
	add := func(f string) {
		if f != "" && !slices.Contains(forms, f) {
			forms = append(forms, f)
		}
	}
	if b, err := json.Marshal(s); err == nil {
		add(string(b[1 : len(b)-1]))
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err == nil {
		b := bytes.TrimSpace(buf.Bytes())
		add(string(b[1 : len(b)-1]))
	}
	add(url.QueryEscape(s))
	add(url.PathEscape(s))
	return forms
}

// redactSecrets replaces every form of every secret in text with "***".
func redactSecrets(text string, secrets []string) string {
	for _, f := range secrets {
		text = strings.ReplaceAll(text, f, "***")
	}
	return text
}
