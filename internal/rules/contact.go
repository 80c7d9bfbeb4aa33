//go:generate go run gen_tznames.go

package rules

import (
	"sort"
	"strings"

	_ "time/tzdata" // time.LoadLocation works for every accepted zone without a system zoneinfo
)

// ValidateE164 checks an E.164 phone number: "+" then 8 to 15 ASCII digits, the first of them
// 1-9 (e.g. "+17205551200"). No spaces, dashes or other formatting are accepted. A number of
// the North American Numbering Plan (+1) has an area code starting with 2 to 9: "+1" followed
// by 0 or 1 is a national trunk prefix written after the calling code ("+1 0720…"), never a
// number. The violation has code "phone_number_invalid" and an empty Field, because the same
// rule applies to phoneNumber, pagerNumber and mobileNumber: the caller sets Field.
func ValidateE164(s string) error {
	if len(s) < 9 || len(s) > 16 || s[0] != '+' || s[1] == '0' || !isDigits(s[1:]) {
		return &Violation{Code: CodePhoneNumberInvalid,
			Message: "phone number must be in E.164 form: a plus sign then 8 to 15 digits, the first not 0"}
	}
	if s[1] == '1' && (s[2] == '0' || s[2] == '1') {
		return &Violation{Code: CodePhoneNumberInvalid,
			Message: "a North American (+1) phone number has an area code starting with 2 to 9, not 0 or 1"}
	}
	return nil
}

// ValidateExtension checks an extension: 2 to 10 ASCII digits (leading zeros allowed). The
// violation has code "extension_invalid" and Field "extension".
func ValidateExtension(s string) error {
	if len(s) >= 2 && len(s) <= 10 && isDigits(s) {
		return nil
	}
	return &Violation{Code: CodeExtensionInvalid, Field: "extension", Message: "extension must be 2 to 10 digits"}
}

// ValidateEmail checks a bare e-mail address (an RFC 5322 addr-spec without display name, angle
// brackets or comments), at most 254 characters. Precisely:
//   - local part: 1 to 64 characters, ASCII letters, digits and !#$%&'*+-/=?^_`{|}~, with dots
//     only between other characters (no leading, trailing or double dot); quoted local parts
//     are not accepted;
//   - domain: at least two labels separated by dots, each 1 to 63 ASCII letters, digits or
//     hyphens, not starting or ending with a hyphen, and the last label not all digits
//     (internationalised domains must be given in punycode, "xn--...");
//   - no whitespace anywhere. Case is kept as given and not judged.
//
// The violation has code "email_invalid" and Field "email".
func ValidateEmail(s string) error {
	at := strings.LastIndexByte(s, '@')
	if len(s) <= 254 && at > 0 && validEmailLocal(s[:at]) && validEmailDomain(s[at+1:]) {
		return nil
	}
	return &Violation{Code: CodeEmailInvalid, Field: "email",
		Message: "email must be a plain address such as name@example.com, without display name or angle brackets"}
}

func validEmailLocal(s string) bool {
	if len(s) == 0 || len(s) > 64 || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isDigit(c) && !isUpperASCII(c) && !isLowerASCII(c) && !strings.ContainsRune(".!#$%&'*+-/=?^_`{|}~", rune(c)) {
			return false
		}
	}
	return true
}

func validEmailDomain(s string) bool {
	labels := strings.Split(s, ".")
	if len(labels) < 2 || isDigits(labels[len(labels)-1]) {
		return false
	}
	for _, l := range labels {
		if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			if c := l[i]; !isDigit(c) && !isUpperASCII(c) && !isLowerASCII(c) && c != '-' {
				return false
			}
		}
	}
	return true
}

// ValidateTimeZone checks an IANA time zone name such as "America/Denver" or "UTC": the name
// must be spelled exactly (case-sensitive) as a zone of the time zone database that Go embeds
// with time/tzdata (the list is in tznames.go, generated from the toolchain). Refused: "",
// "Local" (the host's zone) and the placeholder zone "Factory". The check is a pure look-up, so
// the answer is the same on every host, whatever its own zoneinfo holds ("posix/...",
// "right/...", case variants on a case-insensitive file system are refused). This package
// imports time/tzdata, so time.LoadLocation succeeds for every accepted name in any binary that
// links it (the tests load every name). The violation has code "time_zone_invalid" and Field
// "timeZone".
func ValidateTimeZone(s string) error {
	if i := sort.SearchStrings(tzNames[:], s); s != "Factory" && i < len(tzNames) && tzNames[i] == s {
		return nil
	}
	return &Violation{Code: CodeTimeZoneInvalid, Field: "timeZone",
		Message: "time zone must be an IANA time zone name such as America/Denver"}
}
