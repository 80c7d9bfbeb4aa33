package ocip

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/time/rate"
)

// Config configures a Client. Zero durations and counts take the defaults given.
type Config struct {
	// Endpoint is https://host[:port][/path] (SOAP; the path defaults to DefaultSOAPPath),
	// tls://host[:2209] or tcp://host[:2208] (the OCS socket). Plain http:// and tcp:// are refused
	// unless the host is a loopback address (the password would cross the network in clear).
	Endpoint string
	Username string
	Password string

	MaxRetries     int           // retries of a document that can be retried; default 4, negative = none
	RequestTimeout time.Duration // one document round trip (each attempt); default 60 s
	RetryWaitMin   time.Duration // default 500 ms
	RetryWaitMax   time.Duration // default 10 s
	MaxRetryAfter  time.Duration // cap of a server's Retry-After; default 60 s
	// RequestsPerSecond limits documents sent per second (a document carries up to 15 commands);
	// 0 = unlimited.
	RequestsPerSecond float64
	UserAgent         string

	TLSConfig  *tls.Config  // optional, for https:// and tls:// (e.g. a private CA)
	HTTPClient *http.Client // optional base HTTP client for SOAP (its Jar and CheckRedirect are replaced)
}

// LoginInfo is what the login response said.
type LoginInfo struct {
	Method            string // "LoginRequest22V5" or "LoginRequest14sp4"
	LoginType         string // "System", "Provisioning", "Service Provider", "Group", ...
	Locale            string
	Encoding          string
	ServiceProviderID string
	GroupID           string
	UserDomain        string
	IsEnterprise      bool
}

// Client is an OCI-P client. It is safe for concurrent use: one login serves every caller.
type Client struct {
	cfg     Config
	t       transport
	limiter *rate.Limiter
	retries int

	mu      sync.Mutex // guards sess, closed
	sess    *session
	closed  bool
	loginMu sync.Mutex // one login at a time
}

type session struct {
	id    string
	epoch int
	info  LoginInfo
}

