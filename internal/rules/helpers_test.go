package rules_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

// codes returns the codes of vs, in order.
func codes(vs []*rules.Violation) []string {
	var cs []string
	for _, v := range vs {
		cs = append(cs, v.Code)
	}
	return cs
}

// checkCodes fails when vs does not have exactly the want codes, in order, or when a violation
// lacks a message or has the wrong field.
func checkCodes(t *testing.T, vs []*rules.Violation, field string, want ...string) {
	t.Helper()
	if got := codes(vs); !slices.Equal(got, want) {
		t.Errorf("codes = %q, want %q", got, want)
	}
	if len(want) == 0 && vs != nil {
		t.Errorf("violations = %#v, want nil (not an empty slice)", vs)
	}
	for _, v := range vs {
		if v.Field != field {
			t.Errorf("%s: Field = %q, want %q", v.Code, v.Field, field)
		}
		checkMessage(t, v)
	}
}

// checkMessage fails when a message is empty, not lower-case at the start, or ends with a dot.
func checkMessage(t *testing.T, v *rules.Violation) {
	t.Helper()
	if v.Message == "" || strings.ToLower(v.Message[:1]) != v.Message[:1] || strings.HasSuffix(v.Message, ".") {
		t.Errorf("%s: message %q must be a lower-case sentence without a final dot", v.Code, v.Message)
	}
}

// checkNoSecret fails when a message repeats the secret. Secrets shorter than 3 characters are
// skipped: they may legitimately appear in a message ("6 to 10").
func checkNoSecret(t *testing.T, vs []*rules.Violation, secret string) {
	t.Helper()
	if len(secret) < 3 {
		return
	}
	for _, v := range vs {
		if strings.Contains(v.Message, secret) || strings.Contains(v.Error(), secret) {
			t.Errorf("%s: message %q contains the secret", v.Code, v.Message)
		}
	}
}

// checkErr checks a single-value validator's answer: nil when valid, else a *Violation with
// the code and field.
func checkErr(t *testing.T, err error, valid bool, code, field string) {
	t.Helper()
	if valid {
		if err != nil {
			t.Errorf("err = %v, want nil", err)
		}
		return
	}
	var v *rules.Violation
	if !errors.As(err, &v) {
		t.Fatalf("err = %#v, want a *rules.Violation", err)
	}
	if v.Code != code || v.Field != field {
		t.Errorf("violation = %q/%q, want %q/%q", v.Code, v.Field, code, field)
	}
	checkMessage(t, v)
}
