package webex

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Error is a non-2xx answer of a Webex API. Both error bodies the APIs use are understood:
//
//	{"message": "...", "errors": [{"errorCode": 10022, "description": "..."}], "trackingId": "..."}
//	{"error": {"key": "400", "message": [{"description": "...", "code": "25008", "location": "..."}]}, "trackingId": "..."}
//
// Whatever secret the request carried (a passcode, the token) is replaced by "***" in every text
// field, even when the server echoes it.
type Error struct {
	// Status is the HTTP status code.
	Status int
	// Method and Path say which call failed ("PUT", "/v1/people/abc"); never the query.
	Method string
	Path   string
	// Message is the server's top-level message (or, for a body that is not a Webex error, its
	// first line).
	Message string
	// Key is the telephony form's error key (often the status as a string), if any.
	Key string
	// Codes are the numeric error codes of the body's errors, in order (e.g. 10022, 25008).
	Codes []int
	// Descriptions are the descriptions of the body's errors, in order.
	Descriptions []string
	// TrackingID identifies the request in Webex's logs: the body's trackingId, else the
	// TrackingID response header, else the one the client sent.
	TrackingID string
	// MissingScope is the OAuth scope a 403 names as missing, when the body names one.
	MissingScope string
	// RetryAfter is the server's Retry-After (429, 423, 503), zero when absent.
	RetryAfter time.Duration
}

// Error renders e as `webex api error 409 conflict (put /v1/x): message; description (code 10022) [tracking id T]`.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "webex api error %d", e.Status)
	if t := http.StatusText(e.Status); t != "" {
		b.WriteString(" " + strings.ToLower(t))
	}
	if e.Method != "" {
		fmt.Fprintf(&b, " (%s %s)", strings.ToLower(e.Method), e.Path)
	}
	msg := e.Message
	var parts []string
	for i, d := range e.Descriptions {
		code := ""
		if i < len(e.Codes) && e.Codes[i] != 0 {
			code = fmt.Sprintf(" (code %d)", e.Codes[i])
		}
		if d == e.Message {
			msg += code // the usual case: the one error repeats the message
			continue
		}
		parts = append(parts, d+code)
	}
	if msg != "" {
		parts = append([]string{msg}, parts...)
	}
	if len(parts) > 0 {
		b.WriteString(": " + strings.Join(parts, "; "))
	}
	if e.MissingScope != "" {
		fmt.Fprintf(&b, " (missing scope %s)", e.MissingScope)
	}
	if e.TrackingID != "" {
		fmt.Fprintf(&b, " [tracking id %s]", e.TrackingID)
	}
	return b.String()
}

// AsError returns the *Error in err's chain, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

func hasStatus(err error, status int) bool {
	e, ok := AsError(err)
	return ok && e.Status == status
}

// IsNotFound reports whether err is a 404 answer or a lookup that found nothing
// (errors.Is(err, ErrNotFound)).
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// IsConflict reports whether err is a 409 answer.
func IsConflict(err error) bool { return hasStatus(err, http.StatusConflict) }

// IsUnauthorized reports whether err is a 401 answer (a bad or expired token that could not be
// refreshed).
func IsUnauthorized(err error) bool { return hasStatus(err, http.StatusUnauthorized) }

// IsForbidden reports whether err is a 403 answer; MissingScope(err) names the missing scope
// when the body does.
func IsForbidden(err error) bool { return hasStatus(err, http.StatusForbidden) }

// MissingScope returns the scope a 403 answer names as missing, or "".
func MissingScope(err error) string {
	if e, ok := AsError(err); ok {
		return e.MissingScope
	}
	return ""
}

// HasCode reports whether err is a Webex error carrying the numeric error code, e.g. 10022 (the
// BroadWorks user id is already associated with an existing user).
func HasCode(err error, code int) bool {
	e, ok := AsError(err)
	if !ok {
		return false
	}
	for _, c := range e.Codes {
		if c == code {
			return true
		}
	}
	return false
}

// scopePattern finds an OAuth scope in a message ("spark-admin:people_write", "Identity:Organization").
var scopePattern = regexp.MustCompile(`\b(spark(?:-admin|-compliance)?|identity|Identity|audit|meeting|cjp|analytics):[A-Za-z_]+\b`)

