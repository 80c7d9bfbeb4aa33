package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// TestStringValidators: every plan-time string validator over null, unknown, invalid and valid
// values; an error names the attribute and the rule.
func TestStringValidators(t *testing.T) {
	cases := []struct {
		name      string
		v         validator.String
		value     types.String
		wantError string // "" = no error
	}{
		{"email null", emailValidator(), types.StringNull(), ""},
		{"email unknown", emailValidator(), types.StringUnknown(), ""},
		{"email invalid", emailValidator(), types.StringValue("ada@"), "email_invalid"},
		{"email display name", emailValidator(), types.StringValue("Ada <ada@acme.example>"), "email_invalid"},
		{"email valid", emailValidator(), types.StringValue("ada@acme.example"), ""},
		{"e164 invalid", e164Validator(), types.StringValue("7205551200"), "phone_number_invalid"},
		{"e164 valid", e164Validator(), types.StringValue("+17205551200"), ""},
		{"time zone invalid", timeZoneValidator(), types.StringValue("Denver"), "time_zone_invalid"},
		{"time zone valid", timeZoneValidator(), types.StringValue("America/Denver"), ""},
		{"extension too short", extensionValidator(), types.StringValue("1"), "extension_invalid"},
		{"extension valid", extensionValidator(), types.StringValue("1200"), ""},
		{"duration not a duration (the type's business)", positiveDurationValidator{}, types.StringValue("soon"), ""},
		{"duration negative", positiveDurationValidator{}, types.StringValue("-1s"), "positive Go duration"},
		{"duration zero", positiveDurationValidator{}, types.StringValue("0s"), "positive Go duration"},
		{"duration valid", positiveDurationValidator{}, types.StringValue("45s"), ""},
		{"passcode unknown", passcodeValidator{}, types.StringUnknown(), ""},
		{"passcode short", passcodeValidator{}, types.StringValue("12390"), "passcode_length"},
		{"passcode repeated", passcodeValidator{}, types.StringValue("1555555"), "passcode_repeated_digits"},
		{"passcode five repeated ok", passcodeValidator{}, types.StringValue("155555"), ""},
		{"passcode sequence", passcodeValidator{}, types.StringValue("123456"), "passcode_sequence"},
		{"passcode four ascending ok", passcodeValidator{}, types.StringValue("123490"), ""},
		{"password weak", passwordValidator{}, types.StringValue("weakpassw0rd"), "password_weak"},
		{"password strong", passwordValidator{}, types.StringValue("Str0ng!pass"), ""},
		{"destination invalid", destinationValidator(), types.StringValue("sip:bob"), "destination_invalid"},
		{"destination extension", destinationValidator(), types.StringValue("1234"), ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := validator.StringRequest{Path: path.Root("attr"), ConfigValue: tc.value}
			var resp validator.StringResponse
			tc.v.ValidateString(context.Background(), req, &resp)
			if tc.wantError == "" {
				if resp.Diagnostics.HasError() {
					t.Fatalf("unexpected error: %v", resp.Diagnostics)
				}
				return
			}
			if !resp.Diagnostics.HasError() {
				t.Fatalf("expected an error containing %q", tc.wantError)
			}
			d := resp.Diagnostics.Errors()[0]
			if !strings.Contains(d.Detail(), tc.wantError) || !strings.Contains(d.Summary(), "attr") {
				t.Fatalf("error %q / %q should name the attribute and contain %q", d.Summary(), d.Detail(), tc.wantError)
			}
			if strings.Contains(d.Detail(), tc.value.ValueString()) && (tc.v == passcodeValidator{} || tc.v == passwordValidator{}) {
				t.Fatalf("the secret leaked into the diagnostic: %q", d.Detail())
			}
		})
	}
}
