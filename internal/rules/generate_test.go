package rules_test

import (
	"bytes"
	"strings"
	"testing"
	"unicode"

	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

func TestGeneratePasscode(t *testing.T) {
	avoid := []string{"+17205551200", "1200", "86725431"}
	for _, pol := range []rules.PasscodePolicy{
		rules.DefaultPasscodePolicy(),
		{MinLength: 10, MaxLength: 10, MaxRepeatedDigits: 1, MaxSequenceLength: 1},
		{MinLength: 4, MaxLength: 6, MaxRepeatedDigits: 2, MaxSequenceLength: 2, BlockUserNumber: false},
	} {
		seen := map[string]bool{}
		for range 300 {
			p, err := rules.GeneratePasscode(pol, avoid, nil)
			if err != nil {
				t.Fatalf("%+v: %v", pol, err)
			}
			if vs := rules.CheckPasscode(p, pol, rules.PasscodeFacts{}); vs != nil {
				t.Fatalf("%+v: generated %q breaks %v", pol, p, vs)
			}
			want := min(max(rules.PasscodeGenerateLength, pol.MinLength), pol.MaxLength)
			if len(p) != want {
				t.Fatalf("%+v: %q has %d digits, want %d", pol, p, len(p), want)
			}
			for _, a := range avoid {
				digits := strings.TrimPrefix(a, "+")
				if strings.HasSuffix(digits, p) && len(p) >= 6 || p == a || p == rules.Reverse(a) ||
					(len(p) >= 6 && strings.HasSuffix(digits, rules.Reverse(p))) {
					t.Fatalf("generated %q matches avoided %q", p, a)
				}
			}
			seen[p] = true
		}
		if len(seen) < 290 {
			t.Errorf("%+v: only %d distinct passcodes in 300 draws", pol, len(seen))
		}
	}
}

func TestPasscodeAvoids(t *testing.T) {
	pol := rules.DefaultPasscodePolicy()
	for _, c := range []struct {
		p     string
		avoid []string
		want  bool
	}{
		{"86725431", nil, true},
		{"86725431", []string{"86725431"}, false},
		{"13452768", []string{"86725431"}, false},      // reversed
		{"72055512", []string{"+17205551200"}, true},   // not a trailing part
		{"05551200", []string{"+17205551200"}, false},  // trailing part
		{"00215550", []string{"+17205551200"}, false},  // reversed trailing part
		{"11111111", nil, false},                       // breaks the policy itself
		{"86725431", []string{"", "  ", "4321"}, true}, // blanks ignored
		{"43218675", []string{"43218675"}, false},
	} {
		if got := rules.PasscodeAvoids(c.p, pol, c.avoid); got != c.want {
			t.Errorf("PasscodeAvoids(%q, %v) = %v, want %v", c.p, c.avoid, got, c.want)
		}
	}
}

func TestGeneratePasscodeImpossible(t *testing.T) {
	// One digit, and every digit avoided: no passcode exists.
	pol := rules.PasscodePolicy{MinLength: 1, MaxLength: 1}
	if p, err := rules.GeneratePasscode(pol, strings.Split("0123456789", ""), nil); err == nil {
		t.Fatalf("generated %q although every digit is avoided", p)
	}
	// A random source that always answers zero draws "00000000", refused for its repeats.
	if p, err := rules.GeneratePasscode(rules.DefaultPasscodePolicy(), nil, bytes.NewReader(make([]byte, 1<<20))); err == nil {
		t.Fatalf("generated %q from a zero source", p)
	}
	if _, err := rules.GeneratePasscode(rules.DefaultPasscodePolicy(), nil, bytes.NewReader(nil)); err == nil {
		t.Fatal("an exhausted random source is not an error")
	}
}

func TestGeneratePassword(t *testing.T) {
	avoid := []string{"Ada", "lovelace", "ab"}
	for _, c := range []struct {
		pol    rules.PasscodePolicy
		length int
		want   int
	}{
		{rules.DefaultPasscodePolicy(), 16, 16},
		{rules.DefaultPasscodePolicy(), 2, 6},
		{rules.PasscodePolicy{PasswordMinLength: 24}, 16, 24},
		{rules.PasscodePolicy{}, 0, 4},
	} {
		for range 300 {
			pw, err := rules.GeneratePassword(c.pol, c.length, avoid, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(pw) != c.want {
				t.Fatalf("%q: length %d, want %d", pw, len(pw), c.want)
			}
			if vs := rules.CheckPassword(pw, c.pol, rules.PasswordFacts{FirstName: "Ada", LastName: "Lovelace"}); vs != nil {
				t.Fatalf("%q breaks %v", pw, vs)
			}
			var upper, lower, digit, sym bool
			for _, r := range pw {
				upper = upper || unicode.IsUpper(r)
				lower = lower || unicode.IsLower(r)
				digit = digit || unicode.IsDigit(r)
				sym = sym || strings.ContainsRune(rules.PasswordSymbols, r)
				if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune(rules.PasswordSymbols, r) {
					t.Fatalf("%q has %q", pw, r)
				}
			}
			if !upper || !lower || !digit || !sym {
				t.Fatalf("%q misses a class", pw)
			}
			if strings.Contains(strings.ToLower(pw), "ada") || strings.Contains(strings.ToLower(pw), "lovelace") {
				t.Fatalf("%q contains an avoided word", pw)
			}
		}
	}
	if !rules.PasswordAvoids("xAb9!zzzz", rules.DefaultPasscodePolicy(), []string{"ab"}) {
		t.Error("a 2-character word must be ignored")
	}
	if rules.PasswordAvoids("xADA9!zzz", rules.DefaultPasscodePolicy(), []string{"ada"}) {
		t.Error("avoid is case-insensitive")
	}
	if _, err := rules.GeneratePassword(rules.DefaultPasscodePolicy(), 8, nil, bytes.NewReader(nil)); err == nil {
		t.Error("an exhausted random source is not an error")
	}
}
