package provider_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/ucprov/terraform-provider-ucprov/internal/acctest"
)

func TestExtensionFunction(t *testing.T) {
	tests := []struct {
		number  string
		digits  int64
		want    string
		wantErr string
	}{
		{"+17205551234", 4, "1234", ""},
		{"(720) 555-0042", 4, "0042", ""},
		{"+33 6 34 33 32 00", 6, "333200", ""},
		{"+17205551234", 1, "", "digits is 1: an extension has 2 to 10 digits"},
		{"+17205551234", 11, "", "digits is 11"},
		{"123", 4, "", `no 4-digit extension in "123": the number has fewer than 4 digits (rule extension_invalid)`},
		{"720-555-12x4", 4, "", `"720-555-12x4"`},
	}
	for _, tt := range tests {
		got, errText := runFunction(t, "extension", types.StringUnknown(), types.StringValue(tt.number), types.Int64Value(tt.digits))
		if tt.wantErr != "" {
			if !strings.Contains(errText, tt.wantErr) {
				t.Errorf("extension(%q, %d): error %q, want it to contain %q", tt.number, tt.digits, errText, tt.wantErr)
			}
			continue
		}
		if errText != "" || !got.Equal(types.StringValue(tt.want)) {
			t.Errorf("extension(%q, %d) = %v, %q; want %q", tt.number, tt.digits, got, errText, tt.want)
		}
	}
}

func TestAccExtensionFunction(t *testing.T) {
	acctest.PreCheck(t)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			// An error step first: the post-test destroy runs with the last step's configuration.
			{
				Config: `
output "bad" {
  value = provider::ucprov::extension("+17205551234", 12)
}
`,
				ExpectError: regexp.MustCompile(`digits is 12: an extension has 2\s+to\s+10\s+digits`),
			},
			{
				Config: `
output "did" {
  value = provider::ucprov::extension("+1 (720) 555-0042", 4)
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("did", knownvalue.StringExact("0042")),
				},
			},
		},
	})
}

// TestAccFunctions_userNumber: numbers from a spreadsheet become a user's number and extension
// through the functions, and the backend takes them (the functions agree with the plan-time
// checks and the API).
func TestAccFunctions_userNumber(t *testing.T) {
	sb := acctest.Start(t)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: numberConfig(sb, `
  phone_number = provider::ucprov::e164("(720) 555-1237", "US")
  extension    = provider::ucprov::extension("(720) 555-1237", 4)
`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(numberName, tfjsonpath.New("phone_number"), knownvalue.StringExact("+17205551237")),
				statecheck.ExpectKnownValue(numberName, tfjsonpath.New("extension"), knownvalue.StringExact("1237")),
				statecheck.ExpectKnownValue(numberName, tfjsonpath.New("number_state"), knownvalue.StringExact("active")),
			},
		}},
	})
}
