package rules

import (
	"errors"
	"strconv"
	"strings"
	"unicode"
)

// ToE164 turns a phone number written for people (as spreadsheets and directories hold them)
// into E.164, the form every phone number attribute takes. It removes white space (including
// non-breaking spaces), dashes, dots, slashes and parentheses, then:
//
//   - "+" followed by digits is international already ("+33 6 34 33 32 00" → "+33634333200");
//   - "00" followed by digits is the international prefix ("0033 6 34 …" → "+33634…"); for a
//     default country in the North American Numbering Plan "011" is too;
//   - otherwise the number is national to defaultCountry (an ISO 3166-1 alpha-2 code, any case):
//     its national trunk prefix is dropped and its country calling code put in front
//     (NationalTrunkPrefix). The trunk prefix is "1" in the North American Numbering Plan (only
//     on 11 digits: "1 720 555 1200"; a national number there is 10 digits, its area code
//     starting with 2 to 9), "8" in RU and KZ (on 11 digits), "06" in HU, a single "0" in most
//     countries ("06 34 33 32 00", FR → "+33634333200"; "07 20 55 51 24", FR → "+33720555124")
//     and none in the plans that abolished it (ES, PT, GR, DK, NO, PL, CZ, MX, …; see
//     NationalTrunkPrefix). In IT, SM and VA a leading 0 is part of the number and is kept.
//
// A national number that starts with a trunk prefix its country's plan does not have fails
// instead of being guessed at: "07 20 55 51 24" with US (the North American plan has no trunk
// prefix 0 and no area code starting with 0 or 1), "0 612 345 678" with ES, "0 1 234 5678"
// with HU (whose trunk prefix is 06). An international number written with the trunk prefix in
// parentheses, as British and German stationery does ("+44 (0)20 7946 0018"), loses the "(0)".
//
// The result must pass ValidateE164; a number with a plus sign converts exactly when its
// digits pass ValidateE164, so the function and the plan-time validators agree. Violations have
// code "phone_number_invalid" and no Field; like every message of this package they do not
// repeat the number.
func ToE164(number, defaultCountry string) (string, error) {
	digits, plus, v := stripPhoneFormatting(dropParenthesisedTrunkZero(number))
	if v != nil {
		return "", v
	}
	code, country := "", strings.ToUpper(strings.TrimSpace(defaultCountry))
	switch {
	case plus:
	case strings.HasPrefix(digits, "00"):
		digits = digits[2:]
	case strings.HasPrefix(digits, "011") && callingCodes[country] == "1":
		digits = digits[3:]
	default:
		if country == "" {
			return "", phoneViolation("a number without a plus sign or 00 needs a default country")
		}
		if checkCountry(country) != nil {
			return "", phoneViolation("the default country must be an ISO 3166-1 alpha-2 code, such as US or FR")
		}
		code = callingCodes[country]
		if code == "" {
			return "", phoneViolation("the default country " + country + " has no country calling code")
		}
		national, v := dropTrunkPrefix(digits, country, code)
		if v != nil {
			return "", v
		}
		digits = national
	}
	e164 := "+" + code + digits
	if err := ValidateE164(e164); err != nil {
		var v *Violation
		if errors.As(err, &v) && plus {
			return "", phoneViolation(v.Message)
		}
		return "", phoneViolation("the number does not make an E.164 number (a plus sign then 8 to 15 digits, the first not 0)")
	}
	return e164, nil
}

// ExtensionFromNumber returns the last n digits of a phone number written in any of the forms
// ToE164 reads (the User Hub guide recommends the last 4 digits of the DID as the extension).
// n must be 2 to 10 (the extension rule) and the number must have at least n digits. The result
// passes ValidateExtension. Violations have code "extension_invalid" and Field "extension".
func ExtensionFromNumber(number string, n int) (string, error) {
	if n < 2 || n > 10 {
		return "", &Violation{Code: CodeExtensionInvalid, Field: "extension", Message: "an extension has 2 to 10 digits"}
	}
	digits, _, v := stripPhoneFormatting(number)
	if v != nil {
		return "", &Violation{Code: CodeExtensionInvalid, Field: "extension", Message: v.Message}
	}
	if len(digits) < n {
		return "", &Violation{Code: CodeExtensionInvalid, Field: "extension",
			Message: "the number has fewer than " + strconv.Itoa(n) + " digits"}
	}
	ext := digits[len(digits)-n:]
	if err := ValidateExtension(ext); err != nil {
		return "", err
	}
	return ext, nil
}

