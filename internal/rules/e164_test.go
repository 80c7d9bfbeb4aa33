package rules_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

func TestToE164(t *testing.T) {
	tests := []struct {
		number, country, want string
		wantErr               string // substring of the message; "" = valid
	}{
		{number: "+17205551200", want: "+17205551200"},
		{number: "+1 (720) 555-1200", country: "FR", want: "+17205551200"},
		{number: " +33 6 34 33 32 00 ", want: "+33634333200"},
		{number: "0033 6 34 33 32 00", country: "US", want: "+33634333200"},
		{number: "011 33 6 34 33 32 00", country: "US", want: "+33634333200"},
		{number: "(720) 555-1200", country: "US", want: "+17205551200"},
		{number: "720.555.1200", country: "us", want: "+17205551200"},
		{number: "1-720-555-1200", country: "CA", want: "+17205551200"},
		{number: "720\u00a0555\u00a01200", country: "US", want: "+17205551200"},
		{number: "06 34 33 32 00", country: "FR", want: "+33634333200"},
		{number: "06.34.33.32.00", country: "FR", want: "+33634333200"},
		{number: "020 7946 0018", country: "GB", want: "+442079460018"},
		{number: "030 / 123456", country: "DE", want: "+4930123456"},
		{number: "06 6982 1234", country: "IT", want: "+390669821234"},
		{number: "06 1 234 5678", country: "HU", want: "+3612345678"},
		{number: "8 (495) 123-45-67", country: "RU", want: "+74951234567"},
		{number: "03-1234-5678", country: "JP", want: "+81312345678"},
		{number: "0412 345 678", country: "AU", want: "+61412345678"},
		{number: "555-1200", country: "US", wantErr: "10 digits"},
		{number: "06 34 33 32 00", wantErr: "needs a default country"},
		{number: "06 34 33 32 00", country: "France", wantErr: "ISO 3166-1 alpha-2"},
		{number: "06 34 33 32 00", country: "XK", wantErr: "ISO 3166-1 alpha-2"},
		{number: "06 34 33 32 00", country: "AQ", wantErr: "no country calling code"},
		{number: "+1 720 555 1200 x12", wantErr: "only digits"},
		{number: "720+5551200", country: "US", wantErr: "only digits"},
		{number: "", country: "US", wantErr: "no digits"},
		{number: "+0 720 555 1200", wantErr: "E.164"},
		{number: "+1234567", wantErr: "E.164"},
		{number: "+1234567890123456", wantErr: "E.164"},
		// National trunk prefixes (issue 20): applied where the country's plan has one, refused
		// where it does not.
		{number: "07 20 55 51 24", country: "FR", want: "+33720555124"},
		{number: "07 20 55 51 24", country: "US", wantErr: "no national trunk prefix 0"},
		{number: "07 20 55 51 24", country: "CA", wantErr: "no national trunk prefix 0"},
		{number: "1 072 055 5124", country: "US", wantErr: "area code starting with 0 or 1"},
		{number: "120 555 1200", country: "US", wantErr: "area code starting with 0 or 1"},
		{number: "+1 072 055 5124", wantErr: "area code starting with 2 to 9"},
		{number: "612 345 678", country: "ES", want: "+34612345678"},
		{number: "0 612 345 678", country: "ES", wantErr: "ES has no national trunk prefix"},
		{number: "0 22 123 45 67", country: "PL", wantErr: "PL has no national trunk prefix"},
		{number: "22 123 45 67", country: "PL", want: "+48221234567"},
		{number: "055 1234 5678", country: "MX", wantErr: "MX has no national trunk prefix"},
		{number: "0 1 234 5678", country: "HU", wantErr: "trunk prefix of HU is 06"},
		{number: "1 234 5678", country: "HU", want: "+3612345678"},
		{number: "0 495 123 45 67", country: "RU", wantErr: "trunk prefix of RU is 8"},
		{number: "495 123 45 67", country: "RU", want: "+74951234567"},
		{number: "0549 882 555", country: "SM", want: "+3780549882555"},
		{number: "+44 (0)20 7946 0018", want: "+442079460018"},
		{number: "+49 (0)30 123456", country: "DE", want: "+4930123456"},
		{number: "+39 (0)6 6982 1234", want: "+390669821234"},
	}
	for _, tt := range tests {
		t.Run(tt.number+"/"+tt.country, func(t *testing.T) {
			got, err := rules.ToE164(tt.number, tt.country)
			if tt.wantErr == "" {
				if err != nil || got != tt.want {
					t.Fatalf("ToE164(%q, %q) = %q, %v; want %q", tt.number, tt.country, got, err, tt.want)
				}
				if err := rules.ValidateE164(got); err != nil {
					t.Fatalf("result %q fails ValidateE164: %v", got, err)
				}
				return
			}
			var v *rules.Violation
			if !errors.As(err, &v) || v.Code != rules.CodePhoneNumberInvalid || v.Field != "" {
				t.Fatalf("ToE164(%q, %q) = %q, %#v; want a phone_number_invalid violation", tt.number, tt.country, got, err)
			}
			checkMessage(t, v)
			if !strings.Contains(v.Message, tt.wantErr) {
				t.Fatalf("message %q does not mention %q", v.Message, tt.wantErr)
			}
			if digits := strings.Trim(tt.number, " +"); len(digits) > 3 && strings.Contains(v.Message, digits) {
				t.Fatalf("message %q repeats the number", v.Message)
			}
		})
	}
}

