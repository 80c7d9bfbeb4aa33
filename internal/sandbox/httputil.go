package sandbox

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
)

// maxBodyBytes bounds every request body.
const maxBodyBytes = 1 << 20

// etagged is implemented by response objects that carry an etag; writeJSON copies it into the
// ETag header.
type etagged interface{ etagValue() string }

// writeJSON writes v as JSON with the given status (and ETag header when v has an etag).
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"code":"internal_error","message":"cannot encode response"}`)
	}
	if e, ok := v.(etagged); ok && e.etagValue() != "" {
		w.Header().Set("ETag", e.etagValue())
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// readBody reads the whole request body (at most maxBodyBytes).
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, errBadRequest("", fmt.Sprintf("request body larger than %d bytes", mbe.Limit))
		}
		return nil, errBadRequest("", "cannot read request body")
	}
	return b, nil
}

// decodeJSON decodes the request body into v, refusing unknown fields, trailing data and an empty
// body. Every error is a 400 invalid_request *apiError naming the field when it can.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	b, err := readBody(w, r)
	if err != nil {
		return err
	}
	return decodeJSONBytes(b, v)
}

func decodeJSONBytes(b []byte, v any) error {
	if len(bytes.TrimSpace(b)) == 0 {
		return errBadRequest("", "request body is empty")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errBadRequest("", "request body has data after the JSON value")
	}
	return nil
}

// jsonError turns a decoding error into a 400 with the offending field when known.
func jsonError(err error) *apiError {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		return errBadRequest(field, fmt.Sprintf("%s must be a JSON %s", nonEmpty(field, "body"), jsonKind(te.Type.Kind().String())))
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return errBadRequest("", fmt.Sprintf("malformed JSON at offset %d", se.Offset))
	}
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		field, _ := strconv.Unquote(rest)
		return errBadRequest(field, "unknown field "+rest)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return errBadRequest("", "malformed JSON: unexpected end of input")
	}
	return errBadRequest("", "malformed JSON")
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "struct", "map":
		return "object"
	case "slice", "array":
		return "array"
	default:
		return "number"
	}
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// etagOf renders a row version as the quoted ETag of the contract, e.g. `"3"`.
func etagOf(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// etagOfContent is the strong ETag of an object without a row version: a digest of its JSON
// representation, so that any change of what a GET shows (a status step of the worker included)
// changes it, and nothing else does.
func etagOfContent(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}

// checkIfMatch enforces If-Match against the current etag (`""` when the object does not exist).
// No header or `*` is unconditional; otherwise one of the listed tags must equal current
// (weak tags and unquoted versions are accepted), else 412 etag_mismatch.
func checkIfMatch(r *http.Request, current string) error {
	values := r.Header.Values("If-Match")
	if len(values) == 0 {
		return nil
	}
	for _, v := range values {
		for _, tag := range strings.Split(v, ",") {
			tag = strings.TrimSpace(tag)
			if tag == "*" {
				return nil
			}
			tag = strings.TrimPrefix(tag, "W/")
			if current != "" && (tag == current || `"`+tag+`"` == current) {
				return nil
			}
		}
	}
	return &apiError{Status: http.StatusPreconditionFailed, Code: codeEtagMismatch,
		Message: "if-match does not match the current etag " + nonEmpty(current, "(none)")}
}

// statusWriter records the status of a response it passes through.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (sw *statusWriter) WriteHeader(code int) {
	if sw.status == 0 {
		sw.status = code
	}
	sw.ResponseWriter.WriteHeader(code)
}

func (sw *statusWriter) Write(b []byte) (int, error) {
	if sw.status == 0 {
		sw.status = http.StatusOK
	}
	return sw.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (for FaultReset).
func (sw *statusWriter) Unwrap() http.ResponseWriter { return sw.ResponseWriter }

func (sw *statusWriter) code() int {
	if sw.status == 0 {
		return http.StatusOK
	}
	return sw.status
}

// bufferedWriter holds a whole response in memory (idempotency recording, after-commit faults).
type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newBufferedWriter() *bufferedWriter { return &bufferedWriter{header: http.Header{}} }

func (bw *bufferedWriter) Header() http.Header { return bw.header }

func (bw *bufferedWriter) WriteHeader(code int) {
	if bw.status == 0 {
		bw.status = code
	}
}

func (bw *bufferedWriter) Write(b []byte) (int, error) {
	if bw.status == 0 {
		bw.status = http.StatusOK
	}
	return bw.body.Write(b)
}

func (bw *bufferedWriter) code() int {
	if bw.status == 0 {
		return http.StatusOK
	}
	return bw.status
}

// flushTo copies the buffered response to w.
func (bw *bufferedWriter) flushTo(w http.ResponseWriter) {
	h := w.Header()
	for k, v := range bw.header {
		h[k] = v
	}
	w.WriteHeader(bw.code())
	_, _ = w.Write(bw.body.Bytes())
}

// resetConnection aborts the client's connection with a TCP reset when it can, else aborts the
// handler (the server then closes the connection).
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}
