// Package webexspec checks HTTP traffic against Cisco's published Webex OpenAPI specifications,
// the copies in the repository at api/specs/webex (webex-broadworks.json, webex-wholesale.json,
// webex-admin.json and calling/*.yml). It is the Webex counterpart of internal/apispec: the
// emulator's tests (internal/sandbox), the Webex client's tests and the acceptance tests install
// Middleware (or call Check) so that neither the emulator nor the client can drift from what
// Webex publishes.
//
// The specs describe paths without the version prefix (their server is https://webexapis.com/v1);
// the checker strips BasePath ("/v1") from a request path before it looks the operation up, so a
// client configured with base_url http://127.0.0.1:PORT/v1 is checked as it would be against
// webexapis.com.
//
// What is checked:
//   - the request (path, query, headers, body) against its operation; an operation that no spec
//     has is a mismatch unless it is one of Unspecified (public operations Cisco has not put in
//     these specs, e.g. the OAuth token endpoint);
//   - the response status (a status below 500 must be listed by the operation) and body against
//     the operation's response schema;
//   - every error response (4xx, 5xx) has the Webex error body {"message", "errors":
//     [{"description"}], "trackingId"}, with the trackingId of the TrackingID response header
//     when one is set, and a 429 has Retry-After. The specs list error statuses without a body
//     schema; this is the ErrorResponse schema of webex-admin.json made a rule.
//
// Unlike api/openapi.yaml, Cisco's object schemas are left open (they omit fields that the real
// service answers, e.g. EnterpriseListResponse has no items), so extra fields are not mismatches.
package webexspec

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// BasePath is the path prefix of the Webex APIs (https://webexapis.com/v1): stripped from a
// request path before the operation is looked up in the specs.
const BasePath = "/v1"

// SpecFiles are the spec files that Load reads, relative to api/specs/webex, in lookup order:
// the first spec with an operation for a request decides.
var SpecFiles = []string{
	"webex-broadworks.json",
	"webex-wholesale.json",
	"webex-admin.json",
	"calling/webex-people-api-openapi.yml",
	"calling/webex-locations-api-openapi.yml",
	"calling/webex-numbers-api-openapi.yml",
	"calling/webex-user-call-settings-1-2-api-openapi.yml",
	"calling/webex-user-call-settings-2-2-api-openapi.yml",
	"calling/webex-emergency-services-settings-api-openapi.yml",
	"calling/webex-location-call-settings-api-openapi.yml",
}

// Unspecified are operations ("METHOD /path" without BasePath, {name} for a path segment) that
// Webex serves but none of the specs in the repository describes. Their requests are not
// validated; their error responses must still be Webex error bodies.
//   - POST /access_token: the OAuth 2.0 token endpoint (developer.webex.com "Integrations",
//     RFC 6749 section 6: grant_type=refresh_token form).
//   - POST /telephony/pstn/locations/{locationId}/emergencyAddress/lookup and
//     PUT /telephony/pstn/numbers/{phoneNumber}/emergencyAddress: the emergency address API of
//     Webex Calling (shapes from the public wxc_sdk emergency_address module).
//   - GET /telephony/config/people/{personId}/numbers: the emulator's read of what PUT on the
//     same path writes (the specs read a person's numbers at /people/{personId}/features/numbers,
//     which the emulator serves too).
var Unspecified = []string{
	"POST /access_token",
	"GET /telephony/config/people/{personId}/numbers",
	"POST /telephony/pstn/locations/{locationId}/emergencyAddress/lookup",
	"PUT /telephony/pstn/numbers/{phoneNumber}/emergencyAddress",
}

// Mode says what a test's traffic is allowed to be (as in internal/apispec).
type Mode int

const (
	// Conforming traffic comes from a client: every request must be an operation of a spec (or
	// Unspecified) and valid for it.
	Conforming Mode = iota + 1
	// Probing traffic comes from tests that send bad requests on purpose: a request that the spec
	// does not allow must be refused with a 4xx (or a fault's 5xx or reset).
	Probing
)

type spec struct {
	name   string
	doc    *openapi3.T
	router routers.Router
}

// Contract is the loaded specs with a router over each.
type Contract struct {
	specs []spec
}

var (
	loadOnce sync.Once
	loaded   *Contract
	loadErr  error
)

