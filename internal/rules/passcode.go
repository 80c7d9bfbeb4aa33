package rules

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"unicode/utf8"
)

// DefaultPasscodePolicy returns the API's default policy (GET /passcode-rules of an enterprise
// that has not tightened it): 6 to 10 digits, at most 5 repeats of one digit in a row, at most 4
// ascending or descending digits in a row, every Block* rule on, and portal passwords of at
// least 6 characters.
func DefaultPasscodePolicy() PasscodePolicy {
	return PasscodePolicy{
		MinLength:               6,
		MaxLength:               10,
		MaxRepeatedDigits:       5,
		MaxSequenceLength:       4,
		BlockUserNumber:         true,
		BlockReversedUserNumber: true,
		BlockPrevious:           true,
		BlockPreviousReversed:   true,
		PasswordMinLength:       6,
	}
}

// CheckPasscodeStatic checks the passcode rules that need no facts about the user, and returns
// the violations in this order (nil when p passes), all with Field "passcode":
//
//  1. "passcode_length": p has fewer than pol.MinLength or more than pol.MaxLength characters
//     (runes). A bound that is zero or negative is not checked.
//  2. "passcode_not_digits": p is not made of ASCII digits only (the empty string is reported
//     by the length rule alone).
//  3. "passcode_repeated_digits": p has a run of more than pol.MaxRepeatedDigits copies of one
//     digit. With 5, "155555" passes and "1555555" and "666666" are refused.
//  4. "passcode_sequence": p has a run of more than pol.MaxSequenceLength digits that each go up
//     by one, or each go down by one, with no wrap-around between 9 and 0. With 4, "123490"
//     passes and "123456", "987650" and "012345" are refused.
//
// Rules 3 and 4 look at runs of ASCII digits only, so they also apply to a passcode that breaks
// rule 2; a limit that is zero or negative turns its rule off.
func CheckPasscodeStatic(p string, pol PasscodePolicy) []*Violation {
	var vs []*Violation
	n := utf8.RuneCountInString(p)
	if (pol.MinLength > 0 && n < pol.MinLength) || (pol.MaxLength > 0 && n > pol.MaxLength) {
		vs = append(vs, passcodeViolation(CodePasscodeLength, "passcode must be "+lengthRange(pol)+" digits long"))
	}
	if p != "" && !isDigits(p) {
		vs = append(vs, passcodeViolation(CodePasscodeNotDigits, "passcode must contain digits only"))
	}
	if limit := pol.MaxRepeatedDigits; limit > 0 && longestRun(p, 0) > limit {
		vs = append(vs, passcodeViolation(CodePasscodeRepeatedDigits,
			"passcode must not repeat one digit more than "+times(limit)+" in a row"))
	}
	if limit := pol.MaxSequenceLength; limit > 0 && max(longestRun(p, 1), longestRun(p, -1)) > limit {
		vs = append(vs, passcodeViolation(CodePasscodeSequence,
			"passcode must not contain more than "+strconv.Itoa(limit)+" ascending or descending digits in a row"))
	}
	return vs
}

