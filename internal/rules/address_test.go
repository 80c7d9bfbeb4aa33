package rules_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

// allTwoLetterCodes returns "AA" to "ZZ".
func allTwoLetterCodes() []string {
	var cs []string
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			cs = append(cs, string([]rune{a, b}))
		}
	}
	return cs
}

func TestValidateCountry(t *testing.T) {
	for _, tc := range []struct {
		in    string
		valid bool
	}{
		{"US", true}, {"CA", true}, {"GB", true}, {"AX", true}, {"SS", true}, {"BQ", true}, {"ZW", true},
		{"us", false}, {"Us", false}, {"UK", false}, {"XK", false}, {"EU", false}, {"AN", false}, {"YU", false},
		{"USA", false}, {"U", false}, {" US", false}, {"", false}, {"ＵＳ", false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			checkErr(t, rules.ValidateCountry(tc.in), tc.valid, "address_invalid", "country")
		})
	}
	var valid []string
	for _, c := range allTwoLetterCodes() {
		if rules.ValidateCountry(c) == nil {
			valid = append(valid, c)
		}
	}
	if len(valid) != 249 {
		t.Errorf("%d valid country codes, want the 249 assigned ISO 3166-1 codes", len(valid))
	}
	// Cross-check with the tz database's copy of the ISO list when the host has one.
	if data, err := os.ReadFile("/usr/share/zoneinfo/iso3166.tab"); err == nil {
		var iso []string
		for _, line := range strings.Split(string(data), "\n") {
			if line != "" && !strings.HasPrefix(line, "#") {
				iso = append(iso, strings.SplitN(line, "\t", 2)[0])
			}
		}
		slices.Sort(iso)
		if !slices.Equal(iso, valid) {
			t.Errorf("country list differs from iso3166.tab:\n got %q\nwant %q", valid, iso)
		}
	}
}

func TestValidateUSState(t *testing.T) {
	for _, tc := range []struct {
		in    string
		valid bool
	}{
		{"CO", true}, {"co", true}, {"Co", true}, {"DC", true}, {"PR", true}, {"GU", true}, {"VI", true},
		{"AS", true}, {"MP", true}, {"AA", true}, {"AE", true}, {"AP", true}, {"WY", true},
		{"FM", false}, {"MH", false}, {"PW", false}, {"UM", false}, {"ON", false}, {"XX", false},
		{"COL", false}, {"C", false}, {" CO", false}, {"", false},
		{"ſc", false}, // long s upper-cases to S in Unicode, not here
		{"Colorado", false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			checkErr(t, rules.ValidateUSState(tc.in), tc.valid, "address_invalid", "state")
		})
	}
	n := 0
	for _, c := range allTwoLetterCodes() {
		if rules.ValidateUSState(c) == nil {
			n++
		}
	}
	if n != 59 { // 50 states, DC, 5 territories, 3 military
		t.Errorf("%d valid state codes, want 59", n)
	}
}

func TestValidateUSZIP(t *testing.T) {
	for _, tc := range []struct {
		in    string
		valid bool
	}{
		{"1234", false},        // 4 digits
		{"80202", true},        // 5 digits
		{"123456", false},      // 6 digits
		{"802021234", false},   // 9 digits without the hyphen
		{"80202-1234", true},   // ZIP+4
		{"80202-123", false},   // +3
		{"80202-12345", false}, // +5
		{"80202 1234", false},
		{"80202-", false},
		{"8020a", false},
		{" 80202", false},
		{"", false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			checkErr(t, rules.ValidateUSZIP(tc.in), tc.valid, "address_invalid", "postalCode")
		})
	}
}

func TestValidateCAPostalCode(t *testing.T) {
	for _, tc := range []struct {
		in    string
		valid bool
	}{
		{"K1A 0B1", true},
		{"K1A0B1", true},
		{"k1a 0b1", true},
		{"h0h 0h0", true},
		{"V5K 0A1", true},
		{"Y1A 9Z9", true},  // Z allowed after the first position
		{"T2W 1W1", true},  // W allowed after the first position
		{"W1A 1A1", false}, // W never first
		{"Z1A 1A1", false}, // Z never first
		{"D1A 1A1", false},
		{"K1F 1A1", false},
		{"K1A 1I1", false},
		{"K1O 1A1", false},
		{"K1A 1Q1", false},
		{"K1U 1A1", false},
		{"K1A  0B1", false}, // two spaces
		{"K1A-0B1", false},
		{"K1A 0B", false},
		{"K1A 0B12", false},
		{"11A 0B1", false},
		{" K1A 0B1", false},
		{"", false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			checkErr(t, rules.ValidateCAPostalCode(tc.in), tc.valid, "address_invalid", "postalCode")
		})
	}
}

