// Package rules holds the pure validation rules of the provisioning API: phone numbers,
// extensions, e-mail addresses, time zones, postal addresses (E911), voicemail passcodes and
// portal passwords. The provider's plan-time validators and the sandbox's handlers both call
// these functions, so there is one source of truth for every 422 the API can answer.
//
// Nothing here does I/O and nothing keeps state. Every failed rule is a *Violation carrying the
// API's error code (the Code* constants), the camelCase API field it concerns and a lower-case
// message that names the rule. Messages never repeat the value that was checked, so they are
// safe to log and to show even when the value is a secret (passcode, password).
//
// Functions that check one value return error; when the value is valid they return a nil
// interface (never a typed nil), otherwise a fresh *Violation that the caller owns (it may set
// Field, e.g. "pagerNumber" for ValidateE164). Functions that check several rules return
// []*Violation in a fixed, documented order, nil when everything passes; a backend that
// answers with a single error reports the first one.
package rules

import (
	"fmt"
	"strings"
)

// API error codes produced by this package (API.md, api/README.md).
const (
	CodePhoneNumberInvalid           = "phone_number_invalid"
	CodeExtensionInvalid             = "extension_invalid"
	CodeEmailInvalid                 = "email_invalid"
	CodeTimeZoneInvalid              = "time_zone_invalid"
	CodeAddressInvalid               = "address_invalid"
	CodePasscodeLength               = "passcode_length"
	CodePasscodeNotDigits            = "passcode_not_digits"
	CodePasscodeRepeatedDigits       = "passcode_repeated_digits"
	CodePasscodeSequence             = "passcode_sequence"
	CodePasscodeIsUserNumber         = "passcode_is_user_number"
	CodePasscodeIsReversedUserNumber = "passcode_is_reversed_user_number"
	CodePasscodeReused               = "passcode_reused"
	CodePasscodeReversedReused       = "passcode_reversed_reused"
	CodePasswordWeak                 = "password_weak"
	CodePasswordContainsName         = "password_contains_name"
)

// Violation is a broken rule. Code is the API error code (API.md), Field the camelCase API field
// it concerns (may be empty), Message a lower-case sentence that names the rule.
type Violation struct {
	Code    string
	Field   string
	Message string
}

// Error formats the violation as "field: code: message", or "code: message" without a field.
func (v *Violation) Error() string {
	if v.Field == "" {
		return fmt.Sprintf("%s: %s", v.Code, v.Message)
	}
	return fmt.Sprintf("%s: %s: %s", v.Field, v.Code, v.Message)
}

// asError turns an optional violation into an error without producing a typed nil.
func asError(v *Violation) error {
	if v == nil {
		return nil
	}
	return v
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

// PasscodePolicy is an enterprise's voicemail passcode policy (GET /passcode-rules). It also
// carries the portal password's minimum length. A limit that is zero or negative is off.
type PasscodePolicy struct {
	MinLength               int  // fewest digits a passcode may have
	MaxLength               int  // most digits a passcode may have
	MaxRepeatedDigits       int  // the longest allowed run of one digit (5: "55555" ok, "555555" refused)
	MaxSequenceLength       int  // the longest allowed ascending/descending run (4: "1234" ok, "12345" refused)
	BlockUserNumber         bool // refuse the user's extension and trailing parts of the phone number
	BlockReversedUserNumber bool // refuse those reversed
	BlockPrevious           bool // refuse the previous passcode
	BlockPreviousReversed   bool // refuse the previous passcode reversed
	PasswordMinLength       int  // fewest characters (runes) a portal password may have
}

// PasscodeFacts are the facts the fact-dependent passcode rules need.
type PasscodeFacts struct {
	PhoneNumber string // E.164 or empty; only its ASCII digits are used
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

// isDigits reports whether s is non-empty and made of ASCII digits only.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isUpperASCII(c byte) bool { return 'A' <= c && c <= 'Z' }

func isLowerASCII(c byte) bool { return 'a' <= c && c <= 'z' }

// joinList joins items as English prose: "a", "a and b", "a, b and c" (conj "and" or "or").
func joinList(items []string, conj string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + conj + " " + items[len(items)-1]
}
