package rules_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

// Each single-value validator is fuzzed against an independent oracle (a regular expression or
// a brute-force check), so a fuzz failure means the two disagree.

var (
	e164RE      = regexp.MustCompile(`^\+([2-9][0-9]{7,14}|1[2-9][0-9]{6,13})$`) // +1: area code 2-9
	extensionRE = regexp.MustCompile(`^[0-9]{2,10}$`)
	zipRE       = regexp.MustCompile(`^[0-9]{5}(-[0-9]{4})?$`)
	caPostalRE  = regexp.MustCompile(`^[ABCEGHJ-NPRSTVXYabceghj-nprstvxy][0-9][ABCEGHJ-NPRSTV-Zabceghj-nprstv-z] ?[0-9][ABCEGHJ-NPRSTV-Zabceghj-nprstv-z][0-9]$`)
	atext       = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
	label       = `[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?`
	emailRE     = regexp.MustCompile(`^` + atext + `(\.` + atext + `)*@(` + label + `\.)+` + label + `$`)
)

// fuzzValidator fuzzes a single-value validator against its oracle.
func fuzzValidator(f *testing.F, validate func(string) error, oracle func(string) bool, code, field string, seeds ...string) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := validate(s)
		if want := oracle(s); (err == nil) != want {
			t.Fatalf("validate(%q) = %v, oracle says valid=%v", s, err, want)
		}
		if err != nil {
			var v *rules.Violation
			if !errors.As(err, &v) || v.Code != code || v.Field != field || v.Message == "" {
				t.Fatalf("validate(%q) = %#v", s, err)
			}
		}
	})
}

func FuzzValidateE164(f *testing.F) {
	fuzzValidator(f, rules.ValidateE164, e164RE.MatchString, "phone_number_invalid", "",
		"+17205551200", "+12345678", "+1234567", "+123456789012345", "+1234567890123456", "+0123456789", "", "+", "17205551200", "+10720555124", "+11234567890")
}

func FuzzValidateExtension(f *testing.F) {
	fuzzValidator(f, rules.ValidateExtension, extensionRE.MatchString, "extension_invalid", "extension",
		"12", "1", "1234567890", "12345678901", "12a", "", "٣٣")
}

func FuzzValidateUSZIP(f *testing.F) {
	fuzzValidator(f, rules.ValidateUSZIP, zipRE.MatchString, "address_invalid", "postalCode",
		"80202", "8020", "802021", "80202-1234", "80202-123", "802021234", "")
}

func FuzzValidateCAPostalCode(f *testing.F) {
	fuzzValidator(f, rules.ValidateCAPostalCode, caPostalRE.MatchString, "address_invalid", "postalCode",
		"K1A 0B1", "k1a0b1", "W1A 1A1", "K1A  0B1", "\u212a1A 0B1", "")
}

func FuzzValidateEmail(f *testing.F) {
	oracle := func(s string) bool {
		at := strings.LastIndex(s, "@")
		if !emailRE.MatchString(s) || len(s) > 254 || at > 64 {
			return false
		}
		labels := strings.Split(s[at+1:], ".")
		return strings.Trim(labels[len(labels)-1], "0123456789") != ""
	}
	fuzzValidator(f, rules.ValidateEmail, oracle, "email_invalid", "email",
		"jane@example.com", "Jane <jane@example.com>", "a@b", "a@1.2", "a..b@c.d", "a@b-.c", `"a"@b.c`, "")
}

// The country and state lists themselves are checked by the unit tests (249 and 59 codes); the
// fuzzers check that nothing else is accepted and how case is treated.

func FuzzValidateCountry(f *testing.F) {
	fuzzValidator(f, rules.ValidateCountry, func(s string) bool {
		return len(s) == 2 && 'A' <= s[0] && s[0] <= 'Z' && 'A' <= s[1] && s[1] <= 'Z' &&
			rules.ValidateCountry(s) == nil // membership; lower case and non-ASCII never pass
	}, "address_invalid", "country", "US", "us", "XK", "ZZ", "", "USA", "\u212aR")
}