func validUS() rules.Address {
	return rules.Address{Address1: "1600 Pennsylvania Avenue NW", City: "Washington", State: "DC", PostalCode: "20500", Country: "US"}
}

func validCA() rules.Address {
	return rules.Address{Address1: "111 Wellington Street", City: "Ottawa", State: "ON", PostalCode: "K1A 0A9", Country: "CA"}
}

type addressViolation struct{ field, message string }

func TestValidateAddress(t *testing.T) {
	with := func(a rules.Address, f func(*rules.Address)) rules.Address { f(&a); return a }
	for _, tc := range []struct {
		name string
		in   rules.Address
		want []addressViolation // field and message; nil when valid
	}{
		{"us", validUS(), nil},
		{"us zip+4 lower-case state", with(validUS(), func(a *rules.Address) { a.PostalCode, a.State = "20500-0003", "dc" }), nil},
		{"ca", validCA(), nil},
		{"ca compact lower-case", with(validCA(), func(a *rules.Address) { a.PostalCode, a.State = "k1a0a9", "on" }), nil},
		{"other country free text", rules.Address{Address1: "10 Downing Street", City: "London", State: "Greater London", PostalCode: "SW1A 2AA", Country: "GB"}, nil},
		{"france has no state", rules.Address{Address1: "8 Rue de Rivoli", City: "Paris", PostalCode: "75004", Country: "FR"}, nil},
		{"state optional outside north america, blank too", rules.Address{Address1: "1 Chome", City: "Tokyo", State: "  ", PostalCode: "100-0001", Country: "JP"}, nil},
		{"us needs a state", with(validUS(), func(a *rules.Address) { a.State = "" }), []addressViolation{
			{"state", "state is required"},
		}},
		{"ca needs a province", with(validCA(), func(a *rules.Address) { a.State = " " }), []addressViolation{
			{"state", "state is required"},
		}},
		{"address2 optional and kept", with(validUS(), func(a *rules.Address) { a.Address2 = "Suite 100" }), nil},
		{"empty", rules.Address{}, []addressViolation{
			{"address1", "address1 is required"},
			{"city", "city is required"},
			{"postalCode", "postalCode is required"},
			{"country", "country is required"},
		}},
		{"blank counts as missing", with(validUS(), func(a *rules.Address) { a.Address1, a.City = "  \t", "\u00a0" }), []addressViolation{
			{"address1", "address1 is required"},
			{"city", "city is required"},
		}},
		{"lengths at the limit", with(validUS(), func(a *rules.Address) {
			a.Address1, a.Address2, a.City = strings.Repeat("é", 80), strings.Repeat("a", 80), strings.Repeat("ü", 40)
		}), nil},
		{"lengths over the limit", with(validUS(), func(a *rules.Address) {
			a.Address1, a.Address2, a.City = strings.Repeat("é", 81), strings.Repeat("a", 81), strings.Repeat("ü", 41)
		}), []addressViolation{
			{"address1", "address1 must be at most 80 characters"},
			{"address2", "address2 must be at most 80 characters"},
			{"city", "city must be at most 40 characters"},
		}},
		{"us bad state and zip", with(validUS(), func(a *rules.Address) { a.State, a.PostalCode = "ON", "2050" }), []addressViolation{
			{"state", "state must be a USPS state, territory or military code such as CO"},
			{"postalCode", "postalCode must be a US ZIP code such as 80202 or 80202-1234"},
		}},
		{"ca bad province and postal code", with(validCA(), func(a *rules.Address) { a.State, a.PostalCode = "CO", "80202" }), []addressViolation{
			{"state", "state must be a Canadian province or territory code such as ON"},
			{"postalCode", "postalCode must be a Canadian postal code such as K1A 0B1"},
		}},
		{"lower-case country", with(validUS(), func(a *rules.Address) { a.Country = "us" }), []addressViolation{
			{"country", "country must be an ISO 3166-1 alpha-2 code in upper case, such as US or CA"},
		}},
		{"unknown country skips the state and postal rules", with(validUS(), func(a *rules.Address) { a.Country, a.State, a.PostalCode = "XX", "??", "??" }), []addressViolation{
			{"country", "country must be an ISO 3166-1 alpha-2 code in upper case, such as US or CA"},
		}},
		{"padded coded values", with(validUS(), func(a *rules.Address) { a.State, a.PostalCode, a.Country = " DC", "20500 ", " US" }), []addressViolation{
			{"country", "country must be an ISO 3166-1 alpha-2 code in upper case, such as US or CA"},
		}},
		{"padded coded values, known country", with(validUS(), func(a *rules.Address) { a.State, a.PostalCode = " DC", "20500 " }), []addressViolation{
			{"state", "state must be a USPS state, territory or military code such as CO"},
			{"postalCode", "postalCode must be a US ZIP code such as 80202 or 80202-1234"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vs := rules.ValidateAddress(tc.in)
			var got []addressViolation
			for _, v := range vs {
				if v.Code != "address_invalid" {
					t.Errorf("code %q, want address_invalid", v.Code)
				}
				checkMessage(t, v)
				got = append(got, addressViolation{v.Field, v.Message})
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("violations:\n got %q\nwant %q", got, tc.want)
			}
			if tc.want == nil && vs != nil {
				t.Errorf("got an empty non-nil slice")
			}
		})
	}
}

func TestNormalizeAddress(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in, out rules.Address
	}{
		{"us suffixes and directionals",
			rules.Address{Address1: "  1600  pennsylvania avenue  northwest ", Address2: "suite\t100", City: " washington ", State: "dc", PostalCode: " 20500 ", Country: " us "},
			rules.Address{Address1: "1600 PENNSYLVANIA AVE NW", Address2: "STE 100", City: "WASHINGTON", State: "DC", PostalCode: "20500", Country: "US"}},
		{"directionals word-wise",
			rules.Address{Address1: "100 North Main Street South", Address2: "Building East, floor 3", City: "Denver", State: "CO", PostalCode: "80202-1234", Country: "US"},
			rules.Address{Address1: "100 N MAIN ST S", Address2: "BLDG E, FL 3", City: "DENVER", State: "CO", PostalCode: "80202-1234", Country: "US"}},
		{"trailing dots on known words only",
			rules.Address{Address1: "12 St. Paul St. Apt. 4", Address2: "P.O. Box 7", City: "St. Paul", State: "MN", PostalCode: "55101", Country: "US"},
			rules.Address{Address1: "12 ST PAUL ST APT 4", Address2: "P.O. BOX 7", City: "ST. PAUL", State: "MN", PostalCode: "55101", Country: "US"}},
		{"trailing commas kept",
			rules.Address{Address1: "1 Main St.,, Suite. 5,", Address2: "east,.", City: "a,b"},
			rules.Address{Address1: "1 MAIN ST,, STE 5,", Address2: "EAST,.", City: "A,B"}},
		{"brief's list",
			rules.Address{Address1: "street avenue road drive boulevard lane court place parkway highway circle terrace square trail expressway freeway alley crescent point mount"},
			rules.Address{Address1: "ST AVE RD DR BLVD LN CT PL PKWY HWY CIR TER SQ TRL EXPY FWY ALY CRES PT MT"}},
		{"all directionals",
			rules.Address{Address1: "north south east west northeast northwest southeast southwest"},
			rules.Address{Address1: "N S E W NE NW SE SW"}},
		{"words inside words untouched",
			rules.Address{Address1: "1 Streetview Roadhouse Eastern Ave", City: "North Vancouver"},
			rules.Address{Address1: "1 STREETVIEW ROADHOUSE EASTERN AVE", City: "NORTH VANCOUVER"}},
		{"ca postal code gets its space",
			rules.Address{Address1: "111 wellington st.", City: "ottawa", State: "on", PostalCode: "k1a0a9", Country: "ca"},
			rules.Address{Address1: "111 WELLINGTON ST", City: "OTTAWA", State: "ON", PostalCode: "K1A 0A9", Country: "CA"}},
		{"ca postal code spaces collapsed",
			rules.Address{PostalCode: " k1a   0a9 ", Country: "CA"},
			rules.Address{PostalCode: "K1A 0A9", Country: "CA"}},
		{"ca invalid postal code only cleaned",
			rules.Address{PostalCode: " w1a0a9 ", Country: "CA"},
			rules.Address{PostalCode: "W1A0A9", Country: "CA"}},
		{"us zip not reformatted",
			rules.Address{PostalCode: "802021234", Country: "US"},
			rules.Address{PostalCode: "802021234", Country: "US"}},
		{"non-us postal code not reformatted",
			rules.Address{PostalCode: "k1a0a9", Country: "GB"},
			rules.Address{PostalCode: "K1A0A9", Country: "GB"}},
		{"unicode", rules.Address{City: "montréal\u00a0 nord"}, rules.Address{City: "MONTRÉAL NORD"}},
		{"empty", rules.Address{}, rules.Address{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := rules.NormalizeAddress(tc.in)
			if got != tc.out {
				t.Errorf("NormalizeAddress:\n got %+v\nwant %+v", got, tc.out)
			}
			if again := rules.NormalizeAddress(got); again != got {
				t.Errorf("not idempotent:\n once  %+v\n twice %+v", got, again)
			}
		})
	}
}
