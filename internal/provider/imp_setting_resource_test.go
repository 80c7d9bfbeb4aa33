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

const impName = "ucprov_imp_setting.test"

// impConfig is an IM&P setting of an existing user.
func impConfig(sb *acctest.Sandbox, userID string, enabled bool) string {
	return sb.ProviderConfig() + fmt.Sprintf(`
resource "ucprov_imp_setting" "test" {
  user_id = %q
  enabled = %t
}
`, userID, enabled)
}

func TestAccIMP_basic(t *testing.T) {
	sb := acctest.Start(t)
	// The user lives outside the configuration, so that destroy can be checked on it.
	userID := actUser(t, sb, "Ada", "Lovelace", "ada@acme.example")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             impCheckAPI(sb, userID, false), // destroy disables IM&P
		Steps: []resource.TestStep{
			{
				Config: impConfig(sb, userID, true),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(impName, tfjsonpath.New("id"), knownvalue.StringExact(userID)),
					statecheck.ExpectKnownValue(impName, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
				},
				Check: impCheckAPI(sb, userID, true),
			},
			{ResourceName: impName, ImportState: true, ImportStateVerify: true},
			{
				Config: impConfig(sb, userID, false),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(impName, plancheck.ResourceActionUpdate)},
				},
				Check: impCheckAPI(sb, userID, false),
			},
			{
				Config: impConfig(sb, userID, false),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				Config: impConfig(sb, userID, true),
				Check:  impCheckAPI(sb, userID, true),
			},
			{
				// Switched off in the portal: drift, put back by the next apply.
				PreConfig: func() {
					if _, err := sb.Client().SetIMP(acctest.Ctx(), userID, false, client.WriteOptions{}); err != nil {
						t.Fatalf("disable IM&P out of band: %v", err)
					}
				},
				Config: impConfig(sb, userID, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(impName, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(impName, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
					},
				},
				Check: impCheckAPI(sb, userID, true),
			},
			{Config: impConfig(sb, userID, true), PlanOnly: true},
		},
	})
}

// TestAccIMP_emailRequired: enabling IM&P for a user without an email fails at plan time, on
// creation and on a false → true change, naming the user and the rule, and nothing is written.
func TestAccIMP_emailRequired(t *testing.T) {
	sb := acctest.Start(t)
	userID := actUser(t, sb, "Grace", "Hopper", "")
	var writes int64
	mark := func() { writes = sb.WriteCount() }
	noWrite := func(*terraform.State) error {
		if got := sb.WriteCount(); got != writes {
			return fmt.Errorf("expected no write, but %d reached the sandbox: %v", got-writes, sb.Metrics())
		}
		return nil
	}
	want := errRe("Email required for Integrated IM&P", userID, "(Grace Hopper) has no email", "rule email_required",
		"Set email on the ucprov_user first")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{PreConfig: mark, Config: impConfig(sb, userID, true), ExpectError: want},
			{
				// Disabled needs no email.
				PreConfig: func() {
					if err := noWrite(nil); err != nil {
						t.Fatal(err)
					}
				},
				Config: impConfig(sb, userID, false),
				Check:  impCheckAPI(sb, userID, false),
			},
			{PreConfig: mark, Config: impConfig(sb, userID, true), ExpectError: want},
			{
				PreConfig: func() {
					if err := noWrite(nil); err != nil {
						t.Fatal(err)
					}
				},
				Config:   impConfig(sb, userID, false),
				PlanOnly: true,
			},
		},
	})
}

// TestAccIMP_emailRequiredNewUser: a user created in the same apply is checked by the backend;
// the error says the same thing.
func TestAccIMP_emailRequiredNewUser(t *testing.T) {
	sb := acctest.Start(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: sb.ProviderConfig() + acctest.UserConfig("Alan", "Turing") + `
resource "ucprov_imp_setting" "test" {
  user_id = ucprov_user.test.id
  enabled = true
}
`,
			// Terraform plans again during the apply, once the user's id is known: the check runs then,
			// before IM&P is written.
			ExpectError: errRe("Email required for Integrated IM&P", "(Alan Turing) has no email", "rule email_required"),
		}},
	})
	if n := metricCount(sb.Metrics(), "PUT", "/integrated-imp"); n != 0 {
		t.Fatalf("IM&P must not be written: %v", sb.Metrics())
	}
}

// TestAccIMP_userDeleted: when the user is deleted outside Terraform the setting disappears from
// state, and the plan says that the user does not exist (rather than failing to read IM&P).
func TestAccIMP_userDeleted(t *testing.T) {
	sb := acctest.Start(t)
	userID := actUser(t, sb, "Ada", "Lovelace", "ada@acme.example")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: impConfig(sb, userID, true)},
			{
				PreConfig:   sb.DeleteUserOutOfBand(t, &userID),
				Config:      impConfig(sb, userID, true),
				PlanOnly:    true,
				ExpectError: errRe("User not found", userID, "does not exist"),
			},
			{Config: sb.ProviderConfig()}, // the refresh drops the setting; nothing to destroy
		},
	})
}

func impCheckAPI(sb *acctest.Sandbox, userID string, want bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		imp, err := sb.Client().GetIMP(acctest.Ctx(), userID)
		if err != nil {
			return fmt.Errorf("get IM&P of %s: %w", userID, err)
		}
		if imp.Enabled != want {
			return fmt.Errorf("IM&P of %s is enabled=%t on the backend, want %t", userID, imp.Enabled, want)
		}
		return nil
	}
}
