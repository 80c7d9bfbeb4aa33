// Package webexspec checks HTTP traffic against Cisco's published Webex OpenAPI specifications,
// the copies in the repository at api/specs/webex (webex-broadworks.json, webex-wholesale.json,
// webex-admin.json and calling/*.yml), with kin-openapi. It is the Webex counterpart of
// internal/apispec and the one Webex contract checker of the repository: the emulator's tests
// (internal/sandbox), the Webex client's tests (internal/webex), the platform tests and the
// acceptance tests (internal/acctest) install Middleware (or call Check) so that neither the
// emulator nor the client can drift from what Webex publishes. It is test-only code, part of
// neither side: it imports neither the emulator nor the client.
//
// The specs describe paths without the version prefix (their server is https://webexapis.com/v1);
// the checker strips BasePath ("/v1") from a request path before it looks the operation up, so a
// client configured with base_url http://127.0.0.1:PORT/v1 is checked as it would be against
// webexapis.com.
//
// What is checked:
//   - the request (path, query, headers, body) against its operation; an operation that no spec
//     has is a mismatch unless it is one of Unspecified (public operations Cisco has not put in
//     these specs, e.g. the OAuth token endpoint); every operation of the specs needs a bearer
//     token, whether or not it declares security;
//   - the response status (a status below 500 must be listed by the operation) and body against
//     the operation's response schema;
//   - every error response (4xx, 5xx) has the Webex error body {"message", "errors":
//     [{"description"}], "trackingId"}, with the trackingId of the TrackingID response header
//     when one is set, and a 429 has Retry-After. The specs list error statuses without a body
//     schema; this is the ErrorResponse schema of webex-admin.json made a rule.
//
// Object schemas are closed for validation (an object schema with properties and no
// additionalProperties may carry no other field; allOf of plain objects is flattened first), so a
// field that a client sends or a server answers must be in the spec under that name. Where a spec
// contradicts itself (its own description or examples) the schema is corrected first: Errata
// lists each correction with its reason, and Load fails when one no longer applies.
package webexspec

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/ucprov/terraform-provider-ucprov/internal/oasclose"
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
// Webex serves but none of the specs in the repository describes, each with where its shape
// comes from. Their requests and answers are not validated (their tests assert the bodies); their
// error responses must still be Webex error bodies.
var Unspecified = map[string]string{
	"POST /access_token": "the OAuth 2.0 token endpoint (developer.webex.com Integrations; RFC 6749 section 6, " +
		"grant_type=refresh_token form)",
	"GET /telephony/config/people/{personId}/numbers": "the emulator's read of what PUT on the same path writes " +
		"(the specs read a person's numbers at /people/{personId}/features/numbers, which the emulator serves too)",
	"POST /telephony/pstn/locations/{locationId}/emergencyAddress/lookup": "Webex Calling emergency address lookup " +
		"(developer.webex.com; shapes from the public wxc_sdk emergency_address module)",
	"PUT /telephony/pstn/numbers/{phoneNumber}/emergencyAddress": "Webex Calling number emergency address " +
		"(developer.webex.com; shapes from the public wxc_sdk emergency_address module)",
}

// Errata are the corrections applied to the specs before checking, each with its reason. Load
// fails when the spec no longer has the defect (the erratum is then to be removed).
var Errata = []string{
	"webex-broadworks.json GET /broadworks/subscribers status: \"This Parameter supports multiple comma separated " +
		"values\", but the schema is a single enum value; the enum is dropped",
	"webex-broadworks.json EnterpriseListResponse: the schema describes one enterprise while the operation's example " +
		"and Webex's list convention answer {items:[…]}; the schema is wrapped as items of a list",
	"calling/webex-locations-api-openapi.yml Location: the split file's schema keeps only id and name, while its own examples " +
		"(and PostCommonLocationObject) carry orgId, address, timeZone, preferredLanguage, announcementLanguage, latitude, " +
		"longitude and notes; those properties are added with the types of PostCommonLocationObject (the address without " +
		"the POST's required list: what a create must send says nothing of what a read answers, e.g. no state in France)",
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

// LoadDir reads SpecFiles from dir, applies Errata and closes the object schemas. The specs are
// not validated as documents (Cisco's have examples that do not match their schemas); they only
// need to parse and route.
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
		if err := applyErrata(name, doc); err != nil {
			return nil, err
		}
		oasclose.CloseObjectSchemas(doc)
		router, err := gorillamux.NewRouter(doc)
		if err != nil {
			return nil, fmt.Errorf("route webex spec %s: %w", name, err)
		}
		c.specs = append(c.specs, spec{name: name, doc: doc, router: router})
	}
	return c, nil
}

