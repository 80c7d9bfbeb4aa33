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

const cfName = "ucprov_call_forwarding.test"

func cfConfig(sb *acctest.Sandbox, body string) string {
	return sb.ProviderConfig() + acctest.UserConfig("Ada", "Lovelace") + fmt.Sprintf(`
resource "ucprov_call_forwarding" "test" {
  user_id = ucprov_user.test.id
%s
}
`, body)
}

func TestAccCallForwarding_basic(t *testing.T) {
	sb := acctest.Start(t)
	var userID string
	first := `
  always = {
    enabled     = true
    destination = "+17205550100"
  }
  no_answer = {
    enabled     = true
    destination = "1234"
    rings       = 5
  }
`
	second := `
  busy = {
    enabled     = true
    destination = "+17205550111"
  }
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfConfig(sb, first),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(cfName, tfjsonpath.New("busy").AtMapKey("enabled"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(cfName, tfjsonpath.New("no_answer").AtMapKey("rings"), knownvalue.Int64Exact(5)),
				},
				Check: resource.ComposeTestCheckFunc(
					captureID("ucprov_user.test", &userID),
					checkCF(sb, &userID, func(cf *client.CallForwarding) error {
						if !cf.Always.Enabled || cf.Always.Destination != "+17205550100" || cf.NoAnswer.Rings != 5 || cf.Busy.Enabled {
							return fmt.Errorf("backend call forwarding does not match: %+v", cf)
						}
						return nil
					}),
				),
			},
			{ResourceName: cfName, ImportState: true, ImportStateVerify: true},
			{
				Config: cfConfig(sb, second),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(cfName, plancheck.ResourceActionUpdate)},
				},
				Check: checkCF(sb, &userID, func(cf *client.CallForwarding) error {
					if cf.Always.Enabled || cf.NoAnswer.Enabled || !cf.Busy.Enabled || cf.NoAnswer.Rings != 3 {
						return fmt.Errorf("backend call forwarding not updated: %+v", cf)
					}
					return nil
				}),
			},
			{
				Config:           cfConfig(sb, second),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// Turned off in the portal: drift, put back by the next apply.
				PreConfig: func() {
					if err := sb.Client().DeleteCallForwarding(acctest.Ctx(), userID, client.WriteOptions{}); err != nil {
						t.Fatalf("turn off out of band: %v", err)
					}
				},
				Config: cfConfig(sb, second),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(cfName, plancheck.ResourceActionUpdate)},
				},
			},
			{
				// The user disappears (deleted in the portal): the plan creates the user and its
				// forwarding again.
				PreConfig: sb.DeleteUserOutOfBand(t, &userID),
				Config:    cfConfig(sb, second),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("ucprov_user.test", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(cfName, plancheck.ResourceActionCreate),
				}},
				Check: captureID("ucprov_user.test", &userID),
			},
			{
				// Destroying the resource alone turns every forward off; the user stays.
				Config: sb.ProviderConfig() + acctest.UserConfig("Ada", "Lovelace"),
				Check: checkCF(sb, &userID, func(cf *client.CallForwarding) error {
					if cf.Always.Enabled || cf.Busy.Enabled || cf.NoAnswer.Enabled {
						return fmt.Errorf("destroy should turn every forward off: %+v", cf)
					}
					return nil
				}),
			},
		},
	})
}

// TestAccCallForwarding_invalid: plan-time errors with no write.
func TestAccCallForwarding_invalid(t *testing.T) {
	sb := acctest.Start(t)
	cases := []struct {
		body string
		want []string
	}{
		{"  always = { enabled = true }\n", []string{"Missing destination", "always forwarding is enabled", "destination_required"}},
		{"  no_answer = {\n    enabled = true\n  }\n", []string{"Missing destination", "no_answer forwarding is enabled", "destination_required"}},
		{"  no_answer = {\n    enabled = true\n    destination = \"1234\"\n    rings = 21\n  }\n", []string{"rings", "value must be between 2 and 20"}},
		{"  busy = {\n    enabled = true\n    destination = \"sip:bob\"\n  }\n", []string{"Invalid busy.destination", "destination_invalid"}},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{Config: cfConfig(sb, c.body), PlanOnly: true, ExpectError: errRe(c.want...)})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: acctest.ProviderFactories, Steps: steps})
	if n := sb.WriteCount(); n != 0 {
		t.Fatalf("invalid call forwarding must fail before any write, %d writes reached the sandbox", n)
	}
}

func checkCF(sb *acctest.Sandbox, userID *string, f func(*client.CallForwarding) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		cf, err := sb.Client().GetCallForwarding(acctest.Ctx(), *userID)
		if err != nil {
			return err
		}
		return f(cf)
	}
}
