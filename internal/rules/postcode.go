package rules

import (
	"regexp"
	"sort"
	"strings"
)

// postalFormat is a country's fixed postal code format: a pattern over the code with its ASCII
// letters upper-cased, what the message calls it and an example.
type postalFormat struct {
	re      *regexp.Regexp
	what    string // "a French postal code of 5 digits"
	example string
}

// postalFormats are the countries whose postal codes have one fixed format, as their postal
// operators publish it (and the Universal Postal Union's addressing guide lists it). Letters
// may be given in either case, like the Canadian postal code; where the format has a space it
// is optional, where it has a hyphen the hyphen is required (JP and BR: optional). US and CA
// have their own rules (ValidateUSZIP, ValidateCAPostalCode). Every other country's postal
// code is free text: many have no postal codes or several formats.
var postalFormats = map[string]postalFormat{
	// Five digits.
	"FR": {re: regexp.MustCompile(`^[0-9]{5}$`), what: "a French postal code of 5 digits", example: "75001"},
	"MC": {re: regexp.MustCompile(`^980[0-9]{2}$`), what: "a Monaco postal code of 5 digits, 980 then 2 digits", example: "98000"},
	"DE": {re: regexp.MustCompile(`^[0-9]{5}$`), what: "a German postal code of 5 digits", example: "10117"},
	"IT": {re: regexp.MustCompile(`^[0-9]{5}$`), what: "an Italian postal code of 5 digits", example: "00184"},
	"ES": {re: regexp.MustCompile(`^(0[1-9]|[1-4][0-9]|5[0-2])[0-9]{3}$`), what: "a Spanish postal code of 5 digits, the first two a province 01 to 52", example: "28013"},
	"FI": {re: regexp.MustCompile(`^[0-9]{5}$`), what: "a Finnish postal code of 5 digits", example: "00100"},
	"MX": {re: regexp.MustCompile(`^[0-9]{5}$`), what: "a Mexican postal code of 5 digits", example: "06000"},
	// Four digits.
	"AT": {re: regexp.MustCompile(`^[1-9][0-9]{3}$`), what: "an Austrian postal code of 4 digits", example: "1010"},
	"BE": {re: regexp.MustCompile(`^[1-9][0-9]{3}$`), what: "a Belgian postal code of 4 digits", example: "1000"},
	"CH": {re: regexp.MustCompile(`^[1-9][0-9]{3}$`), what: "a Swiss postal code of 4 digits", example: "8001"},
	"DK": {re: regexp.MustCompile(`^[0-9]{4}$`), what: "a Danish postal code of 4 digits", example: "1050"},
	"NO": {re: regexp.MustCompile(`^[0-9]{4}$`), what: "a Norwegian postal code of 4 digits", example: "0150"},
	"AU": {re: regexp.MustCompile(`^[0-9]{4}$`), what: "an Australian postcode of 4 digits", example: "2000"},
	"NZ": {re: regexp.MustCompile(`^[0-9]{4}$`), what: "a New Zealand postcode of 4 digits", example: "6011"},
	// Six digits.
	"IN": {re: regexp.MustCompile(`^[1-9][0-9]{5}$`), what: "an Indian PIN code of 6 digits", example: "110001"},
	// Digits with a separator.
	"PT": {re: regexp.MustCompile(`^[1-9][0-9]{3}-[0-9]{3}$`), what: "a Portuguese postal code of 4 digits, a hyphen and 3 digits", example: "1100-148"},
	"PL": {re: regexp.MustCompile(`^[0-9]{2}-[0-9]{3}$`), what: "a Polish postal code of 2 digits, a hyphen and 3 digits", example: "00-950"},
	"SE": {re: regexp.MustCompile(`^[1-9][0-9]{2} ?[0-9]{2}$`), what: "a Swedish postal code of 5 digits (3, a space, 2)", example: "111 52"},
	"JP": {re: regexp.MustCompile(`^[0-9]{3}-?[0-9]{4}$`), what: "a Japanese postal code of 7 digits (3, a hyphen, 4)", example: "100-0001"},
	"BR": {re: regexp.MustCompile(`^[0-9]{5}-?[0-9]{3}$`), what: "a Brazilian CEP of 8 digits (5, a hyphen, 3)", example: "01310-100"},
	// Digits and letters.
	"NL": {re: regexp.MustCompile(`^[1-9][0-9]{3} ?([A-RT-Z][A-Z]|S[BCE-RT-Z])$`), what: "a Dutch postal code of 4 digits and 2 letters", example: "1012 JS"},
	// Royal Mail's format: an outward code (area letters and district) and an inward code (a
	// digit and two letters, never C, I, K, M, O or V), and the special GIR 0AA.
	"GB": {re: regexp.MustCompile(`^(GIR ?0AA|[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]|[A-HK-Y][0-9][ABEHMNPRVWXY]) ?[0-9][ABD-HJLNP-UW-Z]{2})$`),
		what: "a UK postcode (an outward code, a space, a digit and two letters)", example: "SW1A 2AA"},
}

// PostalCodeFormats returns the countries whose postal code ValidatePostalCode checks against a
// fixed format, sorted: US and CA and those of postalFormats.
func PostalCodeFormats() []string {
	cs := []string{"US", "CA"}
	for c := range postalFormats {
		cs = append(cs, c)
	}
	sort.Strings(cs)
	return cs
}

// ValidatePostalCode checks a postal code against its country's fixed format, where the country
// has one (PostalCodeFormats): US ZIP codes (ValidateUSZIP), Canadian postal codes
// (ValidateCAPostalCode), 5 digits in FR, DE, IT, FI and MX (ES: a province 01 to 52 then 3
// digits; MC: 980 then 2), 4 digits in AT, BE, CH, DK, NO, AU and NZ (AT, BE, CH: the first not
// 0), 6 in IN, "1234-567" in PT, "12-345" in PL, "123 45" in SE, "123-4567" in JP, "12345-678"
// in BR, "1234 AB" in NL and the UK postcode ("SW1A 2AA") in GB. Letters may be in either case
// (ASCII only); the space of SE, NL, GB and CA is optional, the hyphen of JP and BR too. For any
// other country (or a country that is not a valid code) the postal code is free text and the
// result is nil. The violation has code "address_invalid" and Field "postalCode"; its message
// names the format and gives an example, never the value checked.
func ValidatePostalCode(country, code string) error { return asError(checkPostalCode(country, code)) }

func checkPostalCode(country, code string) *Violation {
	switch country {
	case "US":
		return checkUSZIP(code)
	case "CA":
		return checkCAPostalCode(code)
	}
	f, ok := postalFormats[country]
	if !ok || f.re.MatchString(upperASCII(code)) {
		return nil
	}
	return addressViolation("postalCode", "postalCode must be "+f.what+" such as "+f.example)
}

// upperASCII upper-cases the ASCII letters of s and nothing else (no Unicode case folding: the
// Kelvin sign is not a K).
func upperASCII(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x80 && isLowerASCII(byte(r)) {
			return r - 'a' + 'A'
		}
		return r
	}, s)
}