// applyErrata applies the Errata of spec name to doc.
func applyErrata(name string, doc *openapi3.T) error {
	switch name {
	case "webex-broadworks.json":
		item := doc.Paths.Value("/broadworks/subscribers")
		relaxed := false
		if item != nil && item.Get != nil {
			for _, p := range item.Get.Parameters {
				if p.Value != nil && p.Value.Name == "status" && p.Value.Schema != nil && p.Value.Schema.Value != nil &&
					len(p.Value.Schema.Value.Enum) > 0 {
					s := *p.Value.Schema.Value
					s.Enum = nil
					p.Value.Schema = openapi3.NewSchemaRef("", &s)
					relaxed = true
				}
			}
		}
		if !relaxed {
			return fmt.Errorf("%s: erratum GET /broadworks/subscribers status no longer applies; review Errata", name)
		}
		ref, ok := doc.Components.Schemas["EnterpriseListResponse"]
		if !ok || ref.Value == nil || ref.Value.Properties["items"] != nil {
			return fmt.Errorf("%s: erratum EnterpriseListResponse no longer applies; review Errata", name)
		}
		// In place: the operations' refs point at this very schema.
		one := *ref.Value
		list := openapi3.NewObjectSchema()
		list.Properties = openapi3.Schemas{"items": openapi3.NewArraySchema().WithItems(&one).NewRef()}
		*ref.Value = *list
	case "calling/webex-locations-api-openapi.yml":
		ref, ok := doc.Components.Schemas["Location"]
		post, ok2 := doc.Components.Schemas["PostCommonLocationObject"]
		if !ok || !ok2 || ref.Value == nil || post.Value == nil || ref.Value.Properties["address"] != nil {
			return fmt.Errorf("%s: erratum Location no longer applies; review Errata", name)
		}
		for _, p := range []string{"timeZone", "preferredLanguage", "announcementLanguage", "address", "latitude", "longitude", "notes"} {
			prop, ok := post.Value.Properties[p]
			if !ok || prop.Value == nil {
				return fmt.Errorf("%s: erratum Location: PostCommonLocationObject lacks %s", name, p)
			}
			if p == "address" {
				addr := *prop.Value // a copy: the POST keeps its required list
				addr.Required = nil
				prop = openapi3.NewSchemaRef("", &addr)
			}
			ref.Value.Properties[p] = prop
		}
		ref.Value.Properties["orgId"] = openapi3.NewStringSchema().NewRef()
	}
	return nil
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
	for op := range Unspecified {
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

// Route returns the operation ("METHOD /template", BasePath not included) that req is for and
// the spec file that has it ("" for one of Unspecified); ok false when neither has it.
func (c *Contract) Route(req *http.Request) (op, file string, ok bool) {
	p, under := stripBase(req.URL.Path)
	if !under {
		return "", "", false
	}
	if op, ok := unspecified(req.Method, p, false); ok {
		return op, "", true
	}
	rr := rewrite(req, req.Method, p)
	for _, s := range c.specs {
		if route, _, err := s.router.FindRoute(rr); err == nil {
			return req.Method + " " + route.Path, s.name, true
		}
	}
	return "", "", false
}

// Check validates one exchange: the request (with its body) and the response the server gave
// (status, header, body; hijacked = the connection was reset and there is no response). It
// returns nil when the exchange is what the specs allow in mode.
func (c *Contract) Check(mode Mode, req *http.Request, reqBody []byte, status int, header http.Header, respBody []byte, hijacked bool) error {
	return c.check(mode, req, reqBody, status, header, respBody, hijacked, true)
}

// CheckAnyErrorBody is Check without the Webex error body rule (see AnyErrorBody).
func (c *Contract) CheckAnyErrorBody(mode Mode, req *http.Request, reqBody []byte, status int, header http.Header, respBody []byte, hijacked bool) error {
	return c.check(mode, req, reqBody, status, header, respBody, hijacked, false)
}

func (c *Contract) check(mode Mode, req *http.Request, reqBody []byte, status int, header http.Header, respBody []byte, hijacked, errorBodies bool) error {
	p, ok := stripBase(req.URL.Path)
	if !ok {
		return fmt.Errorf("%s %s is not under the webex base path %s", req.Method, req.URL.Path, BasePath)
	}
	if errorBodies && !hijacked && status >= 400 {
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
	// Every Webex API needs a bearer token, whether or not the operation declares security.
	reqErr := checkBearer(req.Header.Get("Authorization"))
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		reqErr = errors.Join(reqErr, err)
	}
	if reqErr != nil {
		if mode == Conforming || (!hijacked && status < 400) {
			return fmt.Errorf("%s: the request does not match the webex spec (%s): %w", name, answer(status, hijacked), reqErr)
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
	return checkBearer(in.RequestValidationInput.Request.Header.Get("Authorization"))
}

func checkBearer(header string) error {
	scheme, token, _ := strings.Cut(header, " ")
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
	for op := range Unspecified {
		ops = append(ops, op)
	}
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

// Option adjusts Middleware.
type Option func(*options)

type options struct {
	rec          *Recorder
	anyErrorBody bool
}

// Record makes Middleware count the operations it checks in rec (for coverage assertions).
func Record(rec *Recorder) Option {
	return func(o *options) { o.rec = rec }
}

// AnyErrorBody lets error responses (4xx, 5xx) carry any body: the Webex error body rule of
// Check is not applied (their status is still checked). It is for a client's test servers, which
// answer on purpose what else reaches a client: an empty body from a gateway, the Webex Calling
// APIs' {"error": {"key", "message": [...]}} body, a body without errors. Requests and success
// responses are checked as always. The emulator's tests never use it.
func AnyErrorBody() Option {
	return func(o *options) { o.anyErrorBody = true }
}

// Middleware returns an HTTP middleware that checks every exchange that Covers matches with
// Check and fails tb on a mismatch; other requests go to other. With other nil every request is
// taken for Webex traffic: one that Covers does not match fails tb as no operation of the specs
// (a client's test server, a platform test). The response is buffered and then passed on
// unchanged. A sandbox test that also speaks the reference contract passes
// apispec.Middleware(t, apispec.Probing) as other; a client test passes Record to assert which
// operations its tests exercised.
func Middleware(tb testing.TB, mode Mode, other func(http.Handler) http.Handler, opts ...Option) func(http.Handler) http.Handler {
	tb.Helper()
	c, err := Load()
	if err != nil {
		tb.Fatalf("webex contract: %v", err)
	}
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	return func(next http.Handler) http.Handler {
		rest := next
		if other != nil {
			rest = other(next)
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if other != nil && !c.Covers(r) {
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
			if op, _, ok := c.Route(r); ok {
				o.rec.add(op)
			}
			check := c.Check
			if o.anyErrorBody {
				check = c.CheckAnyErrorBody
			}
			if err := check(mode, r, reqBody, rec.code(), rec.header, rec.body.Bytes(), rec.hijacked); err != nil {
				tb.Errorf("webex contract: %v", err)
			}
		})
	}
}

// Recorder collects the operations a Middleware checked, for coverage assertions. The zero
// value is ready; it is safe for concurrent use.
type Recorder struct {
	mu  sync.Mutex
	ops map[string]int
}

// Seen returns how many checked exchanges each operation ("METHOD /template") had.
func (r *Recorder) Seen() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]int, len(r.ops))
	for k, v := range r.ops {
		out[k] = v
	}
	return out
}

func (r *Recorder) add(op string) {
	if r == nil || op == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ops == nil {
		r.ops = map[string]int{}
	}
	r.ops[op]++
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
