package platform

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// ErrNotFound matches (errors.Is) every answer that an object does not exist: a user, or a user's
// number, E911 address, activation, … that is not set. Whether the object is really gone or only
// invisible to these credentials is for the caller to tell (the provider checks the enterprise).
var ErrNotFound = errors.New("not found")

// Error is a refusal of the platform, in the provider's terms. Every implementation maps its wire
// errors (HTTP answers, OCI-P ErrorResponses, Webex error bodies) onto it: Status says what kind
// of refusal it is with the HTTP status that means the same (404 not found, 409 conflict, 412
// changed since read, 401/403 credentials refused, 422 a rule, 429 limited, 5xx the platform
// failed), Code the domain code (extension_in_use, email_in_use, passcode_rule, …).
type Error struct {
	// Status is the kind of refusal, as the HTTP status code of the same meaning.
	Status int
	// Code is the domain error code, e.g. "extension_in_use"; empty when unknown.
	Code string
	// Message is the platform's human-readable message (secrets removed).
	Message string
	// Field is the platform's name of the field the error concerns, if any (mapped to an
	// attribute by the provider).
	Field string
	// TrackingID identifies the request in the platform's logs.
	TrackingID string
	// ConflictingUserID is the user that holds the resource, on *_in_use conflicts.
	ConflictingUserID string
	// NextAllowedAt is when the operation is allowed again, on sync_on_hold.
	NextAllowedAt time.Time
	// JobID is the job that blocks the operation, on job_in_progress.
	JobID string
	// Platform names the platform that answered ("ucprov", "broadworks", "wholesale").
	Platform string
	// Wire is the platform's own rendering of the error (e.g. "[Error 4008] User not found: x",
	// "api error 409 extension_in_use"), shown to the user as is.
	Wire string
}

// Error renders e as its wire form when there is one, else "409 extension_in_use (field
// extension): message [tracking id X]".
func (e *Error) Error() string {
	if e.Wire != "" {
		return e.Wire
	}
	var b strings.Builder
	if e.Platform != "" {
		b.WriteString(e.Platform + " ")
	}
	fmt.Fprintf(&b, "error %d", e.Status)
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
func (e *Error) Is(target error) bool {
	return target == ErrNotFound && e.Status == http.StatusNotFound
}

// AsError returns the *Error in err's chain, if any.
func AsError(err error) (*Error, bool) {
	var pErr *Error
	if errors.As(err, &pErr) {
		return pErr, true
	}
	return nil, false
}

// IsNotFound reports whether err says the object does not exist (errors.Is(err, ErrNotFound)).
func IsNotFound(err error) bool {
	return errors.Is(err, ErrNotFound)
}

// IsConflict reports whether err is a conflict (409).
func IsConflict(err error) bool {
	pErr, ok := AsError(err)
	return ok && pErr.Status == http.StatusConflict
}

// IsPreconditionFailed reports whether err says the object changed since the etag (or the
// fingerprint) given as WriteOptions.IfMatch was read.
func IsPreconditionFailed(err error) bool {
	pErr, ok := AsError(err)
	return ok && pErr.Status == http.StatusPreconditionFailed
}

// IsRefused reports whether err says the credentials were refused (401 or 403).
func IsRefused(err error) bool {
	pErr, ok := AsError(err)
	return ok && (pErr.Status == http.StatusUnauthorized || pErr.Status == http.StatusForbidden)
}

// HasCode reports whether err is a platform error with the given domain code, e.g. "email_in_use".
func HasCode(err error, code string) bool {
	pErr, ok := AsError(err)
	return ok && pErr.Code == code
}

// UnsupportedError says that a platform has no such thing as an attribute or operation asks for:
// the provider turns it into a plan-time error naming the attribute and the platform.
type UnsupportedError struct {
	Platform string
	What     string // e.g. "portal_password", "directory sync"
	Why      string // what the platform offers instead, if anything
}

func (e *UnsupportedError) Error() string {
	s := e.What + " is not available on the " + e.Platform + " platform"
	if e.Why != "" {
		s += ": " + e.Why
	}
	return s
}

// IsUnsupported reports whether err is an *UnsupportedError.
func IsUnsupported(err error) bool {
	var u *UnsupportedError
	return errors.As(err, &u)
}

// NotThePlatformError says that what answered at the configured address is not the platform's API
// (another server, a proxy's page, an unknown route): a setting to correct, never a missing object.
type NotThePlatformError struct {
	Platform string
	Err      error // the client's error, naming the URL and what answered
}

func (e *NotThePlatformError) Error() string {
	return "not the " + e.Platform + " API: " + e.Err.Error()
}

func (e *NotThePlatformError) Unwrap() error { return e.Err }

// IsNotThePlatform reports whether err is a *NotThePlatformError.
func IsNotThePlatform(err error) bool {
	var n *NotThePlatformError
	return errors.As(err, &n)
}
