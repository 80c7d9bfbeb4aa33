package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ucprov/terraform-provider-ucprov/internal/acctest"
	"github.com/ucprov/terraform-provider-ucprov/internal/client"
)

// TestAccUsersDataSources: list an enterprise's users, look one up by email and by id, and adopt
// an existing user with an import block so that the plan has nothing to change.
func TestAccUsersDataSources(t *testing.T) {
	sb := acctest.Start(t)
	c := sb.Client()
	var ids []string
	for i, g := range []string{acctest.GroupDenver, acctest.GroupDenver, acctest.GroupParis} {
		u, err := c.CreateUser(acctest.Ctx(), acctest.Enterprise, client.UserInput{
			GroupID: g, FirstName: "Existing", LastName: fmt.Sprint(i), Email: fmt.Sprintf("existing%d@acme.example", i), Department: "Ops",
		})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, u.ID)
	}
	// Another enterprise's user is never listed.
	if _, err := c.CreateUser(acctest.Ctx(), acctest.OtherEnterprise, clientUser(acctest.GroupTokyo)); err != nil {
		t.Fatal(err)
	}
	cfg := sb.ProviderConfig() + `
data "ucprov_users" "all" {}
data "ucprov_users" "denver" {
  group_id = "grp_denver"
}
data "ucprov_user" "by_email" {
  email = "EXISTING2@acme.example"
}
data "ucprov_user" "by_id" {
  id = data.ucprov_user.by_email.id
}
`
	adopt := sb.ProviderConfig() + fmt.Sprintf(`
import {
  to = ucprov_user.adopted
  id = %q
}
resource "ucprov_user" "adopted" {
  group_id   = "grp_denver"
  first_name = "Existing"
  last_name  = "0"
  email      = "existing0@acme.example"
  department = "Ops"
}
`, ids[0])
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.ucprov_users.all", tfjsonpath.New("users"), knownvalue.ListSizeExact(3)),
					statecheck.ExpectKnownValue("data.ucprov_users.denver", tfjsonpath.New("users"), knownvalue.ListSizeExact(2)),
					statecheck.ExpectKnownValue("data.ucprov_user.by_email", tfjsonpath.New("id"), knownvalue.StringExact(ids[2])),
					statecheck.ExpectKnownValue("data.ucprov_user.by_email", tfjsonpath.New("group_id"), knownvalue.StringExact(acctest.GroupParis)),
					statecheck.ExpectKnownValue("data.ucprov_user.by_id", tfjsonpath.New("email"), knownvalue.StringExact("existing2@acme.example")),
				},
			},
			{
				Config:      sb.ProviderConfig() + "data \"ucprov_user\" \"x\" {\n  email = \"nobody@acme.example\"\n}\n",
				ExpectError: errRe("User not found", "nobody@acme.example"),
			},
			{
				Config: adopt,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("ucprov_user.adopted", plancheck.ResourceActionNoop)},
				},
			},
		},
	})
}