// Load reads SpecFiles from the repository's api/specs/webex (once per process).
func Load() (*Contract, error) {
	loadOnce.Do(func() {
		dir, err := SpecDir()
		if err != nil {
			loadErr = err
			return
		}
		loaded, loadErr = LoadDir(dir)
	})
	return loaded, loadErr
}

// SpecDir finds api/specs/webex: next to this source file in the repository, else above the
// working directory (a test runs in its package's directory).
func SpecDir() (string, error) {
	const rel = "api/specs/webex"
	if _, file, _, ok := runtime.Caller(0); ok {
		dir := filepath.Join(filepath.Dir(file), "..", "..", rel)
		if st, err := os.Stat(dir); err == nil && st.IsDir() {
			return dir, nil
		}
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find %s: %w", rel, err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		dir := filepath.Join(d, rel)
		if st, err := os.Stat(dir); err == nil && st.IsDir() {
			return dir, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("find %s above %s: not found", rel, wd)
		}
	}
}

// LoadDir reads SpecFiles from dir. The specs are not validated as documents (Cisco's have
// examples that do not match their schemas); they only need to parse and route.
func LoadDir(dir string) (*Contract, error) {
	c := &Contract{}
	for _, name := range SpecFiles {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			return nil, fmt.Errorf("read webex spec: %w", err)
		}
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(b)
		if err != nil {
			return nil, fmt.Errorf("parse webex spec %s: %w", name, err)
		}
		doc.Servers = nil // paths are matched after BasePath is stripped, on any host
		relax(name, doc)
		router, err := gorillamux.NewRouter(doc)
		if err != nil {
			return nil, fmt.Errorf("route webex spec %s: %w", name, err)
		}
		c.specs = append(c.specs, spec{name: name, doc: doc, router: router})
	}
	return c, nil
}

// relax fixes the specs where a schema contradicts its own description (each fix says why):
//   - webex-broadworks.json GET /broadworks/subscribers status: "This Parameter supports
//     multiple comma separated values", but the schema is a single enum value: the enum goes.
func relax(name string, doc *openapi3.T) {
	if name != "webex-broadworks.json" {
		return
	}
	if item := doc.Paths.Value("/broadworks/subscribers"); item != nil && item.Get != nil {
		for _, p := range item.Get.Parameters {
			if p.Value != nil && p.Value.Name == "status" && p.Value.Schema != nil && p.Value.Schema.Value != nil {
				s := *p.Value.Schema.Value
				s.Enum = nil
				p.Value.Schema = openapi3.NewSchemaRef("", &s)
			}
		}
	}
}

// Covers reports whether the request is Webex traffic: its path is under BasePath and an
// operation of a spec or of Unspecified matches it (any method).
func (c *Contract) Covers(r *http.Request) bool {
	p, ok := stripBase(r.URL.Path)
	if !ok {
		return false
	}
	if _, ok := unspecified(r.Method, p, true); ok {
		return true
	}
	for _, s := range c.specs {
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch} {
			if _, _, err := s.router.FindRoute(rewrite(r, m, p)); err == nil {
				return true
			}
		}
	}
	return false
}

func stripBase(path string) (string, bool) {
	rest, ok := strings.CutPrefix(path, BasePath)
	if !ok || !strings.HasPrefix(rest, "/") {
		return "", false
	}
	return rest, true
}

// rewrite is r for the router: method m, path p (BasePath stripped), no host.
func rewrite(r *http.Request, m, p string) *http.Request {
	c := r.Clone(r.Context())
	c.Method = m
	u := *r.URL
	u.Path, u.RawPath = p, ""
	u.Scheme, u.Host = "", ""
	c.URL = &u
	c.Host = ""
	c.RequestURI = ""
	return c
}

// unspecified matches path (BasePath stripped) against Unspecified; anyMethod ignores the method.
func unspecified(method, path string, anyMethod bool) (string, bool) {
	for _, op := range Unspecified {
		m, pat, _ := strings.Cut(op, " ")
		if (anyMethod || m == method) && pathMatches(pat, path) {
			return op, true
		}
	}
	return "", false
}

