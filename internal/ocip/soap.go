package ocip

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// DefaultSOAPPath is where OCIOverSoap answers on an XSP/ADP.
const DefaultSOAPPath = "/webservice/services/ProvisioningService"

const notLoggedInText = "before user is logged in"

// soapTransport is OCI-P over SOAP: POST processOCIMessage{in0: the document as text}.
type soapTransport struct {
	url       string
	https     bool
	loopback  bool
	userAgent string
	rc        *retryablehttp.Client
	jar       *sessionJar
	maxReply  int64
}

func (s *soapTransport) charset() string { return charsetUTF8 }
func (s *soapTransport) secure() bool    { return s.https || s.loopback }
func (s *soapTransport) resetSession()   { s.jar.reset() }
func (s *soapTransport) name() string    { return "soap" }

func (s *soapTransport) boundsAttempts() bool { return true }
func (s *soapTransport) close() error {
	s.rc.HTTPClient.CloseIdleConnections()
	return nil
}

// sessionJar keeps the cookies (JSESSIONID) of the one endpoint; reset forgets them before a new login.
type sessionJar struct {
	mu      sync.Mutex
	cookies map[string]*http.Cookie
}

func (j *sessionJar) SetCookies(_ *url.URL, cs []*http.Cookie) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.cookies == nil {
		j.cookies = map[string]*http.Cookie{}
	}
	for _, c := range cs {
		if c.MaxAge < 0 || (!c.Expires.IsZero() && c.Expires.Before(time.Now())) {
			delete(j.cookies, c.Name)
			continue
		}
		j.cookies[c.Name] = &http.Cookie{Name: c.Name, Value: c.Value}
	}
}

func (j *sessionJar) Cookies(*url.URL) []*http.Cookie {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]*http.Cookie, 0, len(j.cookies))
	for _, c := range j.cookies {
		out = append(out, c)
	}
	return out
}

func (j *sessionJar) reset() {
	j.mu.Lock()
	j.cookies = nil
	j.mu.Unlock()
}

type readKey struct{}

func withRead(ctx context.Context, read bool) context.Context {
	return context.WithValue(ctx, readKey{}, read)
}

func isReadCtx(ctx context.Context) bool {
	v, _ := ctx.Value(readKey{}).(bool)
	return v
}

func newSOAPTransport(u *url.URL, loopback bool, cfg Config) *soapTransport {
	s := &soapTransport{
		url:       u.String(),
		https:     u.Scheme == "https",
		loopback:  loopback,
		userAgent: cfg.UserAgent,
		jar:       &sessionJar{},
		maxReply:  256 << 20,
	}
	hc := cfg.HTTPClient
	if hc == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		if cfg.TLSConfig != nil {
			tr.TLSClientConfig = cfg.TLSConfig.Clone()
		}
		hc = &http.Client{Transport: tr}
	} else {
		c := *hc
		hc = &c
	}
	hc.Jar = s.jar
	if hc.Timeout == 0 || hc.Timeout > cfg.RequestTimeout {
		// Each attempt (go-retryablehttp's retries are separate requests) is bounded on its own: a
		// bound around all of them would end a document still being retried as allowed.
		hc.Timeout = cfg.RequestTimeout
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	maxRetryAfter := cfg.MaxRetryAfter
	s.rc = &retryablehttp.Client{
		HTTPClient:   hc,
		RetryWaitMin: cfg.RetryWaitMin,
		RetryWaitMax: cfg.RetryWaitMax,
		RetryMax:     cfg.MaxRetries,
		CheckRetry:   soapCheckRetry,
		Backoff: func(min, max time.Duration, attempt int, resp *http.Response) time.Duration {
			return backoff(min, max, maxRetryAfter, attempt, retryAfter(resp))
		},
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
		RequestLogHook: func(_ retryablehttp.Logger, req *http.Request, attempt int) {
			if attempt > 0 {
				tflog.Debug(req.Context(), "oci-p soap retry", map[string]any{"attempt": attempt})
			}
		},
	}
	return s
}

// soapCheckRetry retries what can heal: a refused connection (nothing was sent), 429/503 (nothing ran),
// a NO_OCS_CONNECTION fault (the XSP could not reach the application server), and for reads also
// timeouts, resets and other 5xx without a SOAP fault. A write that may have run is never replayed.
func soapCheckRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	read := isReadCtx(ctx)
	if err != nil {
		if isConnRefused(err) {
			return true, nil
		}
		return read && isTransientNet(err), nil
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable:
		return true, nil
	case resp.StatusCode >= 500:
		body, rerr := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		_ = resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(body))
		if rerr != nil {
			return read, nil
		}
		if bytes.Contains(body, []byte("NO_OCS_CONNECTION")) {
			return true, nil
		}
		if bytes.Contains(body, []byte("Fault>")) {
			return false, nil // a SOAP fault is an answer; the client decides
		}
		return read, nil
	}
	return false, nil
}