func FuzzValidateUSState(f *testing.F) {
	fuzzValidator(f, rules.ValidateUSState, func(s string) bool {
		return len(s) == 2 && isASCIILetters(s) &&
			rules.ValidateUSState(strings.ToUpper(s)) == nil // case-insensitive membership
	}, "address_invalid", "state", "CO", "co", "ſc", "ON", "", "COL")
}

func isASCIILetters(s string) bool {
	for _, c := range []byte(s) {
		if (c < 'A' || 'Z' < c) && (c < 'a' || 'z' < c) {
			return false
		}
	}
	return true
}

func FuzzValidateTimeZone(f *testing.F) {
	for _, s := range []string{"America/Denver", "UTC", "Local", "", "Factory", "posixrules", "america/denver", "../x", "Etc/GMT+5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if rules.ValidateTimeZone(s) != nil {
			return
		}
		if s == "" || s == "Local" || s == "Factory" {
			t.Fatalf("%q accepted", s)
		}
		if _, err := time.LoadLocation(s); err != nil {
			t.Fatalf("%q accepted but LoadLocation: %v", s, err)
		}
	})
}

func FuzzReverse(f *testing.F) {
	for _, s := range []string{"", "1234", "héllo", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := rules.Reverse(s)
		if utf8.RuneCountInString(r) != utf8.RuneCountInString(s) {
			t.Fatalf("Reverse(%q) = %q changes the rune count", s, r)
		}
		if utf8.ValidString(s) && rules.Reverse(r) != s {
			t.Fatalf("Reverse(Reverse(%q)) = %q", s, rules.Reverse(r))
		}
	})
}

// FuzzNormalizeAddress checks that NormalizeAddress is idempotent, never turns a valid address
// into an invalid one, never lengthens a free-text field, and that ValidateAddress never panics and
// reports in field order.
func FuzzNormalizeAddress(f *testing.F) {
	f.Add("1600 Pennsylvania Avenue NW", "", "Washington", "DC", "20500", "US")
	f.Add("111 wellington street.", "suite. 5,", "ottawa", "on", "k1a0a9", "CA")
	f.Add("  north   east  ", "\tFLOOR.,", " ", "co", " 80202-1234 ", " us ")
	f.Add("ST.,.", "EAST,.", "ſt", "ſc", "k1a   0a9", "ca")
	f.Add("\xff street", "\u00a0avenue\u00a0", "montréal", "QC", "H2X 1Y4", "CA")
	f.Add("", "", "", "", "", "")
	f.Add("8 rue de rivoli", "", "paris", "", "7500", "FR")
	f.Add("10 downing street", "", "london", "", "sw1a2aa", "GB")
	f.Add("dam 1", "", "amsterdam", "", " 1012   js ", "NL")
	fieldOrder := map[string]int{"address1": 0, "address2": 1, "city": 2, "state": 3, "postalCode": 4, "country": 5}
	f.Fuzz(func(t *testing.T, a1, a2, city, state, postal, country string) {
		a := rules.Address{Address1: a1, Address2: a2, City: city, State: state, PostalCode: postal, Country: country}
		n := rules.NormalizeAddress(a)
		if nn := rules.NormalizeAddress(n); nn != n {
			t.Fatalf("not idempotent:\n in    %+q\n once  %+q\n twice %+q", a, n, nn)
		}
		in := []string{a.Address1, a.Address2, a.City, a.State, a.PostalCode, a.Country}
		for i, s := range []string{n.Address1, n.Address2, n.City, n.State, n.PostalCode, n.Country} {
			if i < 3 && utf8.RuneCountInString(s) > utf8.RuneCountInString(in[i]) {
				t.Fatalf("field %d lengthened: %q → %q", i, in[i], s)
			}
			if s != strings.TrimSpace(s) || strings.Contains(s, "  ") || strings.ToUpper(s) != s {
				t.Fatalf("field %d not clean: %q", i, s)
			}
		}
		last := -1
		vs := rules.ValidateAddress(a)
		for _, v := range vs {
			pos, ok := fieldOrder[v.Field]
			if v.Code != "address_invalid" || !ok || pos < last || v.Message == "" {
				t.Fatalf("bad violations %v", vs)
			}
			last = pos
		}
		// state is required for US and CA only (oracle: blank state and a North American country).
		stateMissing := false
		for _, v := range vs {
			stateMissing = stateMissing || (v.Field == "state" && v.Message == "state is required")
		}
		if want := strings.TrimSpace(a.State) == "" && (a.Country == "US" || a.Country == "CA"); stateMissing != want {
			t.Fatalf("state %q, country %q: state required violation %v, want %v", a.State, a.Country, stateMissing, want)
		}
		if vs == nil {
			if nvs := rules.ValidateAddress(n); nvs != nil {
				t.Fatalf("valid %+q normalised to invalid %+q: %v", a, n, nvs)
			}
		}
	})
}

