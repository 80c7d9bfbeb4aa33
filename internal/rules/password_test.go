package rules_test

import (
	"testing"

	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

func TestCheckPasswordStrength(t *testing.T) {
	def, tight := rules.DefaultPasscodePolicy(), tightPolicy()
	for _, tc := range []struct {
		pw   string
		pol  rules.PasscodePolicy
		want string // the message, "" when strong
	}{
		{"Abcd1!", def, ""},
		{"Abc1!", def, "password must be at least 6 characters long"},
		{"Ab1!Ab1!Ab", tight, ""},
		{"Ab1!Ab1!A", tight, "password must be at least 10 characters long"},
		{"Ébcd1!", def, ""},                  // non-ASCII upper-case counts
		{"Ab cd1", def, ""},                  // a space is non-alphanumeric
		{"Ab1!", rules.PasscodePolicy{}, ""}, // no minimum length
		{"abcd1!", def, "password must contain an upper-case letter"},
		{"ABCD1!", def, "password must contain a lower-case letter"},
		{"Abcde!", def, "password must contain a digit"},
		{"Abcde1", def, "password must contain a non-alphanumeric character"},
		{"abcdef", def, "password must contain an upper-case letter, a digit and a non-alphanumeric character"},
		{"", def, "password must be at least 6 characters long and contain an upper-case letter, a lower-case letter, a digit and a non-alphanumeric character"},
		{"a1", def, "password must be at least 6 characters long and contain an upper-case letter and a non-alphanumeric character"},
		{"ǅǅǅǅǅǅ", def, "password must contain an upper-case letter, a lower-case letter, a digit and a non-alphanumeric character"}, // title case is neither
		{"Abcdé1!", rules.PasscodePolicy{PasswordMinLength: 7}, ""},                                                                  // 7 runes, 8 bytes
		{"Abcdé1", rules.PasscodePolicy{PasswordMinLength: 7}, "password must be at least 7 characters long and contain a non-alphanumeric character"},
	} {
		t.Run(tc.pw, func(t *testing.T) {
			vs := rules.CheckPasswordStrength(tc.pw, tc.pol)
			if tc.want == "" {
				checkCodes(t, vs, "password")
				return
			}
			checkCodes(t, vs, "password", "password_weak")
			if len(vs) == 1 && vs[0].Message != tc.want {
				t.Errorf("message = %q, want %q", vs[0].Message, tc.want)
			}
			checkNoSecret(t, vs, tc.pw)
		})
	}
}

func TestCheckPassword(t *testing.T) {
	def := rules.DefaultPasscodePolicy()
	jane := rules.PasswordFacts{FirstName: "Jane", LastName: "Doe", Email: "js.work@example.com"}
	for _, tc := range []struct {
		name  string
		pw    string
		facts rules.PasswordFacts
		want  []string
		msg   string // message of password_contains_name
	}{
		{"strong and unrelated", "Tr0ub4dor&3", jane, nil, ""},
		{"first name any case", "xJANEx1!", jane, []string{"password_contains_name"}, "password must not contain the user's first name"},
		{"last name", "Xdoe1234!", jane, []string{"password_contains_name"}, "password must not contain the user's last name"},
		{"email local part", "x!1JS.WORK", jane, []string{"password_contains_name"}, "password must not contain the user's email local part"},
		{"domain is fine", "Example.com1", jane, nil, ""},
		{"all three", "Jane+Doe+js.work1", jane, []string{"password_contains_name"}, "password must not contain the user's first name, last name or email local part"},
		{"weak and name", "jane", jane, []string{"password_weak", "password_contains_name"}, "password must not contain the user's first name"},
		{"short names ignored", "Li!Wu1xx", rules.PasswordFacts{FirstName: "Li", LastName: "Wu", Email: "li@example.com"}, nil, ""},
		{"3-character name counts", "Bob!1xyz", rules.PasswordFacts{FirstName: "Bob"}, []string{"password_contains_name"}, "password must not contain the user's first name"},
		{"names trimmed", "Xann1!yy", rules.PasswordFacts{FirstName: " Ann "}, []string{"password_contains_name"}, "password must not contain the user's first name"},
		{"padded short name ignored", "Xli1!yyy", rules.PasswordFacts{FirstName: "  Li  "}, nil, ""},
		{"empty facts", "Abcd1!", rules.PasswordFacts{}, nil, ""},
		{"email without @", "Xjdoe1!", rules.PasswordFacts{Email: "jdoe"}, []string{"password_contains_name"}, "password must not contain the user's email local part"},
		{"whole name with space", "MaryAnn1!", rules.PasswordFacts{FirstName: "Mary Ann"}, nil, ""},
		{"unicode case", "ÉLODIE1!x", rules.PasswordFacts{FirstName: "élodie"}, []string{"password_contains_name"}, "password must not contain the user's first name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vs := rules.CheckPassword(tc.pw, def, tc.facts)
			checkCodes(t, vs, "password", tc.want...)
			checkNoSecret(t, vs, tc.pw)
			if tc.msg != "" && len(vs) > 0 && vs[len(vs)-1].Message != tc.msg {
				t.Errorf("message = %q, want %q", vs[len(vs)-1].Message, tc.msg)
			}
		})
	}
}
