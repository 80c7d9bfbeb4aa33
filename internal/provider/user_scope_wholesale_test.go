package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/ucprov/terraform-provider-ucprov/internal/acctest"
	"github.com/ucprov/terraform-provider-ucprov/internal/sandbox"
	"github.com/ucprov/terraform-provider-ucprov/internal/webex"
)

// TestAccWholesalePerUserResources_customerNotVisible is the security test of user_scope_test.go
// on wholesale: per-user resources of a subscriber of another customer (globex), created with the
// partner token, are not taken for deleted when the token changes to one that sees only the
// provider's customer (acme): the refresh fails naming the customer, and the state keeps them.
func TestAccWholesalePerUserResources_customerNotVisible(t *testing.T) {
	sb := acctest.StartWholesale(t)
	const acmeOnly = "webex-acme-only-token"
	if err := sb.AddWebexToken(sandbox.WebexToken{Token: acmeOnly, Label: "acme customer admin", Scopes: sandbox.WebexScopes,
		Enterprises: []string{acctest.Enterprise}}); err != nil {
		t.Fatal(err)
	}
	res, err := sb.Webex().ProvisionWholesaleSubscriber(acctest.Ctx(), webex.WholesaleSubscriberCreate{
		CustomerID: acctest.WholesaleOtherCustomer, Email: "kenji.sato@globex.example", Packages: []string{"webex_calling"},
		ProvisioningParameters: webex.WholesaleProvisioningParameters{FirstName: "Kenji", LastName: "Sato",
			PrimaryPhoneNumber: "+81345550110", Extension: "4110", LocationID: sandbox.DemoWebexLocation(acctest.GroupTokyo)},
	})
	if err != nil {
		t.Fatal(err)
	}
	id := res.Subscriber.ID
	cfg := func(token string) string {
		return fmt.Sprintf(`
provider "ucprov" {
  platform      = "wholesale"
  enterprise_id = %[1]q
  webex {
    base_url = %[2]q
    token    = %[3]q
  }
}
resource "ucprov_call_forwarding" "test" {
  user_id = %[4]q
  busy = {
    enabled     = true
    destination = "+81345550199"
  }
}
resource "ucprov_user_number" "test" {
  user_id      = %[4]q
  phone_number = "+81345550110"
  extension    = "4110"
}
resource "ucprov_activation" "test" {
  user_id = %[4]q
}
`, acctest.WholesaleCustomer, sb.WebexBaseURL(), token, id)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				// The subscriber was activated outside Terraform: the activation is imported.
				Config: cfg(sandbox.DemoWebexToken) + fmt.Sprintf(`
import {
  to = ucprov_activation.test
  id = %q
}
`, id),
			},
			{
				Config:      cfg(acmeOnly),
				PlanOnly:    true,
				ExpectError: wrappedRe("Enterprise not visible with this token", "cannot see enterprise", acctest.WholesaleOtherCustomer),
			},
			{
				Config: cfg(sandbox.DemoWebexToken),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr("ucprov_call_forwarding.test", "user_id", id),
					resource.TestCheckResourceAttr("ucprov_user_number.test", "user_id", id),
					resource.TestCheckResourceAttr("ucprov_activation.test", "user_id", id),
				),
			},
		},
	})
}