// passcodeMessages returns the message of every passcode rule under pol, from fixed inputs;
// fuzzed messages must be exactly these, which proves they do not depend on the passcode.
func passcodeMessages(tb testing.TB, pol rules.PasscodePolicy) map[string]string {
	tb.Helper()
	all := map[string]string{}
	always := rules.PasscodeFacts{Extension: "12", IsPrevious: func(string) bool { return true }}
	for _, p := range []string{"", "a", strings.Repeat("1", pol.MaxRepeatedDigits+1), "0123456789"[:pol.MaxSequenceLength+1], "12", "21"} {
		for _, v := range rules.CheckPasscode(p, pol, always) {
			all[v.Code] = v.Message
		}
	}
	if len(all) != 8 {
		tb.Fatalf("found %d passcode messages, want 8: %v", len(all), all)
	}
	return all
}

func FuzzCheckPasscode(f *testing.F) {
	f.Add("846302", "+17205551200", "1200", "739154")
	f.Add("551200", "+17205551200", "1200", "")
	f.Add("002155", "+17205551200", "1200", "")
	f.Add("1555555", "", "", "")
	f.Add("987650", "", "", "")
	f.Add("12a34b56", "+1 720", "", "65b43a21")
	f.Add("", "", "", "")
	f.Add("７３９１５４", "", "７３９１５４", "")
	pols := []rules.PasscodePolicy{rules.DefaultPasscodePolicy(), tightPolicy()}
	var msgs []map[string]string
	for _, pol := range pols {
		msgs = append(msgs, passcodeMessages(f, pol))
	}
	f.Fuzz(func(t *testing.T, p, phone, ext, prev string) {
		facts := rules.PasscodeFacts{PhoneNumber: phone, Extension: ext, IsPrevious: func(c string) bool { return c == prev }}
		for i, pol := range pols {
			vs := rules.CheckPasscode(p, pol, facts)
			got := map[string]bool{}
			for _, v := range vs {
				if v.Field != "passcode" || v.Message != msgs[i][v.Code] {
					t.Fatalf("violation %+v: message is not the fixed message %q of its rule", v, msgs[i][v.Code])
				}
				got[v.Code] = true
			}
			want := passcodeOracle(p, pol, facts)
			for code := range msgs[i] {
				if got[code] != want[code] {
					t.Fatalf("CheckPasscode(%q, %+v, %q/%q/%q): %s = %v, oracle %v", p, pol, phone, ext, prev, code, got[code], want[code])
				}
			}
		}
	})
}

