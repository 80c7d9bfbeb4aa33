package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ucprov/terraform-provider-ucprov/internal/acctest"
)

// bwActivationConfig: Ada gets Integrated IMP (flow-through provisioning creates her Webex
// subscriber, which her ucprov_activation adopts), Alan an activation of its own (POST
// /broadworks/subscribers); both waited for until provisioned. extra is appended.
func bwActivationConfig(sb *acctest.Sandbox, alanPackage, extra string) string {
	return sb.BroadWorksConfig(acctest.OCIPOverSOAP) + fmt.Sprintf(`
resource "ucprov_user" "ada" {
  group_id   = "grp_denver"
  first_name = "Ada"
  last_name  = "Lovelace"
  email      = "ada@acme.example"
}
resource "ucprov_user_number" "ada" {
  user_id      = ucprov_user.ada.id
  phone_number = "+17205551210"
  extension    = "1210"
}
resource "ucprov_imp_setting" "ada" {
  user_id = ucprov_user.ada.id
  enabled = true
}
resource "ucprov_activation" "ada" {
  user_id    = ucprov_user.ada.id
  wait_for   = "provisioned"
  depends_on = [ucprov_imp_setting.ada, ucprov_user_number.ada]
}
resource "ucprov_user" "alan" {
  group_id   = "grp_denver"
  first_name = "Alan"
  last_name  = "Turing"
  email      = "alan@acme.example"
}
resource "ucprov_activation" "alan" {
  user_id  = ucprov_user.alan.id
  package  = %q
  wait_for = "provisioned"
}
`, alanPackage) + extra
}

const bwStatusReport = `
data "ucprov_activation_status" "all" {
  depends_on = [ucprov_activation.ada, ucprov_activation.alan]
}
`

// TestAccBroadWorksActivation: activations waited for until provisioned (one adopted from
// flow-through provisioning, one created), import, a package change, the status report and its
// CSV, and a directory sync.
func TestAccBroadWorksActivation(t *testing.T) {
	sb := acctest.StartBroadWorks(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: bwActivationConfig(sb, "webex_suite", bwStatusReport),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("ucprov_activation.ada", tfjsonpath.New("status"), knownvalue.StringExact("provisioned")),
					statecheck.ExpectKnownValue("ucprov_activation.ada", tfjsonpath.New("package"), knownvalue.StringExact("webex_calling")),
					statecheck.ExpectKnownValue("ucprov_activation.alan", tfjsonpath.New("status"), knownvalue.StringExact("provisioned")),
					statecheck.ExpectKnownValue("ucprov_activation.alan", tfjsonpath.New("package"), knownvalue.StringExact("webex_suite")),
					statecheck.ExpectKnownValue("data.ucprov_activation_status.all", tfjsonpath.New("counts").AtMapKey("provisioned"), knownvalue.Int64Exact(2)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("data.ucprov_activation_status.all", "users.#", "2"),
					resource.TestCheckResourceAttr("data.ucprov_activation_status.all", "users.0.last_name", "Lovelace"),
					resource.TestCheckResourceAttr("data.ucprov_activation_status.all", "users.0.extension", "1210"),
					resource.TestCheckResourceAttr("data.ucprov_activation_status.all", "users.0.group_id", acctest.GroupDenver),
					resource.TestCheckResourceAttr("data.ucprov_activation_status.all", "users.1.license", "webex_suite"),
					resource.TestCheckResourceAttrWith("data.ucprov_activation_status.all", "csv", func(v string) error {
						lines := strings.Split(strings.TrimSuffix(v, "\r\n"), "\r\n")
						if len(lines) != 3 || lines[0] != "User ID,Group ID,Location,License,Service Type,Service ID,Extension,First Name,Last Name,Email,Status" {
							return fmt.Errorf("csv: %q", v)
						}
						if !strings.HasPrefix(lines[1], "ada@ent_acme.invalid,grp_denver,") || !strings.HasSuffix(lines[1], ",1210,Ada,Lovelace,ada@acme.example,provisioned") {
							return fmt.Errorf("csv row of Ada: %q", lines[1])
						}
						return nil
					}),
				),
			},
			{ResourceName: "ucprov_activation.alan", ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"wait_for", "timeouts", "send_activation_email", "invitation_version"}},
			{
				Config: bwActivationConfig(sb, "webex_meetings", bwStatusReport),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("ucprov_activation.alan", plancheck.ResourceActionUpdate)}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("ucprov_activation.alan", tfjsonpath.New("package"), knownvalue.StringExact("webex_meetings")),
				},
			},
			{
				Config: bwActivationConfig(sb, "webex_meetings", `
resource "ucprov_directory_sync" "test" {
  triggers = {
    run = "1"
  }
  depends_on = [ucprov_activation.ada]
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("ucprov_directory_sync.test", tfjsonpath.New("status"), knownvalue.StringExact("succeeded")),
					statecheck.ExpectKnownValue("ucprov_directory_sync.test", tfjsonpath.New("job_id"), knownvalue.StringRegexp(regexp.MustCompile(`^dirsync:ent_acme:`))),
				},
			},
			{
				Config: bwActivationConfig(sb, "webex_meetings", `
resource "ucprov_directory_sync" "test" {
  triggers = {
    run = "1"
  }
  depends_on = [ucprov_activation.ada]
}
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// A second sync within 24 hours: on hold.
				Config: bwActivationConfig(sb, "webex_meetings", `
resource "ucprov_directory_sync" "test" {
  triggers = {
    run = "2"
  }
  depends_on = [ucprov_activation.ada]
}
`),
				ExpectError: regexp.MustCompile(`Directory sync on hold`),
			},
		},
	})
	_ = terraform.State{}
}