// stripPhoneFormatting returns the ASCII digits of a formatted number and whether it started
// with "+". Only formatting characters may surround the digits.
func stripPhoneFormatting(number string) (digits string, plus bool, v *Violation) {
	var b strings.Builder
	for i, r := range strings.TrimSpace(number) {
		switch {
		case '0' <= r && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			plus = true
		case unicode.IsSpace(r) || strings.ContainsRune("-.()/\u2010\u2011\u2012\u2013", r):
		default:
			return "", false, phoneViolation("a phone number may hold only digits, a leading plus sign, spaces, dashes, dots, slashes and parentheses")
		}
	}
	if b.Len() == 0 {
		return "", false, phoneViolation("the phone number has no digits")
	}
	return b.String(), plus, nil
}

// NationalTrunkPrefix returns the national trunk prefix of a country's numbering plan: the
// digits dialled before a national number within the country and never after its calling code.
// ok is false for a country without a calling code (and for anything but an ISO 3166-1 alpha-2
// code in upper case). The prefix is
//
//   - "1" in the North American Numbering Plan (US, CA and the Caribbean members of +1);
//   - "8" in RU and KZ;
//   - "06" in HU;
//   - "" in IT, SM and VA, where the leading 0 of a fixed-line number is part of the number, and
//     in the plans that have no trunk prefix (closed numbering plans, or plans that abolished
//     it): AD, BH, CY, CZ, DK, EE, ES, FO, GI, GL, GR, HK, IS, KW, LI, LU, LV, MC, MO, MT, MX,
//     NO, OM, PL, PT, QA, SG, SJ (ITU-T E.164 national numbering plans);
//   - "0" elsewhere.
func NationalTrunkPrefix(country string) (prefix string, ok bool) {
	code := callingCodes[country]
	switch {
	case code == "":
		return "", false
	case code == "1":
		return "1", true
	case code == "7":
		return "8", true
	case country == "HU":
		return "06", true
	case leadingZeroKept[country] || noTrunkPrefix[country]:
		return "", true
	}
	return "0", true
}

// leadingZeroKept are the countries whose national numbers keep their leading 0 after the
// country calling code (+39 06 6982 …).
var leadingZeroKept = map[string]bool{"IT": true, "SM": true, "VA": true}

// noTrunkPrefix are the countries whose numbering plans have no national trunk prefix (see
// NationalTrunkPrefix): a national number written with a leading 0 is an error there.
var noTrunkPrefix = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range strings.Fields("AD BH CY CZ DK EE ES FO GI GL GR HK IS KW LI LU LV MC MO MT MX NO OM PL PT QA SG SJ") {
		m[c] = true
	}
	return m
}()

// dropTrunkPrefix removes the national trunk prefix of a national number (see ToE164), or
// fails when the number starts with a trunk prefix the country's plan does not have.
func dropTrunkPrefix(digits, country, code string) (string, *Violation) {
	trunk, _ := NationalTrunkPrefix(country)
	switch {
	case code == "1":
		if len(digits) == 11 && digits[0] == '1' {
			digits = digits[1:]
		}
		if len(digits) != 10 {
			return "", phoneViolation("a national number of the North American Numbering Plan has 10 digits (or 11 starting with 1)")
		}
		if digits[0] == '0' || digits[0] == '1' {
			return "", phoneViolation("the North American Numbering Plan (default country " + country +
				") has no national trunk prefix 0 and no area code starting with 0 or 1: a national number there is 10 digits, the first 2 to 9")
		}
		return digits, nil
	case leadingZeroKept[country]:
		return digits, nil
	case code == "7":
		if len(digits) == 11 && digits[0] == '8' {
			digits = digits[1:]
		}
	case trunk != "":
		digits = strings.TrimPrefix(digits, trunk)
	}
	if digits != "" && digits[0] == '0' {
		if trunk == "" {
			return "", phoneViolation("the numbering plan of " + country +
				" has no national trunk prefix: a national number there does not start with 0 (write it without the 0, or with its country calling code)")
		}
		return "", phoneViolation("the national trunk prefix of " + country + " is " + trunk +
			": a national number there does not start with 0 otherwise (write it with its country calling code)")
	}
	return digits, nil
}

// dropParenthesisedTrunkZero removes a "(0)" after the country calling code of an
// international number ("+44 (0)20 7946 0018", "+49 (0)30 123456"): the trunk prefix written
// for national callers, never dialled after a calling code. After +39 (IT, VA) and +378 (SM)
// the 0 is part of the number, so only the parentheses go.
func dropParenthesisedTrunkZero(number string) string {
	s := strings.TrimSpace(number)
	i := strings.Index(s, "(0)")
	if !strings.HasPrefix(s, "+") || i < 2 {
		return number
	}
	keep := ""
	if cc, _, v := stripPhoneFormatting(s[:i]); v == nil && (cc == "39" || cc == "378") {
		keep = "0"
	}
	return s[:i] + keep + s[i+3:]
}

