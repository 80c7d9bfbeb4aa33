package rules_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

func TestValidatePostalCode(t *testing.T) {
	for _, tc := range []struct {
		country, code string
		valid         bool
		message       string // substring of the message when invalid
	}{
		// FR: five digits (issue 20: normalize_address accepted "7500").
		{"FR", "75001", true, ""},
		{"FR", "97400", true, ""}, // La Réunion, overseas departments keep the format
		{"FR", "7500", false, "French postal code of 5 digits such as 75001"},
		{"FR", "750011", false, "5 digits"},
		{"FR", "75 001", false, "5 digits"},
		{"FR", "F-75001", false, "5 digits"},
		{"FR", "7500A", false, "5 digits"},
		{"MC", "98000", true, ""},
		{"MC", "75001", false, "980 then 2 digits"},
		{"DE", "10117", true, ""},
		{"DE", "01067", true, ""},
		{"DE", "1011", false, "German postal code of 5 digits"},
		{"IT", "00184", true, ""},
		{"IT", "0018", false, "Italian"},
		{"ES", "28013", true, ""},
		{"ES", "52001", true, ""},
		{"ES", "53001", false, "province 01 to 52"},
		{"ES", "00100", false, "province 01 to 52"},
		{"FI", "00100", true, ""},
		{"MX", "06000", true, ""},
		{"MX", "6000", false, "Mexican"},
		{"AT", "1010", true, ""},
		{"AT", "0100", false, "Austrian"},
		{"AT", "10100", false, "Austrian"},
		{"BE", "1000", true, ""},
		{"CH", "8001", true, ""},
		{"CH", "CH-8001", false, "Swiss"},
		{"DK", "1050", true, ""},
		{"NO", "0150", true, ""},
		{"NO", "150", false, "Norwegian"},
		{"AU", "0800", true, ""},
		{"AU", "20000", false, "Australian"},
		{"NZ", "6011", true, ""},
		{"IN", "110001", true, ""},
		{"IN", "010001", false, "Indian PIN"},
		{"PT", "1100-148", true, ""},
		{"PT", "1100148", false, "Portuguese"},
		{"PT", "1100", false, "Portuguese"},
		{"PL", "00-950", true, ""},
		{"PL", "00950", false, "Polish"},
		{"SE", "111 52", true, ""},
		{"SE", "11152", true, ""},
		{"SE", "111  52", false, "Swedish"},
		{"SE", "011 52", false, "Swedish"},
		{"JP", "100-0001", true, ""},
		{"JP", "1000001", true, ""},
		{"JP", "100-001", false, "Japanese"},
		{"BR", "01310-100", true, ""},
		{"BR", "01310100", true, ""},
		{"BR", "0131-0100", false, "Brazilian"},
		{"NL", "1012 JS", true, ""},
		{"NL", "1012js", true, ""},
		{"NL", "1012 SA", false, "Dutch"}, // SA, SD and SS are not used
		{"NL", "1012 SS", false, "Dutch"},
		{"NL", "1012 SB", true, ""},
		{"NL", "0123 AB", false, "Dutch"},
		{"NL", "1012", false, "Dutch"},
		// GB: every outward code shape, the inward code's letters, GIR 0AA.
		{"GB", "SW1A 2AA", true, ""},
		{"GB", "sw1a2aa", true, ""},
		{"GB", "M1 1AE", true, ""},
		{"GB", "B33 8TH", true, ""},
		{"GB", "CR2 6XH", true, ""},
		{"GB", "DN55 1PT", true, ""},
		{"GB", "W1A 0AX", true, ""},
		{"GB", "EC1A 1BB", true, ""},
		{"GB", "GIR 0AA", true, ""},
		{"GB", "SW1A 2CA", false, "UK postcode"}, // C is not used in the inward code
		{"GB", "QA1 1AA", false, "UK postcode"},  // Q is not an area's first letter
		{"GB", "SW1A", false, "UK postcode"},
		{"GB", "75001", false, "UK postcode"},
		{"GB", "SW1A  2AA", false, "UK postcode"},
		{"GB", "\u212a1 1AA", false, "UK postcode"}, // the Kelvin sign is not a K
		// US and CA through their own rules.
		{"US", "80202-1234", true, ""},
		{"US", "8020", false, "US ZIP code"},
		{"CA", "k1a0b1", true, ""},
		{"CA", "80202", false, "Canadian postal code"},
		// Countries without a fixed format (or not a country): free text.
		{"IE", "D02 X285", true, ""},
		{"LU", "L-1234", true, ""},
		{"XX", "anything", true, ""},
		{"fr", "7500", true, ""}, // the country rule reports a lower-case country; nothing is guessed
	} {
		t.Run(tc.country+"/"+tc.code, func(t *testing.T) {
			err := rules.ValidatePostalCode(tc.country, tc.code)
			if tc.valid {
				if err != nil {
					t.Fatalf("ValidatePostalCode(%q, %q) = %v, want valid", tc.country, tc.code, err)
				}
				return
			}
			var v *rules.Violation
			if !errors.As(err, &v) || v.Code != rules.CodeAddressInvalid || v.Field != "postalCode" {
				t.Fatalf("ValidatePostalCode(%q, %q) = %#v, want an address_invalid postalCode violation", tc.country, tc.code, err)
			}
			checkMessage(t, v)
			if !strings.Contains(v.Message, tc.message) {
				t.Errorf("message %q does not mention %q", v.Message, tc.message)
			}
			if other := rules.ValidatePostalCode(tc.country, "?"); other == nil || other.Error() != v.Error() {
				t.Errorf("message %q depends on the value (for %q: %v)", v.Message, "?", other)
			}
		})
	}
}