// TestAccBroadWorksActivationAfterIMPOfAnEarlierApply: Integrated IMP turned on in one apply
// (flow-through provisioning makes the Webex subscriber), ucprov_activation added in a later one
// (another provider process): the activation takes the flow-through subscriber over rather than
// fail "User already activated". A provisioned subscriber of a user without Integrated IMP is
// still refused (flow-through did not make it: import it).
func TestAccBroadWorksActivationAfterIMPOfAnEarlierApply(t *testing.T) {
	sb := acctest.StartBroadWorks(t)
	users := sb.BroadWorksConfig(acctest.OCIPOverSOAP) + `
resource "ucprov_user" "ada" {
  group_id   = "grp_denver"
  first_name = "Ada"
  last_name  = "Lovelace"
  email      = "ada@acme.example"
}
resource "ucprov_imp_setting" "ada" {
  user_id = ucprov_user.ada.id
  enabled = true
}
`
	activation := `
resource "ucprov_activation" "ada" {
  user_id    = ucprov_user.ada.id
  wait_for   = "provisioned"
  depends_on = [ucprov_imp_setting.ada]
}
`
	alan := `
resource "ucprov_user" "alan" {
  group_id   = "grp_denver"
  first_name = "Alan"
  last_name  = "Turing"
  email      = "alan@acme.example"
}
resource "ucprov_activation" "alan" {
  user_id  = ucprov_user.alan.id
  wait_for = "provisioned"
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: users},
			{
				Config: users + activation,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("ucprov_activation.ada", tfjsonpath.New("status"), knownvalue.StringExact("provisioned")),
					statecheck.ExpectKnownValue("ucprov_activation.ada", tfjsonpath.New("package"), knownvalue.StringExact("webex_calling")),
				},
			},
			{Config: users + activation, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
			{
				// Alan has no Integrated IMP: his activation is queued by ucprov_activation.alan.
				Config: users + activation + alan,
			},
			{
				// A second activation resource for Alan meets a subscriber that flow-through did
				// not make: refused.
				Config: users + activation + alan + `
resource "ucprov_activation" "alan2" {
  user_id  = ucprov_user.alan.id
  wait_for = "provisioned"
}
`,
				ExpectError: regexp.MustCompile(`User already activated`),
			},
		},
	})
}