// TestToE164EveryCountry: every assigned country either has a calling code (a national number
// then converts, after its trunk prefix is dropped) or is one of the uninhabited territories
// without one; a national number with a leading 0 fails exactly where the plan has no trunk
// prefix 0 (and keeps it in IT, SM and VA).
func TestToE164EveryCountry(t *testing.T) {
	without := map[string]bool{"AQ": true, "BV": true, "HM": true, "TF": true, "UM": true}
	keep := map[string]bool{"IT": true, "SM": true, "VA": true}
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			c := string([]rune{a, b})
			if rules.ValidateCountry(c) != nil {
				continue
			}
			trunk, ok := rules.NationalTrunkPrefix(c)
			got, err := rules.ToE164("0 23 45 67 89", c)
			switch {
			case without[c]:
				if err == nil || ok {
					t.Errorf("%s: %q, %v (trunk ok=%v), want no calling code", c, got, err, ok)
				}
			case !ok:
				t.Errorf("%s: no trunk prefix rule", c)
			case trunk == "0" || keep[c]:
				if err != nil {
					t.Errorf("%s: %v", c, err)
				}
				ref, _ := rules.ToE164("99 99 99 99", c) // "+" + the calling code + "99999999"
				want := strings.TrimSuffix(ref, "99999999") + "23456789"
				if keep[c] {
					want = strings.TrimSuffix(ref, "99999999") + "023456789"
				}
				if got != want {
					t.Errorf("%s: %q, want %q", c, got, want)
				}
			case err == nil:
				t.Errorf("%s (trunk prefix %q): %q, want a leading 0 refused", c, trunk, got)
			}
		}
	}
}

var plainPlusDigits = regexp.MustCompile(`^\+[0-9]+$`)

func FuzzToE164(f *testing.F) {
	for _, s := range []string{"+17205551200", "(720) 555-1200", "06 34 33 32 00", "0033 6", "011 44 20", "+", "8 495 1234567"} {
		f.Add(s, "US")
		f.Add(s, "FR")
	}
	f.Add("07 20 55 51 24", "US")
	f.Add("+44 (0)20 7946 0018", "")
	f.Add("0 612 345 678", "ES")
	f.Fuzz(func(t *testing.T, number, country string) {
		got, err := rules.ToE164(number, country)
		// A number already in E.164 form converts exactly when the plan-time validator accepts it.
		if plainPlusDigits.MatchString(number) && e164RE.MatchString(number) != (err == nil) {
			t.Fatalf("ToE164(%q) = %q, %v; ValidateE164's oracle says valid=%v", number, got, err, e164RE.MatchString(number))
		}
		if err != nil {
			var v *rules.Violation
			if !errors.As(err, &v) || v.Code != rules.CodePhoneNumberInvalid {
				t.Fatalf("error %#v is not a phone_number_invalid violation", err)
			}
			return
		}
		if !e164RE.MatchString(got) {
			t.Fatalf("ToE164(%q, %q) = %q, not E.164", number, country, got)
		}
		if err := rules.ValidateE164(got); err != nil {
			t.Fatalf("ToE164(%q, %q) = %q, which the plan-time validator refuses: %v", number, country, got, err)
		}
		if again, err := rules.ToE164(got, country); err != nil || again != got {
			t.Fatalf("not idempotent: %q → %q, %v", got, again, err)
		}
	})
}

func TestExtensionFromNumber(t *testing.T) {
	tests := []struct {
		number  string
		n       int
		want    string
		wantErr string
	}{
		{"+17205551234", 4, "1234", ""},
		{"(720) 555-0042", 4, "0042", ""},
		{"+33 6 34 33 32 00", 6, "333200", ""},
		{"+17205551234", 10, "7205551234", ""},
		{"1234", 4, "1234", ""},
		{"123", 4, "", "fewer than 4 digits"},
		{"+17205551234", 1, "", "2 to 10 digits"},
		{"+17205551234", 11, "", "2 to 10 digits"},
		{"720-555-12x4", 4, "", "only digits"},
	}
	for _, tt := range tests {
		got, err := rules.ExtensionFromNumber(tt.number, tt.n)
		if tt.wantErr == "" {
			if err != nil || got != tt.want {
				t.Errorf("ExtensionFromNumber(%q, %d) = %q, %v; want %q", tt.number, tt.n, got, err, tt.want)
			}
			continue
		}
		var v *rules.Violation
		if !errors.As(err, &v) || v.Code != rules.CodeExtensionInvalid || v.Field != "extension" || !strings.Contains(v.Message, tt.wantErr) {
			t.Errorf("ExtensionFromNumber(%q, %d) = %q, %#v; want extension_invalid mentioning %q", tt.number, tt.n, got, err, tt.wantErr)
		}
	}
}
