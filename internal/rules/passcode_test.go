package rules_test

import (
	"strings"
	"testing"

	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

// tightPolicy is an enterprise that tightened every limit.
func tightPolicy() rules.PasscodePolicy {
	p := rules.DefaultPasscodePolicy()
	p.MinLength, p.MaxLength, p.MaxRepeatedDigits, p.MaxSequenceLength, p.PasswordMinLength = 8, 12, 3, 3, 10
	return p
}

func TestDefaultPasscodePolicy(t *testing.T) {
	want := rules.PasscodePolicy{MinLength: 6, MaxLength: 10, MaxRepeatedDigits: 5, MaxSequenceLength: 4,
		BlockUserNumber: true, BlockReversedUserNumber: true, BlockPrevious: true, BlockPreviousReversed: true,
		PasswordMinLength: 6}
	if got := rules.DefaultPasscodePolicy(); got != want {
		t.Errorf("DefaultPasscodePolicy() = %+v, want %+v", got, want)
	}
}

func TestCheckPasscodeStatic(t *testing.T) {
	def, tight := rules.DefaultPasscodePolicy(), tightPolicy()
	const (
		length   = "passcode_length"
		digits   = "passcode_not_digits"
		repeated = "passcode_repeated_digits"
		sequence = "passcode_sequence"
	)
	for _, tc := range []struct {
		name string
		p    string
		pol  rules.PasscodePolicy
		want []string
	}{
		// length 5/6/10/11
		{"length 5", "73915", def, []string{length}},
		{"length 6", "739154", def, nil},
		{"length 10", "7391548260", def, nil},
		{"length 11", "73915482602", def, []string{length}},
		{"empty", "", def, []string{length}},
		// digits only
		{"letter", "73915a", def, []string{digits}},
		{"space", "739 154", def, []string{digits}},
		{"sign", "+739154", def, []string{digits}},
		{"full-width digits", "７３９１５４", def, []string{digits}},
		{"length counts runes", "７３９１５４７３９１５", def, []string{length, digits}},
		// repeated digits: 5 allowed, 6 refused
		{"5 repeated", "155555", def, nil},
		{"5 repeated at start", "555559", def, nil},
		{"6 repeated", "1555555", def, []string{repeated}},
		{"6 repeated only", "666666", def, []string{repeated}},
		{"10 repeated", "0000000000", def, []string{repeated}},
		{"two runs of 5", "5555500000", def, nil},
		// sequences: 4 allowed, 5 refused
		{"4 ascending", "123490", def, nil},
		{"4 descending", "432108", def, []string{sequence}}, // 43210 is 5
		{"4 descending ok", "432198", def, nil},
		{"5 ascending", "123457", def, []string{sequence}},
		{"6 ascending", "123456", def, []string{sequence}},
		{"5 descending", "987650", def, []string{sequence}},
		{"from 0", "012345", def, []string{sequence}},
		{"no wrap-around up", "789012", def, nil},
		{"no wrap-around down", "210987", def, nil},
		{"runs split by a repeat", "1234456789", def, []string{sequence}}, // 456789
		{"runs split by a repeat ok", "1234423451", def, nil},
		{"up then down", "1234321", def, nil},
		{"sequence and repeats", "1111112345", def, []string{repeated, sequence}},
		{"everything", "111111123456a", def, []string{length, digits, repeated, sequence}},
		{"patterns ignore non-digits", "12a34b56", def, []string{digits}},
		// tightened policy: MinLength 8, MaxRepeatedDigits 3, MaxSequenceLength 3
		{"tight length 7", "7391548", tight, []string{length}},
		{"tight length 8", "73915482", tight, nil},
		{"tight 3 repeated", "73915552", tight, nil},
		{"tight 4 repeated", "73955552", tight, []string{repeated}},
		{"tight 3 sequence", "73912382", tight, nil},
		{"tight 4 sequence", "73912342", tight, []string{sequence}},
		{"tight 4 descending", "73943212", tight, []string{sequence}},
		// limits that are off
		{"no limits", "1", rules.PasscodePolicy{}, nil},
		{"only min", "12345678901234567890", rules.PasscodePolicy{MinLength: 6}, nil},
		{"only max", "1", rules.PasscodePolicy{MaxLength: 10}, nil},
		{"only max refuses", "12345678901", rules.PasscodePolicy{MaxLength: 10}, []string{length}},
		{"max 1 repeat", "7392", rules.PasscodePolicy{MaxRepeatedDigits: 1}, nil},
		{"max 1 repeat refuses", "7332", rules.PasscodePolicy{MaxRepeatedDigits: 1}, []string{repeated}},
		{"max 1 sequence refuses", "7342", rules.PasscodePolicy{MaxSequenceLength: 1}, []string{sequence}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vs := rules.CheckPasscodeStatic(tc.p, tc.pol)
			checkCodes(t, vs, "passcode", tc.want...)
			checkNoSecret(t, vs, tc.p)
		})
	}
}

