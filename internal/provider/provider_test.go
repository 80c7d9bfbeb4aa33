package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/ucprov/terraform-provider-ucprov/internal/acctest"
)

// TestAccProvider_configErrors: every provider setting that cannot work fails with an error that
// names the setting and says how to fix it, before any request.
func TestAccProvider_configErrors(t *testing.T) {
	sb := acctest.Start(t)
	for _, env := range []string{"UCPROV_ENDPOINT", "UCPROV_TOKEN", "UCPROV_ENTERPRISE_ID"} {
		t.Setenv(env, "")
	}
	user := `
resource "ucprov_user" "test" {
  group_id   = "grp_denver"
  first_name = "Ada"
  last_name  = "Lovelace"
}
`
	cases := []struct {
		provider string
		want     []string
	}{
		{`provider "ucprov" {
  token = "x"
}`, []string{"Missing API endpoint", "UCPROV_ENDPOINT"}},
		{fmt.Sprintf(`provider "ucprov" {
  endpoint = %q
}`, sb.URL()), []string{"Missing API token", "UCPROV_TOKEN"}},
		{`provider "ucprov" {
  endpoint = "http://uc.example.com"
  token    = "x"
}`, []string{"Invalid API endpoint", "https"}},
		{fmt.Sprintf(`provider "ucprov" {
  endpoint        = %q
  token           = "x"
  request_timeout = "soon"
}`, sb.URL()), []string{"Invalid request_timeout", "positive Go duration"}},
		{fmt.Sprintf(`provider "ucprov" {
  endpoint = %q
  token    = %q
}`, sb.URL(), sb.AdminToken()), []string{"Missing enterprise", "UCPROV_ENTERPRISE_ID"}},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{Config: c.provider + user, PlanOnly: true, ExpectError: errRe(c.want...)})
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: acctest.ProviderFactories, Steps: steps})
	if n := sb.WriteCount(); n != 0 {
		t.Fatalf("a misconfigured provider wrote %d times", n)
	}
}

// TestAccProvider_wrongToken: a token the backend does not know is a clear 401 error.
func TestAccProvider_wrongToken(t *testing.T) {
	sb := acctest.Start(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "ucprov" {
  endpoint      = %q
  token         = "not-a-token"
  enterprise_id = "ent_acme"
}
resource "ucprov_user" "test" {
  group_id   = "grp_denver"
  first_name = "Ada"
  last_name  = "Lovelace"
}
`, sb.URL()),
			ExpectError: errRe("Unable to create user", "unauthorized"),
		}},
	})
}

// TestAccProvider_tenantIsolation: an enterprise admin cannot see or import another enterprise's
// user; the import fails as if the user did not exist.
func TestAccProvider_tenantIsolation(t *testing.T) {
	sb := acctest.Start(t)
	u, err := sb.Client().CreateUser(acctest.Ctx(), acctest.OtherEnterprise, clientUser(acctest.GroupTokyo))
	if err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "ucprov" {
  endpoint      = %q
  token         = %q
  enterprise_id = "ent_acme"
}
resource "ucprov_user" "test" {
  group_id   = "grp_tokyo"
  first_name = "Kenji"
  last_name  = "Sato"
}
`, sb.URL(), acctest.AcmeAdminToken),
			ResourceName:  "ucprov_user.test",
			ImportState:   true,
			ImportStateId: u.ID,
			ExpectError:   errRe("Cannot import non-existent remote object"),
		}},
	})
}
