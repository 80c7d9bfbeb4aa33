package rules_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

func TestViolationError(t *testing.T) {
	var err error = &rules.Violation{Code: "extension_invalid", Field: "extension", Message: "extension must be 2 to 10 digits"}
	if got, want := err.Error(), "extension: extension_invalid: extension must be 2 to 10 digits"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	err = &rules.Violation{Code: "phone_number_invalid", Message: "m"}
	if got, want := err.Error(), "phone_number_invalid: m"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	var v *rules.Violation
	if !errors.As(rules.ValidateExtension("x"), &v) || v.Code != rules.CodeExtensionInvalid {
		t.Errorf("errors.As did not find the violation")
	}
}

func TestValidateE164(t *testing.T) {
	for _, tc := range []struct {
		in    string
		valid bool
	}{
		{"+17205551200", true},
		{"+12345678", true},          // 8 digits: the minimum
		{"+1234567", false},          // 7 digits
		{"+123456789012345", true},   // 15 digits: the maximum
		{"+1234567890123456", false}, // 16 digits
		{"+01234567890", false},      // first digit 0
		{"+10720555124", false},      // +1 then 0: a trunk prefix, no area code starts with 0
		{"+11205551200", false},      // +1 then 1: no area code starts with 1
		{"+12005551200", true},       // area code 200
		{"+33720555124", true},       // outside +1 the digit after the code is free
		{"+390669821234", true},      // Italy keeps its 0
		{"17205551200", false},       // no plus
		{"++17205551200", false},
		{"+1 720 555 1200", false},
		{"+1-720-555-1200", false},
		{" +17205551200", false},
		{"+17205551200 ", false},
		{"+1720555120x", false},
		{"+１７２０５５５１２００", false}, // full-width digits
		{"+", false},
		{"", false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			checkErr(t, rules.ValidateE164(tc.in), tc.valid, "phone_number_invalid", "")
		})
	}
}

func TestValidateExtension(t *testing.T) {
	for _, tc := range []struct {
		in    string
		valid bool
	}{
		{"1", false},
		{"12", true},
		{"00", true},
		{"1200", true},
		{"1234567890", true},
		{"12345678901", false},
		{"12a", false},
		{" 12", false},
		{"-12", false},
		{"+12", false},
		{"١٢٣", false}, // Arabic-Indic digits
		{"", false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			checkErr(t, rules.ValidateExtension(tc.in), tc.valid, "extension_invalid", "extension")
		})
	}
}

func TestValidateEmail(t *testing.T) {
	long63 := strings.Repeat("a", 63)
	for _, tc := range []struct {
		in    string
		valid bool
	}{
		{"jane.doe@example.com", true},
		{"Jane.Doe+tag@Example.CO.uk", true},
		{"a@b.co", true},
		{"o'neil@example.com", true},
		{"x!#$%&'*+-/=?^_`{|}~@example.com", true},
		{"j@my-host.example", true},
		{"j@xn--bcher-kva.example", true},
		{strings.Repeat("a", 64) + "@example.com", true},
		{strings.Repeat("a", 65) + "@example.com", false}, // local part > 64
		{"j@" + long63 + ".com", true},
		{"j@" + long63 + "a.com", false}, // label > 63
		{strings.Repeat("a", 64) + "@" + long63 + "." + long63 + "." + strings.Repeat("b", 57) + ".com", true},  // 254
		{strings.Repeat("a", 64) + "@" + long63 + "." + long63 + "." + strings.Repeat("b", 58) + ".com", false}, // 255
		{"Jane Doe <jane@example.com>", false},
		{"<jane@example.com>", false},
		{"jane@example.com (Jane)", false},
		{`"jane doe"@example.com`, false},
		{"jane doe@example.com", false},
		{"jane@example", false}, // domain without a dot
		{"jane@localhost", false},
		{"jane@10.0.0.1", false}, // numeric top-level label
		{"jane@[10.0.0.1]", false},
		{"jane@example..com", false},
		{"jane@.example.com", false},
		{"jane@example.com.", false},
		{"jane@-example.com", false},
		{"jane@example-.com", false},
		{"jane@exa_mple.com", false},
		{".jane@example.com", false},
		{"jane.@example.com", false},
		{"ja..ne@example.com", false},
		{"jane@@example.com", false},
		{"ja@ne@example.com", false},
		{"@example.com", false},
		{"jane@", false},
		{"jané@example.com", false},
		{"jane@exämple.com", false},
		{" jane@example.com", false},
		{"jane@example.com\n", false},
		{"", false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			checkErr(t, rules.ValidateEmail(tc.in), tc.valid, "email_invalid", "email")
		})
	}
}

func TestValidateTimeZone(t *testing.T) {
	for _, tc := range []struct {
		in    string
		valid bool
	}{
		{"America/Denver", true},
		{"America/Argentina/Buenos_Aires", true},
		{"America/Port-au-Prince", true},
		{"Etc/GMT+5", true},
		{"Europe/Kyiv", true},
		{"UTC", true},
		{"EST5EDT", true},
		{"", false},
		{"Local", false},
		{"Factory", false},
		{"america/denver", false},
		{"AMERICA/DENVER", false},
		{"America/Denver ", false},
		{"America/Nowhere", false},
		{"posix/America/Denver", false},
		{"right/America/Denver", false},
		{"posixrules", false},
		{"zone.tab", false},
		{"../etc/passwd", false},
		{"/usr/share/zoneinfo/UTC", false},
		{"Mountain Standard Time", false},
		{"MST7", false},
		{"+07:00", false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			checkErr(t, rules.ValidateTimeZone(tc.in), tc.valid, "time_zone_invalid", "timeZone")
		})
	}
}
