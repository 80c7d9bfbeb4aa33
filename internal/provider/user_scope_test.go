package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/ucprov/terraform-provider-ucprov/internal/acctest"
	"github.com/ucprov/terraform-provider-ucprov/internal/client"
)

// TestAccPerUserResources_enterpriseNotVisible (security review, finding 1): per-user resources of
// a user in ent_globex, created with the service provider's token, are not taken for deleted when
// the token changes to one that sees the provider's enterprise (ent_acme) but not ent_globex: the
// refresh fails naming the enterprise, the state keeps every resource (the plan with the first
// token is empty again). That a user that is really gone still takes its resources out of state is
// TestReadRemovesOnNotFound's (the plan-time checks of ucprov_user_number and ucprov_imp_setting
// fail a plan that names a deleted user before a refresh could show it here).
func TestAccPerUserResources_enterpriseNotVisible(t *testing.T) {
	sb := acctest.Start(t)
	c := sb.Client()
	u, err := c.CreateUser(acctest.Ctx(), "ent_globex", client.UserInput{
		GroupID: "grp_tokyo", FirstName: "Kenji", LastName: "Sato", Email: "kenji.sato@globex.example"})
	if err != nil {
		t.Fatal(err)
	}
	cfg := func(token string) string {
		return fmt.Sprintf(`
provider "ucprov" {
  endpoint      = %[1]q
  token         = %[2]q
  enterprise_id = "ent_acme"
}
resource "ucprov_call_forwarding" "test" {
  user_id = %[3]q
  busy = {
    enabled     = true
    destination = "+81345550199"
  }
}
resource "ucprov_imp_setting" "test" {
  user_id = %[3]q
  enabled = true
}
resource "ucprov_user_number" "test" {
  user_id      = %[3]q
  phone_number = "+81345550110"
  extension    = "4110"
}
resource "ucprov_activation" "test" {
  user_id    = %[3]q
  depends_on = [ucprov_imp_setting.test]
}
`, sb.URL(), token, u.ID)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg(sb.AdminToken())},
			{
				// The refresh of every per-user resource asks for the user; the token cannot see it.
				Config:      cfg(acctest.AcmeAdminToken),
				PlanOnly:    true,
				ExpectError: errRe("Enterprise not visible with this token", "cannot see enterprise ent_globex"),
			},
			{
				// Nothing was removed: with the service provider's token the plan is empty.
				Config: cfg(sb.AdminToken()),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr("ucprov_call_forwarding.test", "user_id", u.ID),
					resource.TestCheckResourceAttr("ucprov_imp_setting.test", "user_id", u.ID),
					resource.TestCheckResourceAttr("ucprov_user_number.test", "user_id", u.ID),
					resource.TestCheckResourceAttr("ucprov_activation.test", "user_id", u.ID),
				),
			},
		},
	})
}