func TestPasscodeMessages(t *testing.T) {
	for _, tc := range []struct {
		p    string
		pol  rules.PasscodePolicy
		want string
	}{
		{"1", rules.DefaultPasscodePolicy(), "passcode must be 6 to 10 digits long"},
		{"1", rules.PasscodePolicy{MinLength: 4}, "passcode must be at least 4 digits long"},
		{"12345", rules.PasscodePolicy{MaxLength: 4}, "passcode must be at most 4 digits long"},
		{"12a", rules.PasscodePolicy{}, "passcode must contain digits only"},
		{"666666", rules.DefaultPasscodePolicy(), "passcode must not repeat one digit more than 5 times in a row"},
		{"66", rules.PasscodePolicy{MaxRepeatedDigits: 1}, "passcode must not repeat one digit more than once in a row"},
		{"666", rules.PasscodePolicy{MaxRepeatedDigits: 2}, "passcode must not repeat one digit more than twice in a row"},
		{"123456", rules.DefaultPasscodePolicy(), "passcode must not contain more than 4 ascending or descending digits in a row"},
	} {
		vs := rules.CheckPasscodeStatic(tc.p, tc.pol)
		if len(vs) != 1 || vs[0].Message != tc.want {
			t.Errorf("CheckPasscodeStatic(%q, %+v) = %v, want one violation %q", tc.p, tc.pol, vs, tc.want)
		}
	}
}