// CheckPasscode checks every passcode rule: the violations of CheckPasscodeStatic, then the
// rules that need facts, in this order (nil when p passes), all with Field "passcode":
//
//  5. "passcode_is_user_number" (pol.BlockUserNumber): p equals facts.Extension, or p equals a
//     trailing part, at least pol.MinLength digits long, of the ASCII digits of
//     facts.PhoneNumber. For "+17205551200" and MinLength 6 that blocks "17205551200" (too long
//     anyway), "7205551200", "205551200", ..., "551200".
//  6. "passcode_is_reversed_user_number" (pol.BlockReversedUserNumber): the same test applied to
//     Reverse(p), i.e. p is the reversed extension or a reversed trailing part of the number.
//  7. "passcode_reused" (pol.BlockPrevious): facts.IsPrevious(p).
//  8. "passcode_reversed_reused" (pol.BlockPreviousReversed): facts.IsPrevious(Reverse(p)).
//
// A Block* flag that is false turns its rule off; empty facts (no extension, no phone number,
// nil IsPrevious) make their rules pass. A palindrome can break a rule and its reversed twin at
// once; both are reported.
func CheckPasscode(p string, pol PasscodePolicy, facts PasscodeFacts) []*Violation {
	vs := CheckPasscodeStatic(p, pol)
	if pol.BlockUserNumber && isUserNumber(p, pol, facts) {
		vs = append(vs, passcodeViolation(CodePasscodeIsUserNumber,
			"passcode must not be the user's extension or phone number"))
	}
	if pol.BlockReversedUserNumber && isUserNumber(Reverse(p), pol, facts) {
		vs = append(vs, passcodeViolation(CodePasscodeIsReversedUserNumber,
			"passcode must not be the user's extension or phone number reversed"))
	}
	if pol.BlockPrevious && facts.IsPrevious != nil && facts.IsPrevious(p) {
		vs = append(vs, passcodeViolation(CodePasscodeReused, "passcode must not be the previous passcode"))
	}
	if pol.BlockPreviousReversed && facts.IsPrevious != nil && facts.IsPrevious(Reverse(p)) {
		vs = append(vs, passcodeViolation(CodePasscodeReversedReused,
			"passcode must not be the previous passcode reversed"))
	}
	return vs
}

// HashPasscode returns the lower-case hex SHA-256 of salt + "\x00" + passcode, for keeping a
// passcode history (sandbox) or a fingerprint in private state (provider) without the secret.
// The NUL separator keeps ("ab", "c") and ("a", "bc") apart.
func HashPasscode(salt, passcode string) string {
	sum := sha256.Sum256([]byte(salt + "\x00" + passcode))
	return hex.EncodeToString(sum[:])
}

// Reverse returns s with its runes in reverse order ("1234" → "4321"). Invalid UTF-8 bytes
// become U+FFFD, so Reverse(Reverse(s)) == s only for valid UTF-8.
func Reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

func passcodeViolation(code, message string) *Violation {
	return &Violation{Code: code, Field: "passcode", Message: message}
}

// isUserNumber reports whether c is the user's extension, or a trailing part of at least
// pol.MinLength digits (and at least one) of the user's phone number.
func isUserNumber(c string, pol PasscodePolicy, facts PasscodeFacts) bool {
	if c == "" {
		return false
	}
	if facts.Extension != "" && c == facts.Extension {
		return true
	}
	return len(c) >= pol.MinLength && strings.HasSuffix(asciiDigits(facts.PhoneNumber), c)
}

// asciiDigits returns the ASCII digits of s, in order.
func asciiDigits(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// longestRun returns the length of the longest run of ASCII digits in s in which each digit is
// the previous one plus step (0: repeated digit, 1: ascending, -1: descending).
func longestRun(s string, step int) int {
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		switch {
		case !isDigit(s[i]):
			run = 0
		case i > 0 && isDigit(s[i-1]) && int(s[i])-int(s[i-1]) == step:
			run++
		default:
			run = 1
		}
		longest = max(longest, run)
	}
	return longest
}

// lengthRange describes the policy's length bounds: "6 to 10", "at least 6" or "at most 10".
func lengthRange(pol PasscodePolicy) string {
	switch {
	case pol.MinLength > 0 && pol.MaxLength > 0:
		return strconv.Itoa(pol.MinLength) + " to " + strconv.Itoa(pol.MaxLength)
	case pol.MinLength > 0:
		return "at least " + strconv.Itoa(pol.MinLength)
	default:
		return "at most " + strconv.Itoa(pol.MaxLength)
	}
}

// times spells a count of repetitions: "once", "twice", "5 times".
func times(n int) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return strconv.Itoa(n) + " times"
}
