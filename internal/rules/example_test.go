package rules_test

import (
	"fmt"

	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

// ValidateAddress reports every broken rule in field order; a backend answers with the first.
func ExampleValidateAddress() {
	vs := rules.ValidateAddress(rules.Address{
		Address1:   "1600 Pennsylvania Avenue NW",
		City:       "Washington",
		State:      "ON",
		PostalCode: "2050",
		Country:    "US",
	})
	for _, v := range vs {
		fmt.Println(v)
	}
	fmt.Println(rules.ValidateAddress(rules.Address{
		Address1: "111 Wellington Street", City: "Ottawa", State: "on", PostalCode: "k1a0a9", Country: "CA",
	}) == nil)
	// Output:
	// state: address_invalid: state must be a USPS state, territory or military code such as CO
	// postalCode: address_invalid: postalCode must be a US ZIP code such as 80202 or 80202-1234
	// true
}

// NormalizeAddress gives the form the API returns as "normalized".
func ExampleNormalizeAddress() {
	n := rules.NormalizeAddress(rules.Address{
		Address1:   " 100  North Main Street ",
		Address2:   "Suite 200",
		City:       "ottawa",
		State:      "on",
		PostalCode: "k1a0a9",
		Country:    "ca",
	})
	fmt.Printf("%q\n%q\n%q %q %q %q\n", n.Address1, n.Address2, n.City, n.State, n.PostalCode, n.Country)
	// Output:
	// "100 N MAIN ST"
	// "STE 200"
	// "OTTAWA" "ON" "K1A 0A9" "CA"
}

// CheckPasscode lists the broken rules; messages never contain the passcode.
func ExampleCheckPasscode() {
	facts := rules.PasscodeFacts{PhoneNumber: "+17205551200", Extension: "1200"}
	for _, p := range []string{"551200", "123456", "846302"} {
		fmt.Println(p, rules.CheckPasscode(p, rules.DefaultPasscodePolicy(), facts))
	}
	// Output:
	// 551200 [passcode: passcode_is_user_number: passcode must not be the user's extension or phone number]
	// 123456 [passcode: passcode_sequence: passcode must not contain more than 4 ascending or descending digits in a row]
	// 846302 []
}
