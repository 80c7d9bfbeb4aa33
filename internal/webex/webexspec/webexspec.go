// Package webexspec checks Webex traffic against Cisco's published OpenAPI specifications (the
// in-repo copies in api/specs/webex and api/specs/webex/calling) with kin-openapi, in tests:
// Middleware wraps a test server's handler, validates every request the client sends and every
// response the test server gives, and fails the test with the route and the reason on a mismatch.
//
// The specs' paths have no version prefix; requests are matched with the base path (/v1) cut off.
// For validation, object schemas are closed (an object with properties and no
// additionalProperties may carry no other field), so that a field the client sends, or a test
// server answers, must be in the spec under that name. A few known defects of the specs are
// corrected first (Errata), and the few calls the client makes that no in-repo spec describes
// are listed with their source (Uncovered); everything else must be an operation of a spec.
package webexspec

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
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

// Files are the spec files checked, relative to api/specs/webex, in matching order (the first
// spec with a route for a request is the one it is checked against).
var Files = []string{
	"webex-broadworks.json",
	"webex-wholesale.json",
	"webex-admin.json",
	"calling/webex-user-call-settings-2-2-api-openapi.yml",
	"calling/webex-user-call-settings-1-2-api-openapi.yml",
	"calling/webex-numbers-api-openapi.yml",
	"calling/webex-locations-api-openapi.yml",
	"calling/webex-emergency-services-settings-api-openapi.yml",
	"calling/webex-location-call-settings-api-openapi.yml",
}

// Uncovered are the calls the client makes that no in-repo spec describes, with where their
// shape comes from. Check accepts them without validation (their tests assert the bodies).
var Uncovered = map[string]string{
	"POST /access_token": "the OAuth token endpoint (form-encoded; Webex's integration guide)",
	"POST /telephony/pstn/locations/{locationId}/emergencyAddress/lookup": "Webex Calling emergency address lookup (developer.webex.com; not in the api-evangelist split)",
	"PUT /telephony/pstn/numbers/{phoneNumber}/emergencyAddress":          "Webex Calling number emergency address (developer.webex.com; not in the api-evangelist split)",
}

// Errata are the corrections applied to the specs before checking, each with its reason.
var Errata = []string{
	"webex-broadworks.json EnterpriseListResponse: the schema describes one enterprise while the operation's example " +
		"and Webex's list convention answer {items:[…]}; the schema is wrapped as items of a list",
	"calling/webex-locations-api-openapi.yml Location: the split file's schema keeps only id and name, while its own examples " +
		"(and PostCommonLocationObject) carry orgId, address, timeZone, preferredLanguage, announcementLanguage, latitude, " +
		"longitude and notes; those properties are added with the types of PostCommonLocationObject",
}

// Contract is the loaded set of specs.
type Contract struct {
	specs []*spec
}

type spec struct {
	name   string
	doc    *openapi3.T
	router routers.Router
}

var (
	loadOnce sync.Once
	loaded   *Contract
	loadErr  error
)

// Load parses the spec files (once per process), applies the errata, closes object schemas and
// builds the routers.
func Load() (*Contract, error) {
	loadOnce.Do(func() { loaded, loadErr = load() })
	return loaded, loadErr
}

// SpecDir returns the directory api/specs/webex of this repository.
func SpecDir() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", errors.New("cannot locate the webexspec source file")
	}
	dir := filepath.Dir(file)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "api", "specs", "webex"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("cannot find the repository root (go.mod) above " + filepath.Dir(file))
		}
		dir = parent
	}
}

func load() (*Contract, error) {
	dir, err := SpecDir()
	if err != nil {
		return nil, err
	}
	c := &Contract{}
	for _, name := range Files {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			return nil, fmt.Errorf("read spec: %w", err)
		}
		s, err := parse(name, data)
		if err != nil {
			return nil, err
		}
		c.specs = append(c.specs, s)
	}
	return c, nil
}

func parse(name string, data []byte) (*spec, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", name, err)
	}
	if err := applyErrata(name, doc); err != nil {
		return nil, err
	}
	closeObjectSchemas(doc)
	doc.Servers = nil // match any host; the base path is cut off before routing
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("route %s: %w", name, err)
	}
	return &spec{name: name, doc: doc, router: router}, nil
}

func strSchema() *openapi3.SchemaRef { return openapi3.NewStringSchema().NewRef() }

