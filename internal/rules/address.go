package rules

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Maximum lengths, in characters (runes), of the free-text address fields.
const (
	MaxAddressLineLength = 80 // address1 and address2
	MaxCityLength        = 40 // city
)

// ValidateCountry checks an ISO 3166-1 alpha-2 country code: one of the 249 officially assigned
// codes, in upper case exactly ("US", not "us"). The violation has code "address_invalid" and
// Field "country".
func ValidateCountry(s string) error { return asError(checkCountry(s)) }

// StateRequired reports whether an address in country needs a state: US and CA (a state or
// province code), where E911 routing depends on it. Elsewhere state is optional free text.
func StateRequired(country string) bool { return country == "US" || country == "CA" }

// ValidateUSState checks a USPS state code, case-insensitively: the 50 states, DC, the
// territories PR, GU, VI, AS and MP, and the military codes AA, AE and AP. Only ASCII letters
// match (no Unicode case folding). The violation has code "address_invalid" and Field "state".
func ValidateUSState(s string) error { return asError(checkUSState(s)) }

// ValidateUSZIP checks a US ZIP code: 5 ASCII digits, or ZIP+4 as 5 digits, a hyphen and 4
// digits ("80202", "80202-1234"). The violation has code "address_invalid" and Field
// "postalCode".
func ValidateUSZIP(s string) error { return asError(checkUSZIP(s)) }

// ValidateCAPostalCode checks a Canadian postal code "A1A 1A1": letter, digit, letter, an
// optional single space, digit, letter, digit; ASCII letters in either case. The letters D, F,
// I, O, Q and U are never used, and W and Z are not used as the first letter. The violation
// has code "address_invalid" and Field "postalCode".
func ValidateCAPostalCode(s string) error { return asError(checkCAPostalCode(s)) }

// ValidateAddress checks an E911 address as given (it does not normalise first) and returns
// every violation, in field order: address1, address2, city, state, postalCode, country; nil
// when the address is valid. All have code "address_invalid" and the camelCase Field.
//
//   - address1, city, postalCode and country are required, and state when the country is US or
//     CA (StateRequired); elsewhere state is optional (France has none). A value of only
//     whitespace counts as missing ("<field> is required");
//   - address1 and address2 are at most 80 characters, city at most 40 (runes, as given);
//   - country must pass ValidateCountry;
//   - for "US", state must pass ValidateUSState and postalCode ValidateUSZIP;
//   - for "CA", state must be a province or territory code (AB BC MB NB NL NS NT NU ON PE QC SK
//     YT, case-insensitive) and postalCode must pass ValidateCAPostalCode;
//   - for the other countries with a fixed postal code format (PostalCodeFormats: FR five
//     digits, DE, GB, NL, …) postalCode must pass ValidatePostalCode;
//   - for other countries state is free text, and so is postalCode where the country has no
//     fixed format.
//
// State and postal code are checked against the country only when the country is valid.
// Leading or trailing spaces make a coded value (country, state, postal code) invalid. The
// intended use, by the sandbox and by the provider's plan-time check alike, is to validate the
// address as sent and then store NormalizeAddress of it as "normalized".
func ValidateAddress(a Address) []*Violation {
	var vs []*Violation
	add := func(v *Violation) {
		if v != nil {
			vs = append(vs, v)
		}
	}
	country := checkCountry(a.Country)

	add(checkText("address1", a.Address1, true, MaxAddressLineLength))
	add(checkText("address2", a.Address2, false, MaxAddressLineLength))
	add(checkText("city", a.City, true, MaxCityLength))

	if strings.TrimSpace(a.State) == "" {
		if StateRequired(a.Country) {
			add(required("state", a.State))
		}
	} else if country == nil {
		switch a.Country {
		case "US":
			add(checkUSState(a.State))
		case "CA":
			add(checkCAProvince(a.State))
		}
	}

	if v := required("postalCode", a.PostalCode); v != nil {
		add(v)
	} else if country == nil {
		add(checkPostalCode(a.Country, a.PostalCode))
	}

	if v := required("country", a.Country); v != nil {
		add(v)
	} else {
		add(country)
	}
	return vs
}