func pathMatches(pattern, path string) bool {
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(xs) {
		return false
	}
	for i := range ps {
		if strings.HasPrefix(ps[i], "{") {
			if xs[i] == "" {
				return false
			}
			continue
		}
		if ps[i] != xs[i] {
			return false
		}
	}
	return true
}

// Check validates one exchange: the request (with its body) and the response the server gave
// (status, header, body; hijacked = the connection was reset and there is no response). It
// returns nil when the exchange is what the specs allow in mode.
func (c *Contract) Check(mode Mode, req *http.Request, reqBody []byte, status int, header http.Header, respBody []byte, hijacked bool) error {
	p, ok := stripBase(req.URL.Path)
	if !ok {
		return fmt.Errorf("%s %s is not under the webex base path %s", req.Method, req.URL.Path, BasePath)
	}
	if !hijacked && status >= 400 {
		if err := checkErrorBody(status, header, respBody); err != nil {
			return fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, err)
		}
	}
	if op, ok := unspecified(req.Method, p, false); ok {
		_ = op // not in any spec: the error body rule above is all there is to check
		return nil
	}
	rr := rewrite(req, req.Method, p)
	var route *routers.Route
	var params map[string]string
	var specName string
	for _, s := range c.specs {
		rt, ps, err := s.router.FindRoute(rr)
		if err == nil {
			route, params, specName = rt, ps, s.name
			break
		}
	}
	if route == nil {
		refused := status == http.StatusNotFound || status == http.StatusMethodNotAllowed
		if mode == Probing && !hijacked && refused {
			return nil
		}
		return fmt.Errorf("%s %s is not an operation of the webex specs (%s)", req.Method, req.URL.Path, answer(status, hijacked))
	}
	name := req.Method + " " + route.Path + " (" + specName + ")"
	opts := &openapi3filter.Options{
		IncludeResponseStatus: true,
		SkipSettingDefaults:   true,
		MultiError:            true,
		AuthenticationFunc:    bearerPresent,
		// Reasons only: values may be passcodes or tokens.
		SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.DisableSchemaErrorDetails()},
	}
	rr.Body = io.NopCloser(bytes.NewReader(reqBody))
	in := &openapi3filter.RequestValidationInput{Request: rr, PathParams: params, Route: route, Options: opts}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		if mode == Conforming || (!hijacked && status < 400) {
			return fmt.Errorf("%s: the request does not match the webex spec (%s): %w", name, answer(status, hijacked), err)
		}
	}
	if hijacked {
		return nil
	}
	if status < 500 && route.Operation.Responses.Status(status) == nil && route.Operation.Responses.Default() == nil {
		return fmt.Errorf("%s: status %d is not a response of the operation; body %s", name, status, abbreviate(respBody))
	}
	if status >= 400 {
		return nil // error bodies: checkErrorBody above (the specs give them no schema)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: status, Header: header, Options: opts}
	out.SetBodyBytes(respBody)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		return fmt.Errorf("%s: the %d response does not match the webex spec: %w; body %s", name, status, err, abbreviate(respBody))
	}
	return nil
}

// checkErrorBody enforces the Webex error body (webex-admin.json ErrorResponse) on an error
// response, and Retry-After on a 429.
func checkErrorBody(status int, header http.Header, body []byte) error {
	if status == http.StatusTooManyRequests && header.Get("Retry-After") == "" {
		return errors.New("429 without Retry-After")
	}
	var e struct {
		Message *string `json:"message"`
		Errors  []struct {
			Description *string `json:"description"`
		} `json:"errors"`
		TrackingID *string `json:"trackingId"`
	}
	if err := json.Unmarshal(body, &e); err != nil {
		return fmt.Errorf("the %d response is not a webex error body: %w; body %s", status, err, abbreviate(body))
	}
	switch {
	case e.Message == nil:
		return fmt.Errorf("the %d error body has no message; body %s", status, abbreviate(body))
	case e.Errors == nil:
		return fmt.Errorf("the %d error body has no errors array; body %s", status, abbreviate(body))
	case e.TrackingID == nil || *e.TrackingID == "":
		return fmt.Errorf("the %d error body has no trackingId; body %s", status, abbreviate(body))
	}
	for i, d := range e.Errors {
		if d.Description == nil {
			return fmt.Errorf("the %d error body's errors[%d] has no description; body %s", status, i, abbreviate(body))
		}
	}
	if h := header.Get("TrackingID"); h != "" && h != *e.TrackingID {
		return fmt.Errorf("the %d error body's trackingId %q is not the TrackingID header %q", status, *e.TrackingID, h)
	}
	return nil
}

