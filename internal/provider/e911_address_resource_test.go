package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ucprov/terraform-provider-ucprov/internal/acctest"
	"github.com/ucprov/terraform-provider-ucprov/internal/client"
)

const e911Name = "ucprov_e911_address.test"

// e911Config is a user with a number and an E911 address in lower case and unabbreviated.
func e911Config(sb *acctest.Sandbox, number, address string) string {
	return sb.ProviderConfig() + acctest.UserConfig("Ada", "Lovelace") + fmt.Sprintf(`
resource "ucprov_user_number" "test" {
  user_id      = ucprov_user.test.id
  phone_number = %q
}

resource "ucprov_e911_address" "test" {
  user_id = ucprov_user.test.id
%s
}
`, number, address)
}

const whiteHouse = `
  address1    = "1600 pennsylvania avenue northwest"
  city        = "washington"
  state       = "dc"
  postal_code = "20500"
  country     = "US"
`

func TestAccE911Address_basic(t *testing.T) {
	sb := acctest.Start(t)
	var userID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			_, err := sb.Client().GetE911(acctest.Ctx(), userID)
			if err == nil {
				return fmt.Errorf("E911 address of %s still there after destroy", userID)
			}
			if !client.IsNotFound(err) {
				return fmt.Errorf("E911 address of %s after destroy: %w", userID, err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: e911Config(sb, "+17205551220", whiteHouse),
				ConfigStateChecks: []statecheck.StateCheck{
					// The user's spelling stays; the backend's form is in normalized.
					statecheck.ExpectKnownValue(e911Name, tfjsonpath.New("address1"), knownvalue.StringExact("1600 pennsylvania avenue northwest")),
					statecheck.ExpectKnownValue(e911Name, tfjsonpath.New("normalized").AtMapKey("address1"), knownvalue.StringExact("1600 PENNSYLVANIA AVE NW")),
					statecheck.ExpectKnownValue(e911Name, tfjsonpath.New("normalized").AtMapKey("city"), knownvalue.StringExact("WASHINGTON")),
					statecheck.ExpectKnownValue(e911Name, tfjsonpath.New("normalized").AtMapKey("state"), knownvalue.StringExact("DC")),
					statecheck.ExpectKnownValue(e911Name, tfjsonpath.New("status"), knownvalue.StringExact("valid")),
				},
				Check: captureID("ucprov_user.test", &userID),
			},
			{
				// Applied twice: the second plan is empty (no perpetual diff from normalisation).
				Config:           e911Config(sb, "+17205551220", whiteHouse),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{ResourceName: e911Name, ImportState: true, ImportStateVerify: true},
			{
				Config: e911Config(sb, "+17205551220", `
  address1    = "350 fifth avenue"
  address2    = "floor 21"
  city        = "new york"
  state       = "NY"
  postal_code = "10118-0110"
  country     = "US"
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(e911Name, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(e911Name, tfjsonpath.New("normalized").AtMapKey("address1"), knownvalue.StringExact("350 FIFTH AVE")),
					statecheck.ExpectKnownValue(e911Name, tfjsonpath.New("normalized").AtMapKey("address2"), knownvalue.StringExact("FL 21")),
				},
			},
			{
				PreConfig: func() {
					if err := sb.Client().DeleteE911(acctest.Ctx(), userID, client.WriteOptions{}); err != nil {
						t.Fatalf("delete out of band: %v", err)
					}
				},
				Config: e911Config(sb, "+17205551220", whiteHouse),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(e911Name, plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}

// TestAccE911Address_needsReview: a new number makes the backend mark the address needs_review,
// and the next plan re-confirms it.
func TestAccE911Address_needsReview(t *testing.T) {
	sb := acctest.Start(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: e911Config(sb, "+17205551221", whiteHouse)},
			{
				// The number changes; the address was read before, so the plan after this apply is
				// not empty: the backend now says needs_review.
				Config:             e911Config(sb, "+17205551222", whiteHouse),
				ExpectNonEmptyPlan: true,
			},
			{
				Config: e911Config(sb, "+17205551222", whiteHouse),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(e911Name, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(e911Name, tfjsonpath.New("status")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(e911Name, tfjsonpath.New("status"), knownvalue.StringExact("valid")),
				},
			},
		},
	})
}

// TestAccE911Address_invalid: every address rule fails at plan time on its attribute.
func TestAccE911Address_invalid(t *testing.T) {
	sb := acctest.Start(t)
	addr := func(state, zip, country string) string {
		return fmt.Sprintf("  address1 = \"1 main street\"\n  city = \"springfield\"\n  state = %q\n  postal_code = %q\n  country = %q\n", state, zip, country)
	}
	cases := []struct {
		body string
		want []string
	}{
		{addr("XX", "20500", "US"), []string{"Invalid state", "address_invalid"}},
		{addr("IL", "2050", "US"), []string{"Invalid postal_code", "postal_code must be a US ZIP code", "address_invalid"}},
		{"  address1 = \"1 main street\"\n  city = \"springfield\"\n  postal_code = \"62701\"\n  country = \"US\"\n", []string{"Invalid state", "state is required"}},
		{"  address1 = \"1 main street\"\n  city = \"ottawa\"\n  postal_code = \"K1A 0B1\"\n  country = \"CA\"\n", []string{"Invalid state", "state is required"}},
		{addr("ON", "ABC 123", "CA"), []string{"Invalid postal_code", "address_invalid"}},
		{addr("IL", "62701", "USA"), []string{"Invalid country", "address_invalid"}},
		{"  address1 = \"1 main street\"\n  city = \"springfield\"\n  state = \"IL\"\n  country = \"US\"\n", []string{`"postal_code" is required`}},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      e911Config(sb, "+17205551223", c.body),
			PlanOnly:    true,
			ExpectError: errRe(c.want...),
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: acctest.ProviderFactories, Steps: steps})
	if n := sb.WriteCount(); n != 0 {
		t.Fatalf("invalid addresses must fail before any write, %d writes reached the sandbox", n)
	}
}

// TestAccE911Address_noState: outside North America state is optional (France has none); the
// address applies without it, reads back without a diff and imports.
func TestAccE911Address_noState(t *testing.T) {
	sb := acctest.Start(t)
	config := sb.ProviderConfig() + fmt.Sprintf(`
resource "ucprov_user" "test" {
  group_id   = %q
  first_name = "Marie"
  last_name  = "Curie"
}

resource "ucprov_user_number" "test" {
  user_id      = ucprov_user.test.id
  phone_number = "+33634333210"
}

resource "ucprov_e911_address" "test" {
  user_id     = ucprov_user.test.id
  address1    = "8 rue de rivoli"
  city        = "Paris"
  postal_code = "75004"
  country     = "FR"
}
`, acctest.GroupParis)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(e911Name, tfjsonpath.New("state"), knownvalue.Null()),
					statecheck.ExpectKnownValue(e911Name, tfjsonpath.New("status"), knownvalue.StringExact("valid")),
					statecheck.ExpectKnownValue(e911Name, tfjsonpath.New("normalized").AtMapKey("address1"),
						knownvalue.StringExact("8 RUE DE RIVOLI")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{ResourceName: e911Name, ImportState: true, ImportStateVerify: true},
		},
	})
}
