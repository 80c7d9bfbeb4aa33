// Package rules holds the pure validation rules of the provisioning API: phone numbers,
// extensions, addresses, passcodes and passwords. The provider's plan-time validators and the
// sandbox's handlers both call these functions, so there is one source of truth.
//
// Nothing here does I/O. Every failed rule is a *Violation carrying the API's error code.
package rules

import "fmt"

// Violation is a broken rule. Code is the API error code (API.md), Field the camelCase API field
// it concerns (may be empty), Message a lower-case sentence that names the rule.
type Violation struct {
	Code    string
	Field   string
	Message string
}

func (v *Violation) Error() string {
	if v.Field == "" {
		return fmt.Sprintf("%s: %s", v.Code, v.Message)
	}
	return fmt.Sprintf("%s: %s: %s", v.Field, v.Code, v.Message)
}

// Address is a postal address as the API carries it.
type Address struct {
	Address1   string
	Address2   string
	City       string
	State      string
	PostalCode string
	Country    string
}

// PasscodePolicy is an enterprise's voicemail passcode policy (GET /passcode-rules).
type PasscodePolicy struct {
	MinLength               int
	MaxLength               int
	MaxRepeatedDigits       int // the longest allowed run of one digit (5: "55555" ok, "555555" refused)
	MaxSequenceLength       int // the longest allowed ascending/descending run (4: "1234" ok, "12345" refused)
	BlockUserNumber         bool
	BlockReversedUserNumber bool
	BlockPrevious           bool
	BlockPreviousReversed   bool
	PasswordMinLength       int
}

// PasscodeFacts are the facts the fact-dependent passcode rules need.
type PasscodeFacts struct {
	PhoneNumber string // E.164 or empty
	Extension   string // digits or empty
	// IsPrevious reports whether a candidate equals the user's previous passcode. The sandbox
	// answers from its hashed history, the provider from prior state or a salted hash. Nil
	// means "no previous passcode known".
	IsPrevious func(candidate string) bool
}

// PasswordFacts are the user's facts a portal password must not contain.
type PasswordFacts struct {
	FirstName string
	LastName  string
	Email     string
}