// NormalizeAddress returns the canonical form of an address, the one the API returns as
// "normalized". Every field is trimmed, runs of white space (Unicode) inside it become one
// space and letters are upper-cased (Unicode). In address1 and address2, each whole word that
// is one of these is replaced by its USPS Publication 28 abbreviation:
//
//   - street suffixes: ALLEY ALY, AVENUE AVE, BOULEVARD BLVD, BYPASS BYP, CAUSEWAY CSWY,
//     CIRCLE CIR, COURT CT, CRESCENT CRES, DRIVE DR, EXPRESSWAY EXPY, FORT FT, FREEWAY FWY,
//     HEIGHTS HTS, HIGHWAY HWY, JUNCTION JCT, LANE LN, MOUNT MT, PARKWAY PKWY, PLACE PL,
//     PLAZA PLZ, POINT PT, ROAD RD, ROUTE RTE, SQUARE SQ, STREET ST, TERRACE TER, TRAIL TRL,
//     TURNPIKE TPKE;
//   - directionals: NORTH N, SOUTH S, EAST E, WEST W, NORTHEAST NE, NORTHWEST NW,
//     SOUTHEAST SE, SOUTHWEST SW;
//   - unit designators: APARTMENT APT, BUILDING BLDG, DEPARTMENT DEPT, FLOOR FL, ROOM RM,
//     SUITE STE.
//
// Trailing dots on such a word, full or already abbreviated, are dropped and trailing commas
// kept ("St." → "ST", "Ave.," → "AVE,"). Other words ("STREETVIEW", "P.O.") and all other
// punctuation are kept as they are. The city is not abbreviated. For country "CA" a postal code
// that is valid once its spaces are removed is written "A1A 1A1"; other postal codes (US ZIP
// codes included) are only trimmed and upper-cased.
//
// NormalizeAddress does not validate: an invalid address stays invalid (or may become valid,
// e.g. " us " → "US"). It never makes a valid address invalid, it never lengthens address1,
// address2 or city (in runes, so their length limits still hold), and it is idempotent:
// NormalizeAddress(NormalizeAddress(a)) == NormalizeAddress(a). Invalid UTF-8 bytes become
// U+FFFD.
func NormalizeAddress(a Address) Address {
	n := Address{
		Address1: normalizeStreet(a.Address1),
		Address2: normalizeStreet(a.Address2),
		City:     normalizeText(a.City),
		State:    normalizeText(a.State),
		Country:  normalizeText(a.Country),
	}
	n.PostalCode = normalizeText(a.PostalCode)
	if n.Country == "CA" {
		if compact := strings.ReplaceAll(n.PostalCode, " ", ""); len(compact) == 6 && checkCAPostalCode(compact) == nil {
			n.PostalCode = compact[:3] + " " + compact[3:]
		}
	}
	return n
}

// normalizeText upper-cases s, trims it and collapses inner whitespace to single spaces.
func normalizeText(s string) string {
	return strings.Join(strings.Fields(strings.ToUpper(s)), " ")
}

// normalizeStreet is normalizeText plus the word-wise USPS abbreviations. A word is matched
// without its trailing commas and then without its trailing dots.
func normalizeStreet(s string) string {
	words := strings.Fields(strings.ToUpper(s))
	for i, w := range words {
		head := strings.TrimRight(w, ",")
		if abbr, ok := streetAbbreviations[strings.TrimRight(head, ".")]; ok {
			words[i] = abbr + w[len(head):]
		}
	}
	return strings.Join(words, " ")
}

func addressViolation(field, message string) *Violation {
	return &Violation{Code: CodeAddressInvalid, Field: field, Message: message}
}

func required(field, s string) *Violation {
	if strings.TrimSpace(s) == "" {
		return addressViolation(field, field+" is required")
	}
	return nil
}

// checkText checks a free-text field: required (when req) and at most limit runes.
func checkText(field, s string, req bool, limit int) *Violation {
	if req {
		if v := required(field, s); v != nil {
			return v
		}
	}
	if utf8.RuneCountInString(s) > limit {
		return addressViolation(field, field+" must be at most "+strconv.Itoa(limit)+" characters")
	}
	return nil
}

func checkCountry(s string) *Violation {
	if len(s) == 2 && isUpperASCII(s[0]) && isUpperASCII(s[1]) && countryCodes[s] {
		return nil
	}
	return addressViolation("country", "country must be an ISO 3166-1 alpha-2 code in upper case, such as US or CA")
}

// upperCode returns a two-letter ASCII code in upper case, or "" when s is not two ASCII letters.
func upperCode(s string) string {
	if len(s) != 2 {
		return ""
	}
	b := []byte(s)
	for i, c := range b {
		switch {
		case isLowerASCII(c):
			b[i] = c - 'a' + 'A'
		case !isUpperASCII(c):
			return ""
		}
	}
	return string(b)
}

func checkUSState(s string) *Violation {
	if usStates[upperCode(s)] {
		return nil
	}
	return addressViolation("state", "state must be a USPS state, territory or military code such as CO")
}

func checkCAProvince(s string) *Violation {
	if caProvinces[upperCode(s)] {
		return nil
	}
	return addressViolation("state", "state must be a Canadian province or territory code such as ON")
}

func checkUSZIP(s string) *Violation {
	if (len(s) == 5 && isDigits(s)) || (len(s) == 10 && s[5] == '-' && isDigits(s[:5]) && isDigits(s[6:])) {
		return nil
	}
	return addressViolation("postalCode", "postalCode must be a US ZIP code such as 80202 or 80202-1234")
}

func checkCAPostalCode(s string) *Violation {
	if len(s) == 7 && s[3] == ' ' {
		s = s[:3] + s[4:]
	}
	if len(s) == 6 && caLetter(s[0], true) && isDigit(s[1]) && caLetter(s[2], false) &&
		isDigit(s[3]) && caLetter(s[4], false) && isDigit(s[5]) {
		return nil
	}
	return addressViolation("postalCode", "postalCode must be a Canadian postal code such as K1A 0B1")
}

// caLetter reports whether c is a letter Canada Post uses in postal codes (first: in the first
// position, where W and Z are not used either).
func caLetter(c byte, first bool) bool {
	if isLowerASCII(c) {
		c = c - 'a' + 'A'
	}
	if !isUpperASCII(c) || strings.IndexByte("DFIOQU", c) >= 0 {
		return false
	}
	return !first || (c != 'W' && c != 'Z')
}
