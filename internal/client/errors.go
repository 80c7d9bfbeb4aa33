package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// ErrNotFound matches (errors.Is) every 404 answer: an object that does not exist, belongs to
// another tenant, or a user sub-resource (number, E911 address, activation) that is not set.
var ErrNotFound = errors.New("not found")

// APIError is a non-2xx answer of the API (api/README.md, "Errors").
type APIError struct {
	// Status is the HTTP status code.
	Status int
	// Code is the API error code, e.g. "extension_in_use"; empty when the body was not an
	// API error (a proxy page, for instance).
	Code string
	// Message is the server's human-readable message.
	Message string
	// Field is the camelCase API field the error concerns, if any.
	Field string
	// TrackingID identifies the request in the server's logs.
	TrackingID string
	// ConflictingUserID is the user that holds the resource, on *_in_use conflicts.
	ConflictingUserID string
	// NextAllowedAt is when the operation is allowed again, on sync_on_hold.
	NextAllowedAt time.Time
	// JobID is the job that blocks the operation, on job_in_progress.
	JobID string
}

// Error renders e as "api error 409 extension_in_use (field extension): message [tracking id X]".
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "api error %d", e.Status)
	code := e.Code
	if code == "" {
		code = strings.ToLower(http.StatusText(e.Status))
	}
	if code != "" {
		b.WriteString(" " + code)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, " (field %s)", e.Field)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.TrackingID != "" {
		fmt.Fprintf(&b, " [tracking id %s]", e.TrackingID)
	}
	return b.String()
}

// Is reports whether e matches target: a 404 matches ErrNotFound.
func (e *APIError) Is(target error) bool {
	return target == ErrNotFound && e.Status == http.StatusNotFound
}

// AsAPIError returns the *APIError in err's chain, if any.
func AsAPIError(err error) (*APIError, bool) {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr, true
	}
	return nil, false
}

// IsNotFound reports whether err is a 404 (errors.Is(err, ErrNotFound)).
func IsNotFound(err error) bool {
	return errors.Is(err, ErrNotFound)
}

// IsConflict reports whether err is a 409 answer.
func IsConflict(err error) bool {
	apiErr, ok := AsAPIError(err)
	return ok && apiErr.Status == http.StatusConflict
}

// IsPreconditionFailed reports whether err is a 412 (etag_mismatch): the object changed since the
// etag sent as If-Match was read.
func IsPreconditionFailed(err error) bool {
	apiErr, ok := AsAPIError(err)
	return ok && apiErr.Status == http.StatusPreconditionFailed
}

// HasCode reports whether err is an API error with the given code, e.g. "email_in_use".
func HasCode(err error, code string) bool {
	apiErr, ok := AsAPIError(err)
	return ok && apiErr.Code == code
}

// wireError is the JSON body of an error answer.
type wireError struct {
	Code              string `json:"code"`
	Message           string `json:"message"`
	Field             string `json:"field"`
	TrackingID        string `json:"trackingId"`
	ConflictingUserID string `json:"conflictingUserId"`
	NextAllowedAt     string `json:"nextAllowedAt"`
	JobID             string `json:"jobId"`
}

// parseAPIError builds the *APIError of a non-2xx response; it reads (part of) the body. Every
// form of every secret in secrets (the token, the secrets the request sent) is replaced by "***"
// in the body before it is read, and in every field after, so that an echo reaches no diagnostic
// whatever its encoding, and a summary never cuts a secret in half.
func parseAPIError(resp *http.Response, secrets []string) *APIError {
	e := parseAPIErrorBody(resp, []byte(redactSecrets(string(readErrorBody(resp)), secrets)))
	for _, f := range []*string{&e.Code, &e.Message, &e.Field, &e.TrackingID, &e.ConflictingUserID, &e.JobID} {
		*f = redactSecrets(*f, secrets)
	}
	return e
}

func readErrorBody(resp *http.Response) []byte {
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBytes))
	return data
}

func parseAPIErrorBody(resp *http.Response, data []byte) *APIError {
	e := &APIError{Status: resp.StatusCode, TrackingID: resp.Header.Get("TrackingID")}
	var w wireError
	if err := json.Unmarshal(data, &w); err == nil && (w.Code != "" || w.Message != "") {
		e.Code, e.Message, e.Field = w.Code, w.Message, w.Field
		e.ConflictingUserID = w.ConflictingUserID
		e.JobID = w.JobID
		if w.TrackingID != "" {
			e.TrackingID = w.TrackingID
		}
		if w.NextAllowedAt != "" {
			if t, err := time.Parse(time.RFC3339, w.NextAllowedAt); err == nil {
				e.NextAllowedAt = t
			}
		}
		return e
	}
	e.Message = summarize(data)
	return e
}

// summarize turns a non-API error body (an HTML page of a proxy, say) into one short line.
func summarize(data []byte) string {
	s := strings.TrimSpace(string(data))
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	const limit = 200
	if len(s) > limit {
		s = s[:limit]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		s += "…"
	}
	return s
}