// retryAfter reads Retry-After (seconds or an HTTP date) of a 429/503.
func retryAfter(resp *http.Response) time.Duration {
	if resp == nil || (resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable) {
		return 0
	}
	v := strings.TrimSpace(resp.Header.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

// backoff is min·2^attempt with up to 25 % jitter, capped at max; a server's Retry-After wins, capped at
// maxRetryAfter.
func backoff(min, max, maxRetryAfter time.Duration, attempt int, after time.Duration) time.Duration {
	if after > 0 {
		if after > maxRetryAfter {
			after = maxRetryAfter
		}
		return after
	}
	d := min
	for i := 0; i < attempt && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	if d > 0 {
		d += time.Duration(rand.Int64N(int64(d)/4 + 1))
	}
	if d > max {
		d = max
	}
	return d
}

func soapEnvelope(doc []byte) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` +
		`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>` +
		`<processOCIMessage xmlns="urn:com:broadsoft:webservice"><in0>`)
	_ = xml.EscapeText(&b, doc)
	b.WriteString(`</in0></processOCIMessage></soapenv:Body></soapenv:Envelope>`)
	return b.Bytes()
}

func (s *soapTransport) roundTrip(ctx context.Context, doc []byte, _ int, read bool) ([]byte, int, error) {
	req, err := retryablehttp.NewRequestWithContext(withRead(ctx, read), http.MethodPost, s.url, soapEnvelope(doc))
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Content-Type", "text/xml; charset=UTF-8")
	req.Header.Set("SOAPAction", `""`)
	if s.userAgent != "" {
		req.Header.Set("User-Agent", s.userAgent)
	}
	resp, err := s.rc.Do(req)
	if err != nil {
		// retryablehttp has already retried what could be; what is left is final for this document.
		return nil, 0, &transportError{err: fmt.Errorf("ocip: soap post: %w", ctxErr(ctx, err)), notSent: isConnRefused(err)}
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, s.maxReply))
	if err != nil {
		return nil, 0, &transportError{err: fmt.Errorf("ocip: soap read: %w", ctxErr(ctx, err))}
	}
	ret, fault, perr := parseSOAP(body)
	switch {
	case fault != nil:
		te := &transportError{err: fault}
		if strings.Contains(fault.Detail, notLoggedInText) || strings.Contains(fault.String, notLoggedInText) {
			te.err = fmt.Errorf("%w: %w", ErrNotLoggedIn, fault)
			te.notSent, te.sessionLost = true, true
		} else if strings.Contains(fault.String, "NO_OCS_CONNECTION") {
			te.notSent = true
		}
		return nil, 0, te
	case resp.StatusCode != http.StatusOK:
		return nil, 0, &transportError{err: fmt.Errorf("ocip: soap endpoint answered %s", resp.Status),
			// 4xx (wrong path, refused) and 503 mean the request was not processed; other 5xx may have run.
			notSent: resp.StatusCode < 500 || resp.StatusCode == http.StatusServiceUnavailable}
	case perr != nil:
		return nil, 0, &transportError{err: perr}
	}
	return asUTF8Declared([]byte(ret)), 0, nil
}

// SOAPFault is a SOAP fault from the OCI-P web service (e.g. INVALID_REQUEST, NO_OCS_CONNECTION).
type SOAPFault struct {
	Code   string
	String string
	Detail string
}

func (f *SOAPFault) Error() string {
	msg := "ocip: soap fault " + f.Code + ": " + f.String
	if f.Detail != "" {
		msg += ": " + f.Detail
	}
	return msg
}

// parseSOAP returns the text of processOCIMessageReturn (matched by local name, any namespace) or the
// fault of a SOAP envelope.
func parseSOAP(body []byte) (string, *SOAPFault, error) {
	d := xml.NewDecoder(bytes.NewReader(body))
	d.CharsetReader = charsetReader
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return "", nil, errors.New("ocip: soap reply without processOCIMessageReturn")
		}
		if err != nil {
			return "", nil, fmt.Errorf("ocip: malformed soap reply: %w", err)
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch start.Name.Local {
		case "processOCIMessageReturn":
			var s string
			if err := d.DecodeElement(&s, &start); err != nil {
				return "", nil, fmt.Errorf("ocip: malformed soap reply: %w", err)
			}
			return s, nil, nil
		case "Fault":
			var f struct {
				Code   string `xml:"faultcode"`
				String string `xml:"faultstring"`
				Detail struct {
					Inner string `xml:",innerxml"`
				} `xml:"detail"`
			}
			if err := d.DecodeElement(&f, &start); err != nil {
				return "", nil, fmt.Errorf("ocip: malformed soap fault: %w", err)
			}
			return "", &SOAPFault{Code: strings.TrimSpace(f.Code), String: strings.TrimSpace(f.String), Detail: stripTags(f.Detail.Inner)}, nil
		}
	}
}

// stripTags returns the text of an XML fragment (a fault detail such as <string>...</string>).
func stripTags(frag string) string {
	d := xml.NewDecoder(strings.NewReader("<x>" + frag + "</x>"))
	var b strings.Builder
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		if cd, ok := tok.(xml.CharData); ok {
			b.Write(cd)
		}
	}
	return strings.TrimSpace(b.String())
}
