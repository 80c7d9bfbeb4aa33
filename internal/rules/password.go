package rules

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// nameMinLength is the shortest first name, last name or email local part that
// CheckPassword looks for in a password.
const nameMinLength = 3

// CheckPasswordStrength checks a portal password's strength. The password must have at least
// pol.PasswordMinLength characters (runes; zero or negative: no minimum), an upper-case letter
// (unicode.IsUpper), a lower-case letter (unicode.IsLower), a digit (unicode.IsDigit) and a
// non-alphanumeric character (any rune that is neither a letter nor a digit, spaces included).
// It returns nil, or ONE violation "password_weak" (Field "password") whose message lists
// everything missing, e.g. "password must be at least 6 characters long and contain a digit
// and a non-alphanumeric character".
func CheckPasswordStrength(pw string, pol PasscodePolicy) []*Violation {
	var upper, lower, digit, other bool
	for _, r := range pw {
		switch {
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lower = true
		case unicode.IsDigit(r):
			digit = true
		case !unicode.IsLetter(r):
			other = true
		}
	}
	var missing []string
	for _, c := range []struct {
		ok   bool
		what string
	}{
		{upper, "an upper-case letter"},
		{lower, "a lower-case letter"},
		{digit, "a digit"},
		{other, "a non-alphanumeric character"},
	} {
		if !c.ok {
			missing = append(missing, c.what)
		}
	}
	var rules []string
	if pol.PasswordMinLength > 0 && utf8.RuneCountInString(pw) < pol.PasswordMinLength {
		rules = append(rules, "be at least "+strconv.Itoa(pol.PasswordMinLength)+" characters long")
	}
	if len(missing) > 0 {
		rules = append(rules, "contain "+joinList(missing, "and"))
	}
	if len(rules) == 0 {
		return nil
	}
	return []*Violation{{Code: CodePasswordWeak, Field: "password", Message: "password must " + joinList(rules, "and")}}
}

// CheckPassword checks every portal password rule: the violation of CheckPasswordStrength, then
// "password_contains_name" (Field "password") when the password contains, case-insensitively,
// the user's first name, last name or email local part (the part before the last "@"; the whole
// value when there is none). Each of those is trimmed and then ignored when it is shorter than 3
// characters, so a short name such as "Li" or an empty one does not ban every password that
// happens to contain it. Names are matched whole ("Mary Ann" is looked for with its space). The
// message says which of the three matched, never the value. Nil when pw passes.
func CheckPassword(pw string, pol PasscodePolicy, facts PasswordFacts) []*Violation {
	vs := CheckPasswordStrength(pw, pol)
	local := facts.Email
	if at := strings.LastIndexByte(local, '@'); at >= 0 {
		local = local[:at]
	}
	lowerPW := strings.ToLower(pw)
	var found []string
	for _, n := range []struct{ what, value string }{
		{"first name", facts.FirstName},
		{"last name", facts.LastName},
		{"email local part", local},
	} {
		v := strings.TrimSpace(n.value)
		if utf8.RuneCountInString(v) >= nameMinLength && strings.Contains(lowerPW, strings.ToLower(v)) {
			found = append(found, n.what)
		}
	}
	if len(found) > 0 {
		vs = append(vs, &Violation{Code: CodePasswordContainsName, Field: "password",
			Message: "password must not contain the user's " + joinList(found, "or")})
	}
	return vs
}
