package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
)

// TransportKind names why a request got no answer from the API (TransportError.Kind).
type TransportKind string

// The kinds of TransportError. Refused connections, unknown hosts and TLS mismatches are final at
// once (no retry can heal them); timeouts and resets are retried first.
const (
	// KindConnectionRefused: nothing accepts connections on the endpoint's host and port. Final
	// on the first attempt unless the endpoint has answered this client before (then it is a
	// server restarting, and retried).
	KindConnectionRefused TransportKind = "connection refused"
	// KindUnknownHost: the endpoint's host name does not resolve (NXDOMAIN). Final.
	KindUnknownHost TransportKind = "unknown host"
	// KindTLSToPlainServer: https:// to a server that speaks plain HTTP. Final.
	KindTLSToPlainServer TransportKind = "https to a plain http server"
	// KindPlainToTLSServer: http:// to a server that speaks TLS (it answered 400 saying so). Final.
	KindPlainToTLSServer TransportKind = "plain http to a tls server"
	// KindTLS: the TLS handshake failed (certificate not trusted, wrong name, protocol). Final.
	KindTLS TransportKind = "tls handshake failed"
	// KindTimeout: no answer within the request timeout (or the call's deadline). Retried.
	KindTimeout TransportKind = "timeout"
	// KindConnection: any other connection error (reset, closed, DNS failure that may pass). Retried.
	KindConnection TransportKind = "connection error"
)

// TransportError is a call that got no usable HTTP answer from the endpoint: Kind says why, in a
// word, and Err is the last attempt's error (the cause). Its message names the method and the
// URL (without query) and what to check. Unwrap gives Err, so errors.Is(err,
// context.DeadlineExceeded) and errors.As(err, &*net.OpError) keep working.
type TransportError struct {
	Method   string // "GET"
	URL      string // scheme://host[:port]/path, never the query
	Kind     TransportKind
	Attempts int
	Err      error
}

// Error renders "get https://host/v1/...: connection refused: <what to check> (1 attempt: <cause>)".
func (e *TransportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %s", strings.ToLower(e.Method), e.URL, e.Kind)
	if h := e.hint(); h != "" {
		b.WriteString(": " + h)
	}
	switch {
	case e.Attempts > 1:
		fmt.Fprintf(&b, " (giving up after %d attempt(s): %v)", e.Attempts, e.Err)
	case e.Err != nil:
		fmt.Fprintf(&b, " (1 attempt, not retried: %v)", e.Err)
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *TransportError) Unwrap() error { return e.Err }

// hint says what to check, naming the host and port of the URL.
func (e *TransportError) hint() string {
	host := e.URL
	if u, err := url.Parse(e.URL); err == nil {
		host = u.Host
	}
	switch e.Kind {
	case KindConnectionRefused:
		return "nothing accepts connections on " + host + "; check the endpoint's host and port, and that the API is running"
	case KindUnknownHost:
		return "the host name in " + host + " does not resolve; check the endpoint's spelling"
	case KindTLSToPlainServer:
		return "the server on " + host + " speaks plain http, not https; check the endpoint's port (or scheme: plain http is allowed for loopback hosts only)"
	case KindPlainToTLSServer:
		return "the server on " + host + " speaks https; use https:// in the endpoint"
	case KindTLS:
		return "the TLS connection to " + host + " failed; check the endpoint's host name and the server's certificate"
	case KindTimeout:
		return "no answer from " + host + " in time; check the endpoint and the network (request_timeout bounds each attempt)"
	}
	return ""
}

// AsTransportError returns the *TransportError in err's chain, if any.
func AsTransportError(err error) (*TransportError, bool) {
	var te *TransportError
	if errors.As(err, &te) {
		return te, true
	}
	return nil, false
}

// transportKind classifies a transport error (one without an HTTP answer).
func transportKind(err error) TransportKind {
	var (
		dnsErr   *net.DNSError
		recErr   tls.RecordHeaderError
		alertErr tls.AlertError
		certErr  *tls.CertificateVerificationError
		unknCA   x509.UnknownAuthorityError
		hostErr  x509.HostnameError
		invCert  x509.CertificateInvalidError
		netErr   net.Error
	)
	switch {
	case errors.Is(err, http.ErrSchemeMismatch):
		return KindTLSToPlainServer
	case errors.As(err, &recErr):
		return KindTLSToPlainServer
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return KindUnknownHost
	case errors.Is(err, syscall.ECONNREFUSED):
		return KindConnectionRefused
	case errors.As(err, &certErr), errors.As(err, &unknCA), errors.As(err, &hostErr), errors.As(err, &invCert),
		errors.As(err, &alertErr):
		return KindTLS
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return KindTimeout
	}
	return KindConnection
}

// finalTransportError reports whether a transport error can never heal by retrying: an unknown
// host, a TLS mismatch or failure, or (when the endpoint never answered this client) a refused
// connection. Everything else (timeouts, resets, closed connections, a refusal from an endpoint
// that answered before, i.e. a server restarting) is worth a retry.
func finalTransportError(err error, answeredBefore bool) bool {
	switch transportKind(err) {
	case KindUnknownHost, KindTLSToPlainServer, KindTLS:
		return true
	case KindConnectionRefused:
		return !answeredBefore
	}
	return false
}

// redactedURL is u without query, fragment or credentials.
func redactedURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	cp := *u
	cp.RawQuery, cp.ForceQuery, cp.Fragment, cp.RawFragment, cp.User = "", false, "", "", nil
	return cp.String()
}