func TestCheckPasscode(t *testing.T) {
	facts := rules.PasscodeFacts{
		PhoneNumber: "+17205551200",
		Extension:   "1200",
		IsPrevious:  func(c string) bool { return c == "739154" },
	}
	def := rules.DefaultPasscodePolicy()
	off := func(f func(*rules.PasscodePolicy)) rules.PasscodePolicy { p := def; f(&p); return p }
	noUser := off(func(p *rules.PasscodePolicy) { p.BlockUserNumber = false })
	noRevUser := off(func(p *rules.PasscodePolicy) { p.BlockReversedUserNumber = false })
	noPrev := off(func(p *rules.PasscodePolicy) { p.BlockPrevious = false })
	noRevPrev := off(func(p *rules.PasscodePolicy) { p.BlockPreviousReversed = false })
	tight := tightPolicy()
	const (
		length  = "passcode_length"
		user    = "passcode_is_user_number"
		revUser = "passcode_is_reversed_user_number"
		reused  = "passcode_reused"
		revUsed = "passcode_reversed_reused"
	)
	for _, tc := range []struct {
		name  string
		p     string
		pol   rules.PasscodePolicy
		facts rules.PasscodeFacts
		want  []string
	}{
		{"valid", "846302", def, facts, nil},
		// the user's number: trailing parts of the digits, length >= MinLength
		{"whole number too long", "17205551200", def, facts, []string{length, user}},
		{"10 trailing digits", "7205551200", def, facts, []string{user}},
		{"9 trailing digits", "205551200", def, facts, []string{user}},
		{"7 trailing digits", "5551200", def, facts, []string{user}},
		{"6 trailing digits", "551200", def, facts, []string{user}},
		{"not trailing", "720555", def, facts, nil},
		{"extension", "1200", def, facts, []string{length, user}},
		{"long extension", "846302", def, rules.PasscodeFacts{Extension: "846302"}, []string{user}},
		// reversed
		{"reversed 6 trailing digits", "002155", def, facts, []string{revUser}},
		{"reversed 10 trailing digits", "0021555027", def, facts, []string{revUser}},
		{"reversed extension", "0021", def, facts, []string{length, revUser}},
		{"reversed long extension", "203648", def, rules.PasscodeFacts{Extension: "846302"}, []string{revUser}},
		{"palindrome is both", "845548", def, rules.PasscodeFacts{Extension: "845548"}, []string{user, revUser}},
		// previous
		{"previous", "739154", def, facts, []string{reused}},
		{"previous reversed", "451937", def, facts, []string{revUsed}},
		{"palindromic previous is both", "845548", def, rules.PasscodeFacts{IsPrevious: func(c string) bool { return c == "845548" }}, []string{reused, revUsed}},
		// every Block* flag off
		{"user number off", "551200", noUser, facts, nil},
		{"user number off keeps reversed", "002155", noUser, facts, []string{revUser}},
		{"reversed user number off", "002155", noRevUser, facts, nil},
		{"reversed user number off keeps plain", "551200", noRevUser, facts, []string{user}},
		{"previous off", "739154", noPrev, facts, nil},
		{"previous off keeps reversed", "451937", noPrev, facts, []string{revUsed}},
		{"reversed previous off", "451937", noRevPrev, facts, nil},
		{"reversed previous off keeps plain", "739154", noRevPrev, facts, []string{reused}},
		// tightened policy: trailing parts must be at least 8 digits
		{"tight 8 trailing digits", "05551200", tight, facts, []string{user}},
		{"tight 7 trailing digits", "5551200", tight, facts, []string{length}},
		// facts missing
		{"no facts", "551200", def, rules.PasscodeFacts{}, nil},
		{"formatted phone number", "551200", def, rules.PasscodeFacts{PhoneNumber: "+1 (720) 555-1200"}, []string{user}},
		{"empty passcode, empty facts", "", def, rules.PasscodeFacts{IsPrevious: func(string) bool { return false }}, []string{length}},
		{"static and facts together", "0000001200", def, rules.PasscodeFacts{PhoneNumber: "+17200000001200"}, []string{"passcode_repeated_digits", user}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vs := rules.CheckPasscode(tc.p, tc.pol, tc.facts)
			checkCodes(t, vs, "passcode", tc.want...)
			checkNoSecret(t, vs, tc.p)
			// The static rules come first, unchanged.
			static := codes(rules.CheckPasscodeStatic(tc.p, tc.pol))
			if got := codes(vs); len(got) < len(static) || strings.Join(got[:len(static)], ",") != strings.Join(static, ",") {
				t.Errorf("codes %q do not start with the static codes %q", got, static)
			}
		})
	}
}

func TestHashPasscode(t *testing.T) {
	// printf 'salt\x00123456' | sha256sum
	if got, want := rules.HashPasscode("salt", "123456"), "d24bc4c545db5f7443d97ec8ab300a351bb93b349bbff6c3074420f996c2b16c"; got != want {
		t.Errorf("HashPasscode = %s, want %s", got, want)
	}
	// printf '\x00' | sha256sum
	if got, want := rules.HashPasscode("", ""), "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"; got != want {
		t.Errorf("HashPasscode = %s, want %s", got, want)
	}
	if rules.HashPasscode("ab", "c") == rules.HashPasscode("a", "bc") {
		t.Error("the separator does not separate salt and passcode")
	}
}

func TestReverse(t *testing.T) {
	for in, want := range map[string]string{"": "", "1": "1", "1234": "4321", "héllo": "olléh", "551200": "002155"} {
		if got := rules.Reverse(in); got != want {
			t.Errorf("Reverse(%q) = %q, want %q", in, got, want)
		}
	}
}