func applyErrata(name string, doc *openapi3.T) error {
	switch name {
	case "webex-broadworks.json":
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
			if !ok {
				return fmt.Errorf("%s: erratum Location: PostCommonLocationObject lacks %s", name, p)
			}
			ref.Value.Properties[p] = prop
		}
		ref.Value.Properties["orgId"] = strSchema()
	}
	return nil
}

// Route returns "METHOD /template" of the operation req is for (base path cut off) and the spec
// file it is in; ok false when no spec has it.
func (c *Contract) Route(req *http.Request) (op, file string, ok bool) {
	r := stripBase(req)
	for _, s := range c.specs {
		if route, _, err := s.router.FindRoute(r); err == nil {
			return req.Method + " " + route.Path, s.name, true
		}
	}
	return "", "", false
}

var versionPrefix = regexp.MustCompile(`^/v\d+(/|$)`)

// stripBase returns a shallow copy of req whose URL path has the /v1 prefix cut off.
func stripBase(req *http.Request) *http.Request {
	r := req.Clone(req.Context())
	if loc := versionPrefix.FindStringIndex(r.URL.Path); loc != nil {
		r.URL.Path = "/" + strings.TrimPrefix(r.URL.Path[loc[1]-1:], "/")
		r.URL.RawPath = ""
	}
	return r
}

// uncoveredMatch reports whether req is one of the Uncovered calls.
func uncoveredMatch(req *http.Request) (string, bool) {
	path := stripBase(req).URL.Path
	for key := range Uncovered {
		method, tmpl, _ := strings.Cut(key, " ")
		if method != req.Method {
			continue
		}
		re := "^" + regexp.MustCompile(`\\\{[^}]*\\\}`).ReplaceAllString(regexp.QuoteMeta(tmpl), `[^/]+`) + "$"
		if regexp.MustCompile(re).MatchString(path) {
			return key, true
		}
	}
	return "", false
}

// Check validates one exchange: the request with its body, and the response (status, header,
// body). It returns nil when both are what the spec allows; a call listed in Uncovered passes
// unchecked.
func (c *Contract) Check(req *http.Request, reqBody []byte, status int, header http.Header, respBody []byte) error {
	r := stripBase(req)
	var (
		s      *spec
		route  *routers.Route
		params map[string]string
	)
	for _, cand := range c.specs {
		rt, p, err := cand.router.FindRoute(r)
		if err == nil {
			s, route, params = cand, rt, p
			break
		}
	}
	if s == nil {
		if _, ok := uncoveredMatch(req); ok {
			return nil
		}
		return fmt.Errorf("%s %s is not an operation of the Webex specs in api/specs/webex (answered %d)", req.Method, req.URL.Path, status)
	}
	name := req.Method + " " + route.Path + " [" + s.name + "]"
	// Every Webex API needs a bearer token, whether or not the operation declares security.
	if err := checkBearer(req.Header.Get("Authorization")); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	opts := &openapi3filter.Options{
		IncludeResponseStatus: true,
		SkipSettingDefaults:   true,
		MultiError:            true,
		AuthenticationFunc:    bearerPresent,
		// Reasons only: the schema dump is noise, and values may be passcodes.
		SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.DisableSchemaErrorDetails()},
	}
	r.Body = io.NopCloser(bytes.NewReader(reqBody))
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route, Options: opts}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		return fmt.Errorf("%s: the request does not match the spec: %w", name, err)
	}
	if route.Operation.Responses.Status(status) == nil {
		return fmt.Errorf("%s: status %d is not a response of the operation; body %s", name, status, abbreviate(respBody))
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: status, Header: header, Options: opts}
	out.SetBodyBytes(respBody)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		return fmt.Errorf("%s: the %d response does not match the spec: %w; body %s", name, status, err, abbreviate(respBody))
	}
	return nil
}

// bearerPresent is the check of the specs' bearer security: an Authorization header with a
// bearer token.
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

// Recorder collects the operations a Middleware saw, for coverage assertions.
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