// ErrNotTheAPI matches (errors.Is) every *NotTheAPIError.
var ErrNotTheAPI = errors.New("the server is not the provisioning API")

// NotTheAPIError is an answer that the provisioning API never gives: a 4xx (but 429) without the
// API's error body (a JSON object with "code" and "message"), e.g. a JSON 404 of another service
// or an HTML page, or a 2xx whose body is not JSON where JSON was expected. The endpoint most
// likely points at another server (or at a proxy's page). It is not an *APIError: in particular
// it never matches ErrNotFound, so that no read takes an object for deleted because of it.
type NotTheAPIError struct {
	Method      string // "GET"
	URL         string // scheme://host[:port]/path, never the query
	Status      int
	ContentType string // the media type of the answer, e.g. "text/html"; "" without one
	Summary     string // the first line of the body (at most 200 bytes); "" when empty
}

// Error renders "get https://host/v1/...: the server answered 404 Not Found (application/json:
// {...}), which is not an answer of the provisioning API: check that the endpoint is the API's
// base URL".
func (e *NotTheAPIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: the server answered %d %s", strings.ToLower(e.Method), e.URL, e.Status, http.StatusText(e.Status))
	switch {
	case e.ContentType != "" && e.Summary != "":
		fmt.Fprintf(&b, " (%s: %s)", e.ContentType, e.Summary)
	case e.ContentType != "":
		fmt.Fprintf(&b, " (%s)", e.ContentType)
	case e.Summary != "":
		fmt.Fprintf(&b, " (%s)", e.Summary)
	default:
		b.WriteString(" with an empty body")
	}
	b.WriteString(", which is not an answer of the provisioning API: check that the endpoint is the API's base URL")
	return b.String()
}

// Is reports whether target is ErrNotTheAPI.
func (e *NotTheAPIError) Is(target error) bool { return target == ErrNotTheAPI }

// IsNotTheAPI reports whether err is (or wraps) a *NotTheAPIError.
func IsNotTheAPI(err error) bool { return errors.Is(err, ErrNotTheAPI) }

// AsNotTheAPIError returns the *NotTheAPIError in err's chain, if any.
func AsNotTheAPIError(err error) (*NotTheAPIError, bool) {
	var e *NotTheAPIError
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// isAPIErrorBody reports whether data is the API's error body: a JSON object whose "code" and
// "message" are strings and "code" is not empty (api/openapi.yaml, components.schemas.Error).
func isAPIErrorBody(data []byte) bool {
	var m map[string]json.RawMessage // member names match exactly, as on the wire
	if json.Unmarshal(data, &m) != nil {
		return false
	}
	var code, message string
	isString := func(raw json.RawMessage, into *string) bool {
		return len(raw) > 0 && raw[0] == '"' && json.Unmarshal(raw, into) == nil
	}
	return isString(m["code"], &code) && code != "" && isString(m["message"], &message)
}

// plainToTLSAnswer reports whether a 400 answer is a TLS server's complaint about a plain HTTP
// request (Go: "Client sent an HTTP request to an HTTPS server."; nginx: "The plain HTTP request
// was sent to HTTPS port").
func plainToTLSAnswer(status int, data []byte) bool {
	if status != http.StatusBadRequest {
		return false
	}
	s := strings.ToLower(string(data))
	return strings.Contains(s, "http request to an https server") || strings.Contains(s, "plain http request was sent to https port")
}

// classifyErrorAnswer reads the body of a non-2xx answer and returns a *TransportError (plain
// http to a TLS server) or a *NotTheAPIError when the answer is not the API's, else nil; resp's
// body is replaced with what was read so that the API error can still be parsed from it.
func classifyErrorAnswer(req *http.Request, resp *http.Response) error {
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBytes))
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(data), resp.Body), resp.Body} // closing it closes the connection's body
	u := redactedURL(req.URL)
	switch {
	case plainToTLSAnswer(resp.StatusCode, data):
		return &TransportError{Method: req.Method, URL: u, Kind: KindPlainToTLSServer, Attempts: 1,
			Err: fmt.Errorf("the server answered %d: %s", resp.StatusCode, summarize(data))}
	case resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests && !isAPIErrorBody(data):
		return notTheAPI(req, resp, data)
	}
	return nil
}

// notTheAPI builds the *NotTheAPIError of an answer.
func notTheAPI(req *http.Request, resp *http.Response, data []byte) *NotTheAPIError {
	ct := resp.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err == nil {
		ct = mt
	}
	return &NotTheAPIError{Method: req.Method, URL: redactedURL(req.URL), Status: resp.StatusCode,
		ContentType: ct, Summary: summarize(data)}
}

// notJSONAnswer reports whether a 2xx body that failed to decode as JSON is not JSON at all (an
// HTML page, say), rather than JSON of an unexpected shape.
func notJSONAnswer(data []byte) bool {
	t := bytes.TrimSpace(data)
	return len(t) > 0 && t[0] != '{' && t[0] != '[' && !json.Valid(t)
}

// redactAnswer replaces the token wherever a server echoed it in an answer's summary.
func redactAnswer(err error, token string) {
	if token == "" {
		return
	}
	if e, ok := AsNotTheAPIError(err); ok {
		e.Summary = strings.ReplaceAll(e.Summary, token, "***")
	}
	if e, ok := AsTransportError(err); ok && e.Err != nil && strings.Contains(e.Err.Error(), token) {
		e.Err = errors.New(strings.ReplaceAll(e.Err.Error(), token, "***"))
	}
}
