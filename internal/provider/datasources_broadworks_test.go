package provider_test

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ucprov/terraform-provider-ucprov/internal/acctest"
	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

// TestAccBroadWorksDataSourcesAndInvitations: the user data source by email and by id, the users
// data source of a group (UserGetListInGroupRequest, then each user), a generated passcode that
// follows the group's own rules, and the activation-email job of the enterprise's Webex
// organisation (a user whose activation waits for the email's validation gets one).
func TestAccBroadWorksDataSourcesAndInvitations(t *testing.T) {
	sb := acctest.StartBroadWorks(t)
	if err := sb.SetGroupPasscodePolicy(acctest.GroupDenver, rules.PasscodePolicy{MinLength: 9, MaxLength: 12,
		MaxRepeatedDigits: 1, MaxSequenceLength: 2, PasswordMinLength: 10}); err != nil {
		t.Fatal(err)
	}
	cfg := sb.BroadWorksConfig(acctest.OCIPOverTCP) + `
resource "ucprov_user" "ada" {
  group_id   = "grp_denver"
  first_name = "Ada"
  last_name  = "Lovelace"
  email      = "pending.ada@acme.example"
}
resource "ucprov_user" "alan" {
  group_id   = "grp_denver"
  first_name = "Alan"
  last_name  = "Turing"
  time_zone  = "Europe/London"
}
resource "ucprov_activation" "ada" {
  user_id = ucprov_user.ada.id
}
resource "ucprov_generated_passcode" "ada" {}
data "ucprov_user" "by_email" {
  email      = "PENDING.ADA@acme.example"
  depends_on = [ucprov_user.ada]
}
data "ucprov_user" "by_id" {
  id = ucprov_user.alan.id
}
data "ucprov_users" "denver" {
  group_id   = "grp_denver"
  depends_on = [ucprov_user.ada, ucprov_user.alan]
}
resource "ucprov_invitations" "all" {
  depends_on = [ucprov_activation.ada]
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.ucprov_user.by_email", tfjsonpath.New("id"), knownvalue.StringExact("pending.ada@ent_acme.invalid")),
				statecheck.ExpectKnownValue("data.ucprov_user.by_id", tfjsonpath.New("time_zone"), knownvalue.StringExact("Europe/London")),
				statecheck.ExpectKnownValue("ucprov_invitations.all", tfjsonpath.New("sent"), knownvalue.Int64Exact(1)),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("data.ucprov_users.denver", "users.#", "2"),
				resource.TestCheckResourceAttrWith("ucprov_generated_passcode.ada", "result", func(v string) error {
					if _, err := strconv.Atoi(v); err != nil || len(v) < 9 {
						return fmt.Errorf("generated passcode %q does not follow grp_denver's rules (at least 9 digits)", v)
					}
					if vs := rules.CheckPasscode(v, rules.PasscodePolicy{MinLength: 9, MaxLength: 12, MaxRepeatedDigits: 1, MaxSequenceLength: 2}, rules.PasscodeFacts{}); len(vs) > 0 {
						return fmt.Errorf("generated passcode %q breaks grp_denver's rules: %v", v, vs)
					}
					return nil
				}),
			),
		}},
	})
}
