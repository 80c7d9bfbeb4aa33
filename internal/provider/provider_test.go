package provider_test

import (
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ucprov/terraform-provider-ucprov/internal/acctest"
)

// TestAccProvider_configErrors: every provider setting that cannot work fails with an error that
// names the setting and says how to fix it, before any request.
func TestAccProvider_configErrors(t *testing.T) {
	sb := acctest.Start(t)
	for _, env := range []string{"UCPROV_ENDPOINT", "UCPROV_TOKEN", "UCPROV_ENTERPRISE_ID"} {
		t.Setenv(env, "")
	}
	user := acctest.UserConfig("Ada", "Lovelace")
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
}`, sb.URL()), []string{"Invalid Time Duration String Value", `request_timeout = "soon"`, "not a valid Go Time Duration"}},
		{fmt.Sprintf(`provider "ucprov" {
  endpoint        = %q
  token           = "x"
  request_timeout = "-1s"
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

// TestAccProvider_wrongToken: a token the backend does not know fails Configure ("token
// refused"), before any resource reads or writes.
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
`, sb.URL()) + acctest.UserConfig("Ada", "Lovelace"),
			ExpectError: errRe("Token refused", "refused the credentials (401 unauthorized", "state is unchanged"),
		}},
	})
	if n := sb.WriteCount(); n != 0 {
		t.Errorf("a refused token wrote %d times", n)
	}
}

// TestAccProvider_otherEnterprisesToken: with a valid state, another enterprise's token (or an
// enterprise_id the token cannot see) fails the plan at Configure; nothing is read as deleted, and
// with the right token again the state is intact (the plan is empty).
func TestAccProvider_otherEnterprisesToken(t *testing.T) {
	sb := acctest.Start(t)
	user := acctest.UserConfig("Ada", "Lovelace", `department = "Engineering"`)
	withToken := func(token string) string {
		return fmt.Sprintf(`
provider "ucprov" {
  endpoint      = %q
  token         = %q
  enterprise_id = "ent_acme"
}
`, sb.URL(), token) + user
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: withToken(sb.AdminToken())},
			{
				Config:      withToken(acctest.GlobexAdminToken),
				PlanOnly:    true,
				ExpectError: errRe("Enterprise not visible with this token", "cannot see enterprise ent_acme", "state is unchanged"),
			},
			{
				Config:      withToken(acctest.GlobexAdminToken),
				ExpectError: errRe("Enterprise not visible with this token"),
			},
			{
				// The state is intact: the right token again, and nothing to do.
				Config: withToken(sb.AdminToken()),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("ucprov_user.test", tfjsonpath.New("department"), knownvalue.StringExact("Engineering")),
				},
			},
		},
	})
}

// TestAccProvider_resourceEnterpriseNotVisible: a user of another enterprise than the provider's
// (its own enterprise_id) is read only after the token is checked against that enterprise: with a
// token that sees the provider's enterprise but not the user's, the plan fails naming the
// enterprise, and the user stays in state (not read as deleted).
func TestAccProvider_resourceEnterpriseNotVisible(t *testing.T) {
	sb := acctest.Start(t)
	cfg := func(token string) string {
		return fmt.Sprintf(`
provider "ucprov" {
  endpoint      = %q
  token         = %q
  enterprise_id = "ent_acme"
}
resource "ucprov_user" "test" {
  enterprise_id = "ent_globex"
  group_id      = "grp_tokyo"
  first_name    = "Kenji"
  last_name     = "Sato"
}
`, sb.URL(), token)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg(sb.AdminToken())},
			{
				Config:      cfg(acctest.AcmeAdminToken),
				PlanOnly:    true,
				ExpectError: errRe("Enterprise not visible with this token", "cannot see enterprise ent_globex"),
			},
			{
				Config: cfg(sb.AdminToken()),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// TestAccProvider_badEndpoint: an endpoint without a scheme is refused with the form it needs; one
// that does not answer fails within about 30 s, naming what was tried.
func TestAccProvider_badEndpoint(t *testing.T) {
	acctest.PreCheck(t)
	silent, err := net.Listen("tcp", "127.0.0.1:0") // accepts connections, never answers
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = silent.Close() })
	go func() {
		for {
			conn, err := silent.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { _ = conn.Close() })
		}
	}()
	cfg := func(endpoint string) string {
		return fmt.Sprintf(`
provider "ucprov" {
  endpoint      = %q
  token         = "x"
  enterprise_id = "ent_acme"
  max_retries   = 50
}
`, endpoint) + acctest.UserConfig("Ada", "Lovelace")
	}
	var start time.Time // set when the steps start: ParallelTest first waits for the serial tests
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig:   func() { start = time.Now() },
				Config:      cfg("uc.example.com"),
				PlanOnly:    true,
				ExpectError: errRe("Invalid API endpoint", "must be a URL such as https://uc.example.com"),
			},
			{
				Config:      cfg("http://" + silent.Addr().String()),
				PlanOnly:    true,
				ExpectError: errRe("Cannot reach the API", "against enterprise ent_acme at http://"+silent.Addr().String(), "for up to 30s"),
			},
		},
	})
	took := time.Since(start)
	t.Logf("both plans failed after %s", took.Round(time.Second))
	if took > 50*time.Second {
		t.Errorf("a silent endpoint failed the plan after %s (CLI included), want about 30 s", took)
	}
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
