package provider_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/ucprov/terraform-provider-ucprov/internal/acctest"
	"github.com/ucprov/terraform-provider-ucprov/internal/provider"
)

// runFunction calls the provider function name's Run as Terraform would, with args, and returns
// the result value and the error text ("" = none).
func runFunction(t *testing.T, name string, result attr.Value, args ...attr.Value) (attr.Value, string) {
	t.Helper()
	f := providerFunction(t, name)
	resp := &function.RunResponse{Result: function.NewResultData(result)}
	f.Run(context.Background(), function.RunRequest{Arguments: function.NewArgumentsData(args)}, resp)
	if resp.Error != nil {
		return nil, resp.Error.Error()
	}
	return resp.Result.Value(), ""
}

// providerFunction returns the provider's function called name.
func providerFunction(t *testing.T, name string) function.Function {
	t.Helper()
	ctx := context.Background()
	p, ok := provider.New("test", "none")().(fwprovider.ProviderWithFunctions)
	if !ok {
		t.Fatal("the provider has no functions")
	}
	for _, newFunc := range p.Functions(ctx) {
		f := newFunc()
		var md function.MetadataResponse
		f.Metadata(ctx, function.MetadataRequest{}, &md)
		if md.Name == name {
			return f
		}
	}
	t.Fatalf("no function %q", name)
	return nil
}

func TestE164Function(t *testing.T) {
	tests := []struct {
		number, country, want, wantErr string
	}{
		{"(720) 555-1200", "US", "+17205551200", ""},
		{"06 34 33 32 00", "fr", "+33634333200", ""},
		{"+33 6 34 33 32 00", "", "+33634333200", ""},
		{"555-1200", "US", "", `"555-1200" (default country "US") is not a phone number: a national number`},
		{"06 34 33 32 00", "", "", "needs a default country (rule phone_number_invalid)"},
		{"call 720 555 1200", "US", "", `"call 720 555 1200"`},
		// Issue 20: a trunk prefix the country's plan does not have fails; FR drops its 0.
		{"07 20 55 51 24", "US", "", `"07 20 55 51 24"`},
		{"07 20 55 51 24", "FR", "+33720555124", ""},
	}
	for _, tt := range tests {
		got, errText := runFunction(t, "e164", types.StringUnknown(), types.StringValue(tt.number), types.StringValue(tt.country))
		if tt.wantErr != "" {
			if !strings.Contains(errText, tt.wantErr) {
				t.Errorf("e164(%q, %q): error %q, want it to contain %q", tt.number, tt.country, errText, tt.wantErr)
			}
			continue
		}
		if errText != "" || !got.Equal(types.StringValue(tt.want)) {
			t.Errorf("e164(%q, %q) = %v, %q; want %q", tt.number, tt.country, got, errText, tt.want)
		}
	}
}

// TestAccE164Function calls the function through the real CLI (functions need Terraform >= 1.8
// or OpenTofu >= 1.7).
func TestAccE164Function(t *testing.T) {
	acctest.PreCheck(t)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			// An error step first: the post-test destroy runs with the last step's configuration.
			{
				Config: `
output "bad" {
  value = provider::ucprov::e164("555-1200", "US")
}
`,
				ExpectError: regexp.MustCompile(`"555-1200" \(default country "US"\)\s+is\s+not\s+a\s+phone\s+number`),
			},
			{
				Config: `
output "nanp" {
  value = provider::ucprov::e164("(720) 555-1200", "US")
}
output "france" {
  value = provider::ucprov::e164("06.34.33.32.00", "FR")
}
output "list" {
  value = [for n in ["+44 20 7946 0018", "0033 6 34 33 32 00"] : provider::ucprov::e164(n, "")]
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("nanp", knownvalue.StringExact("+17205551200")),
					statecheck.ExpectKnownOutputValue("france", knownvalue.StringExact("+33634333200")),
					statecheck.ExpectKnownOutputValue("list", knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact("+442079460018"), knownvalue.StringExact("+33634333200"),
					})),
				},
			},
		},
	})
}
