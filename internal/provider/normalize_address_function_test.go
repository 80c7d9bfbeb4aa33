package provider_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/ucprov/terraform-provider-ucprov/internal/acctest"
)

var addressAttrTypes = map[string]attr.Type{
	"address1": types.StringType, "address2": types.StringType, "city": types.StringType,
	"state": types.StringType, "postal_code": types.StringType, "country": types.StringType,
}

// addressArg builds the dynamic argument of normalize_address from attribute values.
func addressArg(t *testing.T, fields map[string]string) types.Dynamic {
	t.Helper()
	attrTypes, values := map[string]attr.Type{}, map[string]attr.Value{}
	for k, v := range fields {
		attrTypes[k], values[k] = types.StringType, types.StringValue(v)
	}
	obj, diags := types.ObjectValue(attrTypes, values)
	if diags.HasError() {
		t.Fatal(diags)
	}
	return types.DynamicValue(obj)
}

func TestNormalizeAddressFunction(t *testing.T) {
	denver := map[string]string{"address1": " 1700 Lincoln  Street ", "city": "Denver", "state": "co", "postal_code": "80203", "country": "US"}
	got, errText := runFunction(t, "normalize_address", types.ObjectUnknown(addressAttrTypes), addressArg(t, denver))
	if errText != "" {
		t.Fatal(errText)
	}
	want, _ := types.ObjectValue(addressAttrTypes, map[string]attr.Value{
		"address1": types.StringValue("1700 LINCOLN ST"), "address2": types.StringValue(""), "city": types.StringValue("DENVER"),
		"state": types.StringValue("CO"), "postal_code": types.StringValue("80203"), "country": types.StringValue("US"),
	})
	if !got.Equal(want) {
		t.Fatalf("normalize_address = %v, want %v", got, want)
	}

	tests := []struct {
		name    string
		fields  map[string]string
		wantErr string
	}{
		{"bad ZIP", map[string]string{"address1": "1 Main St", "city": "Denver", "state": "CO", "postal_code": "8020", "country": "US"},
			"postal_code: "},
		{"missing city", map[string]string{"address1": "1 Main St", "state": "CO", "postal_code": "80203", "country": "US"},
			"city: city is required (rule address_invalid)"},
		{"French postcode of four digits (issue 20)", map[string]string{"address1": "1 rue de Rivoli", "city": "Paris", "postal_code": "7500", "country": "FR"},
			"postal_code: "},
		{"unknown attribute", map[string]string{"address1": "1 Main St", "zip": "80203"},
			`unknown address attribute "zip"`},
	}
	for _, tt := range tests {
		_, errText := runFunction(t, "normalize_address", types.ObjectUnknown(addressAttrTypes), addressArg(t, tt.fields))
		if !strings.Contains(errText, tt.wantErr) {
			t.Errorf("%s: error %q, want it to contain %q", tt.name, errText, tt.wantErr)
		}
		if strings.Contains(errText, "postalCode") {
			t.Errorf("%s: error %q names the API field instead of the attribute", tt.name, errText)
		}
	}
}

// normalizedDenver is the normalised form of the address of TestAccNormalizeAddressFunction.
var normalizedDenver = knownvalue.ObjectExact(map[string]knownvalue.Check{
	"address1": knownvalue.StringExact("1700 LINCOLN ST, STE 400"), "address2": knownvalue.StringExact(""),
	"city": knownvalue.StringExact("DENVER"), "state": knownvalue.StringExact("CO"),
	"postal_code": knownvalue.StringExact("80203"), "country": knownvalue.StringExact("US"),
})

// TestAccNormalizeAddressFunction: the function's offline result is what the backend stores as
// the resource's normalized attribute.
func TestAccNormalizeAddressFunction(t *testing.T) {
	sb := acctest.Start(t)
	address := `{
    address1    = "1700 Lincoln Street, Suite 400"
    city        = "Denver"
    state       = "co"
    postal_code = "80203"
    country     = "US"
  }`
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			// An error step first: the post-test destroy runs with the last step's configuration.
			{
				Config: `
output "bad" {
  value = provider::ucprov::normalize_address({ address1 = "1 Main St", city = "Denver", state = "CO", postal_code = "8020", country = "US" })
}
`,
				ExpectError: regexp.MustCompile(`invalid E911 address: postal_code:\s+postal_code must be a US ZIP code`),
			},
			{
				Config: sb.ProviderConfig() + `
locals {
  address = ` + address + `
}
` + acctest.UserConfig("Ada", "Lovelace") + `
resource "ucprov_e911_address" "test" {
  user_id     = ucprov_user.test.id
  address1    = local.address.address1
  city        = local.address.city
  state       = local.address.state
  postal_code = local.address.postal_code
  country     = local.address.country
}
output "offline" {
  value = provider::ucprov::normalize_address(local.address)
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("offline", normalizedDenver),
					statecheck.ExpectKnownValue("ucprov_e911_address.test", tfjsonpath.New("normalized"), normalizedDenver),
				},
			},
		},
	})
}
