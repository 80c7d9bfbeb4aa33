package rules_test

import (
	"testing"

	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

// BenchmarkCheckPasscode: every passcode rule with facts, as ModifyPlan and the sandbox run it.
// Goal: microseconds, no more than a handful of allocations (it runs at every plan).
func BenchmarkCheckPasscode(b *testing.B) {
	pol := rules.DefaultPasscodePolicy()
	facts := rules.PasscodeFacts{PhoneNumber: "+17205551200", Extension: "1200",
		IsPrevious: func(c string) bool { return c == "135790" }}
	b.ReportAllocs()
	for b.Loop() {
		if vs := rules.CheckPasscode("246813", pol, facts); vs != nil {
			b.Fatal(vs)
		}
	}
}

// BenchmarkNormalizeAddress: the E911 normalisation of a typical address.
func BenchmarkNormalizeAddress(b *testing.B) {
	a := rules.Address{Address1: "1600 pennsylvania avenue northwest", Address2: "suite 300",
		City: "washington", State: "dc", PostalCode: "20500", Country: "US"}
	b.ReportAllocs()
	for b.Loop() {
		_ = rules.NormalizeAddress(a)
	}
}

// BenchmarkValidateAddress: the plan-time address validator.
func BenchmarkValidateAddress(b *testing.B) {
	a := rules.Address{Address1: "1 main street", City: "toronto", State: "ON", PostalCode: "M5V 3L9", Country: "CA"}
	b.ReportAllocs()
	for b.Loop() {
		if vs := rules.ValidateAddress(a); vs != nil {
			b.Fatal(vs)
		}
	}
}
