// Package apispec enforces the wire contract (api/openapi.yaml) in tests: Middleware validates
// every request that reaches a sandbox and every response it gives with kin-openapi's
// openapi3filter, and fails the test with the route and the error on a mismatch. The sandbox
// tests, the client tests and the acceptance tests (internal/acctest) all install it, so the
// spec, the sandbox and the client cannot drift apart.
//
// For validation, object schemas of the spec are closed: an object with properties and no
// additionalProperties may not carry other fields (allOf compositions of objects are flattened
// first, so a composed object is closed as a whole). A field that the sandbox answers or the client
// sends must therefore be in the spec. And `default` responses document
// server errors only: a 4xx must be listed by the operation.
package apispec

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/ucprov/terraform-provider-ucprov/internal/oasclose"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/ucprov/terraform-provider-ucprov/api"
)

// Mode says what a test's traffic is allowed to be.
type Mode int

const (
	// Conforming traffic comes from the provider's client (client and acceptance tests): every
	// request must be an operation of the spec and valid for it.
	Conforming Mode = iota + 1
	// Probing traffic comes from tests that send bad requests on purpose (the sandbox's own tests):
	// a request that the spec does not allow must be refused with a 4xx status.
	Probing
)

// Contract is the loaded spec with a router over its paths.
type Contract struct {
	doc    *openapi3.T
	router routers.Router
}

var (
	loadOnce sync.Once
	loaded   *Contract
	loadErr  error
)

// Load parses api/openapi.yaml (once per process), checks it, closes its object schemas (see the
// package comment) and builds a router that matches any host.
func Load() (*Contract, error) {
	loadOnce.Do(func() { loaded, loadErr = parse(api.OpenAPI) })
	return loaded, loadErr
}

func parse(spec []byte) (*Contract, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(spec)
	if err != nil {
		return nil, fmt.Errorf("parse api/openapi.yaml: %w", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("api/openapi.yaml is not a valid OpenAPI document: %w", err)
	}
	oasclose.CloseObjectSchemas(doc)
	doc.Servers = nil // match the sandbox on any 127.0.0.1 port
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("route api/openapi.yaml: %w", err)
	}
	return &Contract{doc: doc, router: router}, nil
}

// Check validates one exchange: the request (with its body) and the response the server gave
// (status, header, body; hijacked = the connection was reset and there is no response). It
// returns nil when the exchange is what the spec allows in mode.
func (c *Contract) Check(mode Mode, req *http.Request, reqBody []byte, status int, header http.Header, respBody []byte, hijacked bool) error {
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		refused := status == http.StatusNotFound || status == http.StatusMethodNotAllowed
		if mode == Probing && !hijacked && refused {
			return nil
		}
		return fmt.Errorf("%s %s is not an operation of api/openapi.yaml (%s): %w", req.Method, req.URL.Path, answer(status, hijacked), err)
	}
	name := req.Method + " " + route.Path
	opts := &openapi3filter.Options{
		IncludeResponseStatus: true,
		SkipSettingDefaults:   true,
		MultiError:            true,
		AuthenticationFunc:    bearerPresent,
		// Reasons only: the schema dump is noise, and values may be passcodes or passwords.
		SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.DisableSchemaErrorDetails()},
	}
	clone := req.Clone(req.Context())
	clone.Body = io.NopCloser(bytes.NewReader(reqBody))
	in := &openapi3filter.RequestValidationInput{Request: clone, PathParams: params, Route: route, Options: opts}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		// A request the spec forbids is a mismatch when it comes from the client, and when the
		// server accepted it (a probe must be refused: 4xx, or a fault's 5xx or reset).
		if mode == Conforming || (!hijacked && status < 400) {
			return fmt.Errorf("%s: the request does not match api/openapi.yaml (%s): %w", name, answer(status, hijacked), err)
		}
	}
	if hijacked {
		return nil
	}
	if status < 500 && route.Operation.Responses.Status(status) == nil {
		return fmt.Errorf("%s: status %d is not a response of the operation in api/openapi.yaml (default covers 5xx only); body %s",
			name, status, abbreviate(respBody))
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: status, Header: header, Options: opts}
	out.SetBodyBytes(respBody)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		return fmt.Errorf("%s: the %d response does not match api/openapi.yaml: %w; body %s", name, status, err, abbreviate(respBody))
	}
	return nil
}

func answer(status int, hijacked bool) string {
	if hijacked {
		return "connection reset"
	}
	return fmt.Sprintf("answered %d", status)
}

// bearerPresent is the check of the bearerAuth scheme: an Authorization header with a bearer
// token (whether the sandbox knows the token is its own business).
func bearerPresent(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	scheme, token, _ := strings.Cut(in.RequestValidationInput.Request.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" { // schemes are case-insensitive (RFC 9110)
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

// Middleware returns an HTTP middleware (for sandbox.Options.Middleware) that checks every
// exchange with Check and fails tb with the route and the error on a mismatch. The server's
// response is buffered and then passed on unchanged.
func Middleware(tb testing.TB, mode Mode) func(http.Handler) http.Handler {
	tb.Helper()
	c, err := Load()
	if err != nil {
		tb.Fatalf("OpenAPI contract: %v", err)
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
				tb.Errorf("OpenAPI contract: %v", err)
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
// hijacks the connection (a connection-reset fault) reaches w through Unwrap.
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
	_, _ = r.w.Write(r.body.Bytes()) // the client went away: nothing to validate against
}