// parseErrorBody fills e from a response body in either Webex error form; a body that is neither
// becomes e.Message (its first line, cut to 200 bytes). redact is applied to every text.
func parseErrorBody(e *Error, body []byte, redact func(string) string) {
	var w struct {
		Message    json.RawMessage `json:"message"`
		Errors     []wireErrItem   `json:"errors"`
		TrackingID string          `json:"trackingId"`
		Error      *struct {
			Key     json.RawMessage `json:"key"`
			Message json.RawMessage `json:"message"`
		} `json:"error"`
	}
	trimmed := bytes.TrimSpace(body)
	parsed := false
	if len(trimmed) > 0 && trimmed[0] == '{' && json.Unmarshal(trimmed, &w) == nil {
		if s, ok := jsonString(w.Message); ok {
			e.Message = s
			parsed = true
		}
		for _, it := range w.Errors {
			e.Descriptions = append(e.Descriptions, it.Description)
			e.Codes = append(e.Codes, it.code())
			parsed = true
		}
		if w.Error != nil {
			parsed = true
			if s, ok := jsonString(w.Error.Key); ok {
				e.Key = s
			} else if n, ok := jsonInt(w.Error.Key); ok {
				e.Key = strconv.Itoa(n)
			}
			var items []wireErrItem
			if s, ok := jsonString(w.Error.Message); ok {
				if e.Message == "" {
					e.Message = s
				}
			} else if json.Unmarshal(w.Error.Message, &items) == nil {
				for _, it := range items {
					e.Descriptions = append(e.Descriptions, it.Description)
					e.Codes = append(e.Codes, it.code())
				}
			}
		}
		if w.TrackingID != "" {
			e.TrackingID = w.TrackingID
			parsed = true
		}
	}
	if !parsed {
		e.Message = summarize(trimmed)
	}
	if e.Message == "" && len(e.Descriptions) > 0 {
		e.Message = e.Descriptions[0]
	}
	e.Message = clean(redact(e.Message))
	for i := range e.Descriptions {
		e.Descriptions[i] = clean(redact(e.Descriptions[i]))
	}
	e.TrackingID = clean(redact(e.TrackingID))
	e.Key = clean(redact(e.Key))
	if e.Status == http.StatusForbidden {
		for _, s := range append([]string{e.Message}, e.Descriptions...) {
			if m := scopePattern.FindString(s); m != "" {
				e.MissingScope = m
				break
			}
		}
	}
}

// wireErrItem is one entry of "errors" (errorCode, description) or of the telephony form's
// "message" (code, description, location). Codes come as numbers or as strings.
type wireErrItem struct {
	ErrorCode   json.RawMessage `json:"errorCode"`
	Code        json.RawMessage `json:"code"`
	Description string          `json:"description"`
}

func (it wireErrItem) code() int {
	for _, raw := range []json.RawMessage{it.ErrorCode, it.Code} {
		if n, ok := jsonInt(raw); ok {
			return n
		}
	}
	return 0
}

func jsonString(raw json.RawMessage) (string, bool) {
	var s string
	if len(raw) == 0 || json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// jsonInt reads an integer given as a JSON number or a numeric string.
func jsonInt(raw json.RawMessage) (int, bool) {
	if len(raw) == 0 {
		return 0, false
	}
	var f float64
	if json.Unmarshal(raw, &f) == nil {
		if f != float64(int(f)) || f > 1<<31 || f < -(1<<31) {
			return 0, false
		}
		return int(f), true
	}
	if s, ok := jsonString(raw); ok {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		return n, err == nil
	}
	return 0, false
}

// summarize turns a body that is not a Webex error (a proxy's HTML page, say) into one short line.
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

// clean makes a server string safe for one diagnostic line: valid UTF-8, no control characters.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// redactor returns a function that replaces every non-empty secret in a string by "***",
// longest secrets first (so that a secret containing another is replaced whole).
func redactor(secrets ...string) func(string) string {
	list := make([]string, 0, len(secrets))
	for _, s := range secrets {
		if s != "" {
			list = append(list, s)
		}
	}
	if len(list) == 0 {
		return func(s string) string { return s }
	}
	for i := 1; i < len(list); i++ {
		for j := i; j > 0 && len(list[j]) > len(list[j-1]); j-- {
			list[j], list[j-1] = list[j-1], list[j]
		}
	}
	return func(s string) string {
		for _, sec := range list {
			s = strings.ReplaceAll(s, sec, "***")
		}
		return s
	}
}

// RetryAfterExceededError is returned when the server asks (Retry-After) for a longer wait than
// Config.MaxRetryAfter allows: the call fails at once instead of sleeping. Err is the answer.
type RetryAfterExceededError struct {
	Wait time.Duration // what the server asked for
	Max  time.Duration // Config.MaxRetryAfter
	Err  *Error
}

func (e *RetryAfterExceededError) Error() string {
	return fmt.Sprintf("%v; the server asked to retry after %s, longer than the longest allowed wait (max retry after %s)",
		e.Err, e.Wait, e.Max)
}

func (e *RetryAfterExceededError) Unwrap() error { return e.Err }
