package sandbox

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

// Error codes of the wire contract (api/README.md). Feature-specific codes may stay literals in
// their feature file.
const (
	codeInvalidRequest       = "invalid_request"
	codeUnauthorized         = "unauthorized"
	codeNotFound             = "not_found"
	codeEtagMismatch         = "etag_mismatch"
	codeRateLimited          = "rate_limited"
	codeInternal             = "internal_error"
	codeUnavailable          = "service_unavailable"
	codeIdempotencyKeyReused = "idempotency_key_reused"
	codeRequired             = "required"
	codeFieldImmutable       = "field_immutable"
)

// apiError is an error that becomes an error response. Handlers return it from s.tx callbacks
// and hand it to s.fail.
type apiError struct {
	Status  int
	Code    string
	Field   string
	Message string
	Extra   map[string]any // extra body fields, e.g. conflictingUserId, nextAllowedAt
}

func (e *apiError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message)
	}
	return fmt.Sprintf("%d %s (%s): %s", e.Status, e.Code, e.Field, e.Message)
}

// with returns e with one more extra body field.
func (e *apiError) with(key string, value any) *apiError {
	if e.Extra == nil {
		e.Extra = map[string]any{}
	}
	e.Extra[key] = value
	return e
}

func errBadRequest(field, msg string) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: codeInvalidRequest, Field: field, Message: msg}
}

func errNotFound(msg string) *apiError {
	return &apiError{Status: http.StatusNotFound, Code: codeNotFound, Message: msg}
}

func errConflict(code, field, msg string) *apiError {
	return &apiError{Status: http.StatusConflict, Code: code, Field: field, Message: msg}
}

func errInvalid(code, field, msg string) *apiError {
	return &apiError{Status: http.StatusUnprocessableEntity, Code: code, Field: field, Message: msg}
}

// errRule turns a failed rule of internal/rules into a 422 with the contract's code and field
// (the wire contract fixes the code per field; the rule supplies the message).
func errRule(err error, code, field string) *apiError {
	msg := err.Error()
	var v *rules.Violation
	if errors.As(err, &v) && v.Message != "" {
		msg = v.Message
	}
	return errInvalid(code, field, msg)
}

// writeError writes the JSON error body of the contract:
// {"code","message","field"(omitted when empty),"trackingId"}.
func writeError(w http.ResponseWriter, r *http.Request, status int, code, field, msg string) {
	writeAPIError(w, r, &apiError{Status: status, Code: code, Field: field, Message: msg})
}

func writeAPIError(w http.ResponseWriter, r *http.Request, e *apiError) {
	body := make(map[string]any, 4+len(e.Extra))
	for k, v := range e.Extra {
		body[k] = v
	}
	body["code"] = e.Code
	body["message"] = e.Message
	body["trackingId"] = trackingID(r.Context())
	if e.Field != "" {
		body["field"] = e.Field
	}
	writeJSON(w, e.Status, body)
}

// fail writes err as an error response: an *apiError as is, anything else as a logged 500.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apiError
	if errors.As(err, &ae) {
		writeAPIError(w, r, ae)
		return
	}
	s.log.ErrorContext(r.Context(), "internal error", "pattern", r.Pattern, "trackingId", trackingID(r.Context()), "error", err)
	writeError(w, r, http.StatusInternalServerError, codeInternal, "", "internal error")
}