func phoneViolation(message string) *Violation {
	return &Violation{Code: CodePhoneNumberInvalid, Message: message}
}

// callingCodes maps ISO 3166-1 alpha-2 codes to their ITU-T E.164 country calling code.
// Uninhabited territories without one (AQ, BV, HM, TF, UM) are left out.
var callingCodes = func() map[string]string {
	table := map[string]string{
		"1": "US CA AG AI AS BB BM BS DM DO GD GU JM KN KY LC MP MS PR SX TC TT VC VG VI",
		"7": "RU KZ", "20": "EG", "27": "ZA", "30": "GR", "31": "NL", "32": "BE", "33": "FR", "34": "ES",
		"36": "HU", "39": "IT VA", "40": "RO", "41": "CH", "43": "AT", "44": "GB GG IM JE", "45": "DK",
		"46": "SE", "47": "NO SJ", "48": "PL", "49": "DE", "51": "PE", "52": "MX", "53": "CU", "54": "AR",
		"55": "BR", "56": "CL", "57": "CO", "58": "VE", "60": "MY", "61": "AU CX CC", "62": "ID", "63": "PH",
		"64": "NZ PN", "65": "SG", "66": "TH", "81": "JP", "82": "KR", "84": "VN", "86": "CN", "90": "TR",
		"91": "IN", "92": "PK", "93": "AF", "94": "LK", "95": "MM", "98": "IR",
		"211": "SS", "212": "MA EH", "213": "DZ", "216": "TN", "218": "LY", "220": "GM", "221": "SN",
		"222": "MR", "223": "ML", "224": "GN", "225": "CI", "226": "BF", "227": "NE", "228": "TG",
		"229": "BJ", "230": "MU", "231": "LR", "232": "SL", "233": "GH", "234": "NG", "235": "TD",
		"236": "CF", "237": "CM", "238": "CV", "239": "ST", "240": "GQ", "241": "GA", "242": "CG",
		"243": "CD", "244": "AO", "245": "GW", "246": "IO", "248": "SC", "249": "SD", "250": "RW",
		"251": "ET", "252": "SO", "253": "DJ", "254": "KE", "255": "TZ", "256": "UG", "257": "BI",
		"258": "MZ", "260": "ZM", "261": "MG", "262": "RE YT", "263": "ZW", "264": "NA", "265": "MW",
		"266": "LS", "267": "BW", "268": "SZ", "269": "KM", "290": "SH", "291": "ER", "297": "AW",
		"298": "FO", "299": "GL", "350": "GI", "351": "PT", "352": "LU", "353": "IE", "354": "IS",
		"355": "AL", "356": "MT", "357": "CY", "358": "FI AX", "359": "BG", "370": "LT", "371": "LV",
		"372": "EE", "373": "MD", "374": "AM", "375": "BY", "376": "AD", "377": "MC", "378": "SM",
		"380": "UA", "381": "RS", "382": "ME", "385": "HR", "386": "SI", "387": "BA", "389": "MK",
		"420": "CZ", "421": "SK", "423": "LI", "500": "FK GS", "501": "BZ", "502": "GT", "503": "SV",
		"504": "HN", "505": "NI", "506": "CR", "507": "PA", "508": "PM", "509": "HT", "590": "GP BL MF",
		"591": "BO", "592": "GY", "593": "EC", "594": "GF", "595": "PY", "596": "MQ", "597": "SR",
		"598": "UY", "599": "CW BQ", "670": "TL", "672": "NF", "673": "BN", "674": "NR", "675": "PG",
		"676": "TO", "677": "SB", "678": "VU", "679": "FJ", "680": "PW", "681": "WF", "682": "CK",
		"683": "NU", "685": "WS", "686": "KI", "687": "NC", "688": "TV", "689": "PF", "690": "TK",
		"691": "FM", "692": "MH", "850": "KP", "852": "HK", "853": "MO", "855": "KH", "856": "LA",
		"880": "BD", "886": "TW", "960": "MV", "961": "LB", "962": "JO", "963": "SY", "964": "IQ",
		"965": "KW", "966": "SA", "967": "YE", "968": "OM", "970": "PS", "971": "AE", "972": "IL",
		"973": "BH", "974": "QA", "975": "BT", "976": "MN", "977": "NP", "992": "TJ", "993": "TM",
		"994": "AZ", "995": "GE", "996": "KG", "998": "UZ",
	}
	m := map[string]string{}
	for code, countries := range table {
		for _, c := range strings.Fields(countries) {
			m[c] = code
		}
	}
	return m
}()