// TestPostalCodeFormatsExamples: every country with a fixed format accepts the example its
// message gives, and ValidateAddress applies the same rule.
func TestPostalCodeFormatsExamples(t *testing.T) {
	cs := rules.PostalCodeFormats()
	if !slices.IsSorted(cs) || !slices.Contains(cs, "FR") || !slices.Contains(cs, "GB") || !slices.Contains(cs, "US") {
		t.Fatalf("PostalCodeFormats() = %q", cs)
	}
	for _, c := range cs {
		err := rules.ValidatePostalCode(c, "?")
		var v *rules.Violation
		if !errors.As(err, &v) {
			t.Errorf("%s: %q accepted", c, "?")
			continue
		}
		example := v.Message[strings.LastIndex(v.Message, "such as ")+len("such as "):]
		example = strings.Fields(strings.ReplaceAll(example, " or ", " "))[0]
		if c == "GB" || c == "SE" || c == "NL" || c == "CA" { // examples with a space
			example = v.Message[strings.LastIndex(v.Message, "such as ")+len("such as "):]
		}
		if err := rules.ValidatePostalCode(c, example); err != nil {
			t.Errorf("%s: the message's example %q fails: %v", c, example, err)
		}
		a := rules.Address{Address1: "1 Main Street", City: "Town", PostalCode: "?", Country: c}
		if rules.StateRequired(c) {
			a.State = map[string]string{"US": "CO", "CA": "ON"}[c]
		}
		if vs := rules.ValidateAddress(a); len(vs) != 1 || vs[0].Message != v.Message {
			t.Errorf("%s: ValidateAddress = %v, want %q", c, vs, v.Message)
		}
		a.PostalCode = example
		if vs := rules.ValidateAddress(a); vs != nil {
			t.Errorf("%s: ValidateAddress(example) = %v", c, vs)
		}
	}
}

func TestValidateAddressFrenchPostcode(t *testing.T) {
	a := rules.Address{Address1: "8 Rue de Rivoli", City: "Paris", PostalCode: "7500", Country: "FR"}
	vs := rules.ValidateAddress(a)
	if len(vs) != 1 || vs[0].Field != "postalCode" || vs[0].Message != "postalCode must be a French postal code of 5 digits such as 75001" {
		t.Fatalf("ValidateAddress(%+v) = %v", a, vs)
	}
	a.PostalCode = "75004"
	if vs := rules.ValidateAddress(a); vs != nil {
		t.Fatalf("ValidateAddress(%+v) = %v", a, vs)
	}
}

// FuzzValidatePostalCode: the rule never panics, its violations have the documented shape and
// a message that does not depend on the value, it ignores the case of ASCII letters, and
// NormalizeAddress's form of a valid code is valid.
func FuzzValidatePostalCode(f *testing.F) {
	for _, s := range []string{"75001", "7500", "SW1A 2AA", "sw1a2aa", "1012 js", "111 52", "1100-148", "\u212a1 1AA", "", " 75001"} {
		for _, c := range []string{"FR", "GB", "NL", "SE", "PT", "DE", "JP"} {
			f.Add(c, s)
		}
	}
	messages := map[string]string{}
	for _, c := range rules.PostalCodeFormats() {
		var v *rules.Violation
		if errors.As(rules.ValidatePostalCode(c, "?"), &v) {
			messages[c] = v.Message
		}
	}
	f.Fuzz(func(t *testing.T, country, code string) {
		err := rules.ValidatePostalCode(country, code)
		if err != nil {
			var v *rules.Violation
			if !errors.As(err, &v) || v.Code != rules.CodeAddressInvalid || v.Field != "postalCode" || v.Message != messages[country] {
				t.Fatalf("ValidatePostalCode(%q, %q) = %#v", country, code, err)
			}
		}
		if upper := strings.ToUpper(code); strings.EqualFold(upper, code) && isASCII(code) {
			if (rules.ValidatePostalCode(country, upper) == nil) != (err == nil) {
				t.Fatalf("ValidatePostalCode(%q, %q) = %v, but %q gives the opposite", country, code, err, upper)
			}
		}
		if err == nil {
			n := rules.NormalizeAddress(rules.Address{PostalCode: code, Country: country})
			if n.Country == country {
				if err := rules.ValidatePostalCode(country, n.PostalCode); err != nil {
					t.Fatalf("valid %q normalised to invalid %q: %v", code, n.PostalCode, err)
				}
			}
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