// New checks cfg and returns a client; it does not connect (the first Do logs in).
func New(cfg Config) (*Client, error) {
	if cfg.Username == "" {
		return nil, errors.New("ocip: username is required")
	}
	if cfg.Password == "" {
		return nil, errors.New("ocip: password is required")
	}
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = 4
	} else if cfg.MaxRetries < 0 {
		cfg.MaxRetries = 0
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 60 * time.Second
	}
	if cfg.RetryWaitMin <= 0 {
		cfg.RetryWaitMin = 500 * time.Millisecond
	}
	if cfg.RetryWaitMax <= 0 {
		cfg.RetryWaitMax = 10 * time.Second
	}
	if cfg.RetryWaitMax < cfg.RetryWaitMin {
		cfg.RetryWaitMax = cfg.RetryWaitMin
	}
	if cfg.MaxRetryAfter <= 0 {
		cfg.MaxRetryAfter = 60 * time.Second
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "terraform-provider-ucprov-ocip"
	}
	t, err := newTransport(cfg)
	if err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg, t: t, retries: cfg.MaxRetries}
	if cfg.RequestsPerSecond > 0 {
		c.limiter = rate.NewLimiter(rate.Limit(cfg.RequestsPerSecond), 1)
	}
	return c, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func newTransport(cfg Config) (transport, error) {
	raw := strings.TrimSpace(cfg.Endpoint)
	if raw == "" {
		return nil, errors.New("ocip: endpoint is required")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Hostname() == "" {
		return nil, fmt.Errorf("ocip: endpoint must look like https://xsp.example.com, tls://as.example.com:2209 or tcp://127.0.0.1:2208, got %q", raw)
	}
	if u.User != nil {
		return nil, errors.New("ocip: endpoint must not contain credentials; use the username and password")
	}
	host := u.Hostname()
	loop := isLoopback(host)
	scheme := strings.ToLower(u.Scheme)
	switch scheme {
	case "https", "http":
		if scheme == "http" && !loop {
			return nil, fmt.Errorf("ocip: plain http:// is allowed only to a loopback host, not %q; use https://", host)
		}
		u.Scheme = scheme
		if u.Path == "" || u.Path == "/" {
			u.Path = DefaultSOAPPath
		}
		return newSOAPTransport(u, loop, cfg), nil
	case "tcp", "tls":
		if scheme == "tcp" && !loop {
			return nil, fmt.Errorf("ocip: plain tcp:// is allowed only to a loopback host, not %q; use tls://", host)
		}
		if u.Path != "" && u.Path != "/" {
			return nil, fmt.Errorf("ocip: a %s:// endpoint has no path, got %q", scheme, u.Path)
		}
		port := u.Port()
		if port == "" {
			port = "2208"
			if scheme == "tls" {
				port = "2209"
			}
		}
		t := &tcpTransport{addr: net.JoinHostPort(host, port), loopback: loop, dialTimeout: 30 * time.Second, maxReply: 256 << 20}
		if scheme == "tls" {
			if cfg.TLSConfig != nil {
				t.tlsConf = cfg.TLSConfig.Clone()
			} else {
				t.tlsConf = &tls.Config{MinVersion: tls.VersionTLS12}
			}
			if t.tlsConf.ServerName == "" {
				t.tlsConf.ServerName = host
			}
		}
		return t, nil
	}
	return nil, fmt.Errorf("ocip: endpoint scheme must be https, tls, tcp or http (loopback), got %q", u.Scheme)
}

// isRead reports commands that change nothing, which may be resent after an ambiguous failure.
func isRead(t string) bool {
	return strings.Contains(t, "Get") || t == "AuthenticationRequest" || strings.HasPrefix(t, "LoginRequest")
}

func commandNames(cmds []Request) string {
	names := make([]string, len(cmds))
	for i, c := range cmds {
		names[i] = c.OCIType()
	}
	return strings.Join(names, ",")
}

// Do sends the commands and returns one response per command, in order. More than 15 commands go as
// several documents, one after the other. A command the server refused is an *Error in its slot; the
// other commands' responses are unaffected. err is non-nil only when a document failed as a whole
// (transport, login, malformed reply); responses of the documents before it are returned with it.
func (c *Client) Do(ctx context.Context, cmds ...Request) ([]Response, error) {
	out := make([]Response, 0, len(cmds))
	for start := 0; start < len(cmds); start += MaxCommands {
		end := min(start+MaxCommands, len(cmds))
		resps, err := c.doDocument(ctx, cmds[start:end])
		if err != nil {
			return out, err
		}
		out = append(out, resps...)
	}
	return out, nil
}

func (c *Client) doDocument(ctx context.Context, cmds []Request) ([]Response, error) {
	for _, cmd := range cmds {
		if cmd == nil {
			return nil, errors.New("ocip: nil request")
		}
	}
	read := true
	for _, cmd := range cmds {
		if !isRead(cmd.OCIType()) {
			read = false
		}
	}
	names := commandNames(cmds)
	relogged := false
	for attempt := 0; ; attempt++ {
		sess, err := c.session(ctx)
		if err != nil {
			return nil, err
		}
		doc, err := buildDocument(sess.id, cmds, c.t.charset())
		if err != nil {
			return nil, err
		}
		began := time.Now()
		reply, _, err := c.send(ctx, doc, sess.epoch, read)
		if err != nil {
			var te *transportError
			if !errors.As(err, &te) {
				return nil, fmt.Errorf("ocip: %s: %w", names, err)
			}
			tflog.Debug(ctx, "oci-p document failed", map[string]any{"commands": names, "transport": c.t.name(),
				"attempt": attempt + 1, "duration_ms": time.Since(began).Milliseconds(), "error": te.err.Error()})
			if te.sessionLost {
				c.dropSession(sess)
			}
			resend := te.notSent || read
			switch {
			case te.sessionLost && !relogged && resend:
				relogged = true
				continue
			case te.transient && attempt < c.retries && resend:
				if err := sleepCtx(ctx, backoff(c.cfg.RetryWaitMin, c.cfg.RetryWaitMax, c.cfg.MaxRetryAfter, attempt, 0)); err != nil {
					return nil, fmt.Errorf("ocip: %s: %w", names, err)
				}
				continue
			case !resend:
				return nil, fmt.Errorf("ocip: %s: %w: %w", names, ErrAmbiguousWrite, err)
			}
			return nil, fmt.Errorf("ocip: %s: %w", names, err)
		}
		resps, err := parseReply(reply)
		if err != nil {
			return nil, fmt.Errorf("ocip: %s: %w", names, err)
		}
		if notLoggedIn(resps) && !relogged {
			c.dropSession(sess)
			relogged = true
			continue
		}
		resps, err = matchResponses(cmds, resps)
		if err != nil {
			return nil, fmt.Errorf("ocip: %s: %w", names, err)
		}
		failed := 0
		for _, r := range resps {
			if Err(r) != nil {
				failed++
			}
		}
		tflog.Debug(ctx, "oci-p document", map[string]any{"commands": names, "transport": c.t.name(),
			"attempt": attempt + 1, "duration_ms": time.Since(began).Milliseconds(), "errors": failed})
		return resps, nil
	}
}

// send applies the rate limit and the per-attempt timeout around one round trip (a transport that
// retries inside its round trip bounds each of its attempts itself: boundsAttempts).
func (c *Client) send(ctx context.Context, doc []byte, epoch int, read bool) ([]byte, int, error) {
	if c.limiter != nil {
		if err := c.limiter.Wait(ctx); err != nil {
			return nil, epoch, err
		}
	}
	if c.t.boundsAttempts() {
		return c.t.roundTrip(ctx, doc, epoch, read)
	}
	rctx, cancel := context.WithTimeout(ctx, c.cfg.RequestTimeout)
	defer cancel()
	return c.t.roundTrip(rctx, doc, epoch, read)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// notLoggedIn reports a reply whose every command says the session is not (or no longer) logged in.
func notLoggedIn(resps []Response) bool {
	if len(resps) == 0 {
		return false
	}
	for _, r := range resps {
		e, ok := r.(*Error)
		if !ok {
			return false
		}
		s := strings.ToLower(e.SummaryEnglish + " " + e.Summary + " " + e.Detail)
		if !strings.Contains(s, "logged in") && !strings.Contains(s, "session expired") && !strings.Contains(s, "session has expired") &&
			!strings.Contains(s, "invalid session") {
			return false
		}
	}
	return true
}

// matchResponses pairs responses with commands: one each, or one ErrorResponse for the whole document
// (which then answers every command).
func matchResponses(cmds []Request, resps []Response) ([]Response, error) {
	if len(resps) == 1 && len(cmds) > 1 {
		if e, ok := resps[0].(*Error); ok {
			out := make([]Response, len(cmds))
			for i, c := range cmds {
				ce := *e
				ce.Command = c.OCIType()
				out[i] = &ce
			}
			return out, nil
		}
	}
	if len(resps) != len(cmds) {
		return nil, fmt.Errorf("%w: %d responses for %d commands", errMalformedReply, len(resps), len(cmds))
	}
	for i, r := range resps {
		if e, ok := r.(*Error); ok {
			e.Command = cmds[i].OCIType()
		}
	}
	return resps, nil
}

// LoginInfo returns what the current login said, logging in first when needed.
func (c *Client) LoginInfo(ctx context.Context) (LoginInfo, error) {
	s, err := c.session(ctx)
	if err != nil {
		return LoginInfo{}, err
	}
	return s.info, nil
}

func (c *Client) session(ctx context.Context) (*session, error) {
	c.mu.Lock()
	s, closed := c.sess, c.closed
	c.mu.Unlock()
	if closed {
		return nil, errors.New("ocip: client is closed")
	}
	if s != nil {
		return s, nil
	}
	c.loginMu.Lock()
	defer c.loginMu.Unlock()
	c.mu.Lock()
	s = c.sess
	c.mu.Unlock()
	if s != nil {
		return s, nil // another caller logged in while we waited
	}
	s, err := c.login(ctx)
	var te *transportError
	if err != nil && errors.As(err, &te) && te.sessionLost && ctx.Err() == nil {
		// The connection went away between the login's documents: start the login over once.
		s, err = c.login(ctx)
	}
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.sess = s
	c.mu.Unlock()
	return s, nil
}

func (c *Client) dropSession(s *session) {
	c.mu.Lock()
	if c.sess == s {
		c.sess = nil
	}
	c.mu.Unlock()
}

func newSessionID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// SignedPassword is the two-stage login's signedPassword: lowercase hex MD5(nonce + ":" + lowercase
// hex SHA-1(password)).
func SignedPassword(password, nonce string) string {
	sh := sha1.Sum([]byte(password))
	m := md5.Sum([]byte(nonce + ":" + hex.EncodeToString(sh[:])))
	return hex.EncodeToString(m[:])
}

// loginOnce sends one login-phase document (never logged) and returns its single response.
func (c *Client) loginOnce(ctx context.Context, id string, epoch int, req Request) (Response, int, error) {
	doc, err := buildDocument(id, []Request{req}, c.t.charset())
	if err != nil {
		return nil, epoch, err
	}
	var reply []byte
	for attempt := 0; ; attempt++ {
		var used int
		reply, used, err = c.send(ctx, doc, epoch, true)
		if err == nil {
			epoch = used
			break
		}
		var te *transportError
		if errors.As(err, &te) && te.sessionLost && epoch >= 0 {
			// A later step of the two-stage login lost its connection (and the nonce with it): the
			// caller starts the login over.
			return nil, epoch, err
		}
		if errors.As(err, &te) && te.transient && attempt < c.retries {
			if err := sleepCtx(ctx, backoff(c.cfg.RetryWaitMin, c.cfg.RetryWaitMax, c.cfg.MaxRetryAfter, attempt, 0)); err != nil {
				return nil, epoch, err
			}
			continue
		}
		return nil, epoch, err
	}
	resps, err := parseReply(reply)
	if err != nil {
		return nil, epoch, err
	}
	if len(resps) != 1 {
		return nil, epoch, fmt.Errorf("%w: %d responses to %s", errMalformedReply, len(resps), req.OCIType())
	}
	if e, ok := resps[0].(*Error); ok {
		e.Command = req.OCIType()
	}
	return resps[0], epoch, nil
}

// refusedAsUnknown reports an ErrorResponse saying the server does not know the command (an older
// release without LoginRequest22V5): a schema validation error or an unknown/unsupported request.
func refusedAsUnknown(e *Error) bool {
	if e.Code == CodeRequestValidation {
		return true
	}
	s := strings.ToLower(e.SummaryEnglish + " " + e.Summary + " " + e.Detail)
	for _, w := range []string{"xsi:type", "validation error", "unknown request", "unknown command", "not supported", "unsupported", "invalid request"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

func (c *Client) login(ctx context.Context) (*session, error) {
	c.t.resetSession()
	id := newSessionID()
	began := time.Now()
	epoch := -1
	if c.t.secure() {
		r, ep, err := c.loginOnce(ctx, id, -1, LoginRequest22V5{UserId: c.cfg.Username, Password: Ptr(c.cfg.Password)})
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrLogin, err)
		}
		epoch = ep
		switch v := r.(type) {
		case *LoginResponse22V5:
			s := &session{id: id, epoch: epoch, info: LoginInfo{Method: "LoginRequest22V5", LoginType: v.LoginType, Locale: v.Locale,
				Encoding: v.Encoding, ServiceProviderID: deref(v.ServiceProviderId), GroupID: deref(v.GroupId), UserDomain: v.UserDomain, IsEnterprise: v.IsEnterprise}}
			tflog.Debug(ctx, "oci-p login", map[string]any{"method": "LoginRequest22V5", "login_type": v.LoginType, "transport": c.t.name(), "duration_ms": time.Since(began).Milliseconds()})
			return s, nil
		case *Error:
			if !refusedAsUnknown(v) {
				return nil, fmt.Errorf("%w: %w", ErrLogin, v)
			}
			tflog.Debug(ctx, "oci-p login: LoginRequest22V5 refused as unknown, trying AuthenticationRequest", map[string]any{"code": v.Code})
		default:
			return nil, fmt.Errorf("%w: LoginRequest22V5 answered with %s", ErrLogin, r.OCIType())
		}
	}
	r, ep, err := c.loginOnce(ctx, id, epoch, AuthenticationRequest{UserId: c.cfg.Username})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrLogin, err)
	}
	epoch = ep
	auth, ok := r.(*AuthenticationResponse)
	if !ok {
		if e, isErr := r.(*Error); isErr {
			return nil, fmt.Errorf("%w: %w", ErrLogin, e)
		}
		return nil, fmt.Errorf("%w: AuthenticationRequest answered with %s", ErrLogin, r.OCIType())
	}
	if auth.PasswordAlgorithm != "MD5" {
		return nil, fmt.Errorf("%w: unsupported password algorithm %q", ErrLogin, auth.PasswordAlgorithm)
	}
	r, ep, err = c.loginOnce(ctx, id, epoch, LoginRequest14sp4{UserId: c.cfg.Username, SignedPassword: Ptr(SignedPassword(c.cfg.Password, auth.Nonce))})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrLogin, err)
	}
	switch v := r.(type) {
	case *LoginResponse14sp4:
		tflog.Debug(ctx, "oci-p login", map[string]any{"method": "LoginRequest14sp4", "login_type": v.LoginType, "transport": c.t.name(), "duration_ms": time.Since(began).Milliseconds()})
		return &session{id: id, epoch: ep, info: LoginInfo{Method: "LoginRequest14sp4", LoginType: v.LoginType, Locale: v.Locale,
			Encoding: v.Encoding, ServiceProviderID: deref(v.ServiceProviderId), GroupID: deref(v.GroupId), UserDomain: v.UserDomain, IsEnterprise: v.IsEnterprise}}, nil
	case *Error:
		return nil, fmt.Errorf("%w: %w", ErrLogin, v)
	}
	return nil, fmt.Errorf("%w: LoginRequest14sp4 answered with %s", ErrLogin, r.OCIType())
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// Close logs out (best effort, a short wait) and closes the connection. The client is unusable after.
func (c *Client) Close(ctx context.Context) error {
	c.mu.Lock()
	s := c.sess
	c.sess = nil
	c.closed = true
	c.mu.Unlock()
	if s != nil {
		lctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		doc, err := buildDocument(s.id, []Request{LogoutRequest{UserId: c.cfg.Username, Reason: Ptr(LogoutRequestReasonClientLogout)}}, c.t.charset())
		if err == nil {
			// BroadWorks may drop the socket instead of answering a logout; either is fine.
			_, _, _ = c.t.roundTrip(lctx, doc, s.epoch, false)
		}
		cancel()
	}
	return c.t.close()
}