// Middleware returns an HTTP middleware that checks every exchange with Check and fails tb on a
// mismatch; rec (may be nil) records the operations seen. The response is buffered, checked, then
// passed on unchanged. A handler that hijacks the connection (a reset) is checked for its request
// only.
func Middleware(tb testing.TB, rec *Recorder) func(http.Handler) http.Handler {
	tb.Helper()
	c, err := Load()
	if err != nil {
		tb.Fatalf("webex contract: %v", err)
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			reqBody, err := readBody(r)
			if err != nil {
				http.Error(w, "read request body: "+err.Error(), http.StatusBadRequest)
				return
			}
			rw := &recorder{w: w, header: http.Header{}}
			next.ServeHTTP(rw, r)
			if !rw.hijacked {
				rw.flush()
			}
			op, _, ok := c.Route(r)
			if !ok {
				op, _ = uncoveredMatch(r)
			}
			rec.add(op)
			status := rw.code()
			body := rw.body.Bytes()
			if rw.hijacked {
				// No response: check the request against a status the operation surely lists.
				status, body = http.StatusTooManyRequests, nil
			}
			if err := c.Check(r, reqBody, status, rw.header, body); err != nil {
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

// recorder buffers a response so that it can be checked, then writes it to w.
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

// Hijack hands the real connection over (a connection-reset test).
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

// closeObjectSchemas flattens every allOf of object parts into one object schema, then sets
// additionalProperties: false on every object schema that lists properties, says nothing about
// additional ones and is not a part of a remaining composition (the pattern of internal/apispec).
func closeObjectSchemas(doc *openapi3.T) {
	var all []*openapi3.Schema
	seen := map[*openapi3.Schema]bool{}
	var walk func(ref *openapi3.SchemaRef)
	walk = func(ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		s := ref.Value
		seen[s] = true
		all = append(all, s)
		for _, group := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
			for _, p := range group {
				walk(p)
			}
		}
		for _, name := range sortedKeys(s.Properties) {
			walk(s.Properties[name])
		}
		walk(s.Items)
		walk(s.Not)
		walk(s.AdditionalProperties.Schema)
	}
	if doc.Components != nil {
		for _, name := range sortedKeys(doc.Components.Schemas) {
			walk(doc.Components.Schemas[name])
		}
	}
	for _, p := range doc.Paths.InMatchingOrder() {
		for _, op := range doc.Paths.Value(p).Operations() {
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				for _, mt := range op.RequestBody.Value.Content {
					walk(mt.Schema)
				}
			}
			if op.Responses == nil {
				continue
			}
			for _, code := range sortedKeys(op.Responses.Map()) {
				if r := op.Responses.Value(code); r != nil && r.Value != nil {
					for _, mt := range r.Value.Content {
						walk(mt.Schema)
					}
				}
			}
		}
	}
	flattened := map[*openapi3.Schema]bool{}
	for _, s := range all {
		flattenAllOf(s, flattened)
	}
	parts := map[*openapi3.Schema]bool{}
	for _, s := range all {
		for _, group := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
			for _, p := range group {
				if p != nil && p.Value != nil {
					parts[p.Value] = true
				}
			}
		}
	}
	closed := false
	for _, s := range all {
		if len(s.Properties) > 0 && s.AdditionalProperties.Has == nil && s.AdditionalProperties.Schema == nil && !parts[s] {
			s.AdditionalProperties.Has = &closed
		}
	}
}

// flattenAllOf replaces the allOf of s by the union of its object parts' properties and required
// lists, unless a part is not a plain object or two parts define a property differently.
func flattenAllOf(s *openapi3.Schema, done map[*openapi3.Schema]bool) {
	if done[s] || len(s.AllOf) == 0 {
		return
	}
	done[s] = true
	props := openapi3.Schemas{}
	for name, p := range s.Properties {
		props[name] = p
	}
	required := slices.Clone(s.Required)
	for _, ref := range s.AllOf {
		if ref == nil || ref.Value == nil {
			return
		}
		p := ref.Value
		flattenAllOf(p, done)
		plain := len(p.AllOf) == 0 && len(p.AnyOf) == 0 && len(p.OneOf) == 0 && p.Not == nil &&
			(p.Type == nil || p.Type.Is(openapi3.TypeObject)) && p.AdditionalProperties.Has == nil &&
			p.AdditionalProperties.Schema == nil
		if !plain {
			return
		}
		for name, prop := range p.Properties {
			if have, ok := props[name]; ok && have.Value != prop.Value {
				return
			}
			props[name] = prop
		}
		for _, r := range p.Required {
			if !slices.Contains(required, r) {
				required = append(required, r)
			}
		}
	}
	s.AllOf = nil
	s.Properties = props
	s.Required = required
	s.Type = &openapi3.Types{openapi3.TypeObject}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