func answer(status int, hijacked bool) string {
	if hijacked {
		return "connection reset"
	}
	return fmt.Sprintf("answered %d", status)
}

// bearerPresent accepts any operation security when an Authorization bearer token is present
// (whether the server knows the token is its own business).
func bearerPresent(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	scheme, token, _ := strings.Cut(in.RequestValidationInput.Request.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return errors.New("no bearer token")
	}
	return nil
}

func abbreviate(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

// Operations lists "METHOD /path" of every operation of the loaded specs (BasePath not
// included), sorted; for tests that check a server's routes against the specs.
func (c *Contract) Operations() []string {
	var ops []string
	for _, s := range c.specs {
		for _, p := range s.doc.Paths.InMatchingOrder() {
			for m := range s.doc.Paths.Value(p).Operations() {
				ops = append(ops, m+" "+p)
			}
		}
	}
	ops = append(ops, Unspecified...)
	slices.Sort(ops)
	return slices.Compact(ops)
}

// HasOperation reports whether method and path (a route pattern without BasePath, {name}
// segments) is an operation of a spec or of Unspecified. Parameter names are not compared.
func (c *Contract) HasOperation(method, path string) bool {
	for _, op := range c.Operations() {
		m, p, _ := strings.Cut(op, " ")
		if m == method && samePattern(p, path) {
			return true
		}
	}
	return false
}

func samePattern(a, b string) bool {
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	if len(as) != len(bs) {
		return false
	}
	for i := range as {
		ap, bp := strings.HasPrefix(as[i], "{"), strings.HasPrefix(bs[i], "{")
		if ap != bp || (!ap && as[i] != bs[i]) {
			return false
		}
	}
	return true
}

// Middleware returns an HTTP middleware that checks every exchange that Covers matches with
// Check and fails tb on a mismatch; other requests go to other (nil = straight through,
// unchecked). The response is buffered and then passed on unchanged. A sandbox test that also
// speaks the reference contract passes apispec.Middleware(t, apispec.Probing) as other.
func Middleware(tb testing.TB, mode Mode, other func(http.Handler) http.Handler) func(http.Handler) http.Handler {
	tb.Helper()
	c, err := Load()
	if err != nil {
		tb.Fatalf("webex contract: %v", err)
	}
	return func(next http.Handler) http.Handler {
		rest := next
		if other != nil {
			rest = other(next)
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !c.Covers(r) {
				rest.ServeHTTP(w, r)
				return
			}
			reqBody, err := readBody(r)
			if err != nil {
				http.Error(w, "read request body: "+err.Error(), http.StatusBadRequest)
				return
			}
			rec := &recorder{w: w, header: http.Header{}}
			next.ServeHTTP(rec, r)
			if !rec.hijacked {
				rec.flush()
			}
			if err := c.Check(mode, r, reqBody, rec.code(), rec.header, rec.body.Bytes(), rec.hijacked); err != nil {
				tb.Errorf("webex contract: %v", err)
			}
		})
	}
}

// readBody reads the request body and puts an unread copy back.
func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	b, err := io.ReadAll(r.Body)
	if cerr := r.Body.Close(); err == nil {
		err = cerr
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	return b, err
}

// recorder buffers a response so that it can be validated, then writes it to w. A handler that
// hijacks the connection (a connection-reset fault) reaches w through Hijack.
type recorder struct {
	w        http.ResponseWriter
	header   http.Header
	status   int
	body     bytes.Buffer
	hijacked bool
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}

func (r *recorder) code() int {
	if r.status == 0 {
		return http.StatusOK
	}
	return r.status
}

// Hijack hands the real connection over (a connection-reset fault): there is no response then.
func (r *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := http.NewResponseController(r.w).Hijack()
	if err == nil {
		r.hijacked = true
	}
	return conn, rw, err
}

func (r *recorder) flush() {
	dst := r.w.Header()
	for k, v := range r.header {
		dst[k] = v
	}
	r.w.WriteHeader(r.code())
	_, _ = r.w.Write(r.body.Bytes())
}