// passcodeOracle is a brute-force restatement of the passcode rules.
func passcodeOracle(p string, pol rules.PasscodePolicy, facts rules.PasscodeFacts) map[string]bool {
	n := utf8.RuneCountInString(p)
	onlyDigits := strings.Trim(p, "0123456789") == ""
	window := func(size, step int) bool { // some size consecutive bytes are digits each step apart
		for i := 0; i+size <= len(p); i++ {
			ok := true
			for j := i; j < i+size && ok; j++ {
				ok = '0' <= p[j] && p[j] <= '9' && (j == i || int(p[j])-int(p[j-1]) == step)
			}
			if ok {
				return true
			}
		}
		return false
	}
	var digits []byte
	for _, c := range []byte(facts.PhoneNumber) {
		if '0' <= c && c <= '9' {
			digits = append(digits, c)
		}
	}
	isUser := func(c string) bool {
		if c != "" && c == facts.Extension {
			return true
		}
		for k := max(pol.MinLength, 1); k <= len(digits); k++ {
			if c == string(digits[len(digits)-k:]) {
				return true
			}
		}
		return false
	}
	rev := rules.Reverse(p)
	return map[string]bool{
		"passcode_length":                  n < pol.MinLength || n > pol.MaxLength,
		"passcode_not_digits":              !onlyDigits,
		"passcode_repeated_digits":         window(pol.MaxRepeatedDigits+1, 0),
		"passcode_sequence":                window(pol.MaxSequenceLength+1, 1) || window(pol.MaxSequenceLength+1, -1),
		"passcode_is_user_number":          pol.BlockUserNumber && isUser(p),
		"passcode_is_reversed_user_number": pol.BlockReversedUserNumber && isUser(rev),
		"passcode_reused":                  pol.BlockPrevious && facts.IsPrevious(p),
		"passcode_reversed_reused":         pol.BlockPreviousReversed && facts.IsPrevious(rev),
	}
}

// passwordMessages returns every message CheckPassword can produce under pol: the 31
// "password_weak" combinations and the 7 "password_contains_name" ones.
func passwordMessages(pol rules.PasscodePolicy) map[string]bool {
	all := map[string]bool{}
	classes := []string{"A", "a", "1", "!"}
	for mask := 0; mask < 16; mask++ {
		s := ""
		for i, c := range classes {
			if mask&(1<<i) != 0 {
				s += c
			}
		}
		short := s                                                            // shorter than any minimum >= 5
		long := s + strings.Repeat("ǅ", max(0, pol.PasswordMinLength-len(s))) // title case adds no class
		for _, pw := range []string{short, long} {
			for _, v := range rules.CheckPasswordStrength(pw, pol) {
				all[v.Message] = true
			}
		}
	}
	names := []string{"First", "Last", "local"}
	for mask := 1; mask < 8; mask++ {
		pw := ""
		for i, n := range names {
			if mask&(1<<i) != 0 {
				pw += n
			}
		}
		for _, v := range rules.CheckPassword(pw, pol, rules.PasswordFacts{FirstName: "first", LastName: "last", Email: "local@example.com"}) {
			all[v.Message] = true
		}
	}
	return all
}

func FuzzCheckPassword(f *testing.F) {
	f.Add("Tr0ub4dor&3", "Jane", "Doe", "jdoe@example.com")
	f.Add("jane", "Jane", "Doe", "jdoe@example.com")
	f.Add("", "", "", "")
	f.Add("Li!Wu1xx", "Li", "Wu", "li@x.y")
	f.Add("ǅǅǅǅǅǅ", "ǅ", "", "@@")
	f.Add("\xff\xfeA1!a", "\xff", "", "")
	pols := []rules.PasscodePolicy{rules.DefaultPasscodePolicy(), tightPolicy()}
	var msgs []map[string]bool
	for _, pol := range pols {
		m := passwordMessages(pol)
		if len(m) != 31+7 {
			f.Fatalf("found %d password messages, want 38", len(m))
		}
		msgs = append(msgs, m)
	}
	f.Fuzz(func(t *testing.T, pw, first, last, email string) {
		for i, pol := range pols {
			vs := rules.CheckPassword(pw, pol, rules.PasswordFacts{FirstName: first, LastName: last, Email: email})
			for _, v := range vs {
				if v.Field != "password" || !msgs[i][v.Message] {
					t.Fatalf("violation %+v: not one of the fixed messages", v)
				}
			}
			strong := rules.CheckPasswordStrength(pw, pol) == nil
			var up, low, dig, other bool
			for _, r := range pw {
				up = up || unicode.IsUpper(r)
				low = low || unicode.IsLower(r)
				dig = dig || unicode.IsDigit(r)
				other = other || !unicode.IsLetter(r) && !unicode.IsDigit(r)
			}
			if want := up && low && dig && other && utf8.RuneCountInString(pw) >= pol.PasswordMinLength; strong != want {
				t.Fatalf("CheckPasswordStrength(%q) strong=%v, oracle %v", pw, strong, want)
			}
		}
	})
}
