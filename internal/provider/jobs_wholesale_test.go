package provider_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/ucprov/terraform-provider-ucprov/internal/acctest"
	"github.com/ucprov/terraform-provider-ucprov/internal/sandbox"
)

// twoParisUsers are two calling users at Paris, activated.
func twoParisUsers() string {
	var b strings.Builder
	for i, u := range []struct{ key, first, email, phone, ext string }{
		{"amelie", "Amelie", "amelie@acme.example", "+33634333230", "3230"},
		{"nino", "Nino", "nino@acme.example", "+33634333231", "3231"},
	} {
		fmt.Fprintf(&b, `
resource "ucprov_user" %[1]q {
  group_id   = %[2]q
  first_name = %[3]q
  last_name  = "Quincampoix%[7]d"
  email      = %[4]q
}
resource "ucprov_user_number" %[1]q {
  user_id      = ucprov_user.%[1]s.id
  phone_number = %[5]q
  extension    = %[6]q
}
resource "ucprov_activation" %[1]q {
  user_id  = ucprov_user_number.%[1]s.user_id
  wait_for = "provisioned"
}
`, u.key, acctest.LocationParis, u.first, u.email, u.phone, u.ext, i)
	}
	return b.String()
}

// The invitation round is the organisation's activation-email job, its counts those of the job;
// the activation status report (and CSV) joins subscribers with people; the available numbers are
// the location's unassigned ones.
func TestAccWholesaleJobs_invitationsReportNumbers(t *testing.T) {
	sb := acctest.StartWholesale(t)
	cfg := sb.WholesaleProviderConfig() + twoParisUsers()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				Config: cfg + `
resource "ucprov_invitations" "round" {
  triggers   = { round = "1" }
  depends_on = [ucprov_activation.amelie, ucprov_activation.nino]
}

data "ucprov_activation_status" "all" {
  depends_on = [ucprov_activation.amelie, ucprov_activation.nino]
}

data "ucprov_users" "paris" {
  group_id   = "` + acctest.LocationParis + `"
  depends_on = [ucprov_activation.amelie, ucprov_activation.nino]
}

data "ucprov_user" "nino" {
  email      = "nino@acme.example"
  depends_on = [ucprov_activation.nino]
}

data "ucprov_available_numbers" "paris" {
  group_id   = "` + acctest.LocationParis + `"
  depends_on = [ucprov_user_number.amelie, ucprov_user_number.nino]
}
`,
				Check: resource.ComposeTestCheckFunc(
					func(s *terraform.State) error {
						rs := s.RootModule().Resources["ucprov_invitations.round"].Primary
						org, job, ok := strings.Cut(rs.Attributes["job_id"], ".")
						if !ok || org != sandbox.DemoWebexOrgAcme {
							return fmt.Errorf("job_id %q is not <acme orgId>.<job>", rs.Attributes["job_id"])
						}
						j, err := sb.Webex().GetActivationEmailJob(acctest.Ctx(), org, job)
						if err != nil {
							return err
						}
						want := map[string]int{"sent": j.Counts.UserResendInviteSent, "skipped": j.Counts.UserResendInviteSkipped,
							"failed": j.Counts.UserResendInviteFailed}
						for k, v := range want {
							if rs.Attributes[k] != fmt.Sprint(v) {
								return fmt.Errorf("%s = %s, the job says %d", k, rs.Attributes[k], v)
							}
						}
						if j.LatestExecutionStatus != "COMPLETED" {
							return fmt.Errorf("job status %s", j.LatestExecutionStatus)
						}
						return nil
					},
					func(s *terraform.State) error {
						a := s.RootModule().Resources["data.ucprov_activation_status.all"].Primary.Attributes
						found := 0
						for i := 0; i < 100; i++ {
							email := a[fmt.Sprintf("users.%d.email", i)]
							if email == "amelie@acme.example" || email == "nino@acme.example" {
								found++
								if a[fmt.Sprintf("users.%d.status", i)] != "provisioned" || a[fmt.Sprintf("users.%d.group_id", i)] != acctest.LocationParis ||
									!strings.HasPrefix(a[fmt.Sprintf("users.%d.extension", i)], "323") {
									return fmt.Errorf("row %d of the report: %v", i, rowOf(a, i))
								}
							}
						}
						if found != 2 {
							return fmt.Errorf("the report has %d of the 2 users", found)
						}
						csv := a["csv"]
						if !strings.HasPrefix(csv, "User ID,Group ID,Location,License") || !strings.Contains(csv, "nino@acme.example") ||
							!strings.Contains(csv, ",Paris,webex_calling,") {
							return fmt.Errorf("csv:\n%s", csv)
						}
						return nil
					},
					resource.TestCheckResourceAttr("data.ucprov_users.paris", "users.#", "2"),
					resource.TestCheckResourceAttrPair("data.ucprov_user.nino", "id", "ucprov_user.nino", "id"),
					resource.TestCheckResourceAttr("data.ucprov_user.nino", "group_id", acctest.LocationParis),
					func(s *terraform.State) error {
						a := s.RootModule().Resources["data.ucprov_available_numbers.paris"].Primary.Attributes
						n := 0
						for k, v := range a {
							if strings.HasPrefix(k, "numbers.") && k != "numbers.#" {
								n++
								if v == "+33634333230" || v == "+33634333231" {
									return fmt.Errorf("assigned number %s listed as available", v)
								}
								if !strings.HasPrefix(v, "+336343332") {
									return fmt.Errorf("number %s is not a Paris number", v)
								}
							}
						}
						if n == 0 {
							return fmt.Errorf("no available number at Paris")
						}
						return nil
					},
				),
			},
		},
	})
}

func rowOf(a map[string]string, i int) map[string]string {
	out := map[string]string{}
	p := fmt.Sprintf("users.%d.", i)
	for k, v := range a {
		if strings.HasPrefix(k, p) {
			out[strings.TrimPrefix(k, p)] = v
		}
	}
	return out
}

// What the wholesale platform has no API for fails the plan naming the attribute and platform.
func TestAccWholesaleLacks_planErrors(t *testing.T) {
	sb := acctest.StartWholesale(t)
	mark, noWrites := sb.CheckNoWrites()
	user := acctest.WholesaleUserConfig("Amélie", "Poulain", "amelie@acme.example")
	steps := []resource.TestStep{}
	for _, c := range []struct{ body, attr, what string }{
		{`resource "ucprov_imp_setting" "x" {
  user_id = ucprov_user.test.id
  enabled = true
}`, "enabled", "Integrated IM&P"},
		{`resource "ucprov_directory_sync" "x" {}`, "enterprise_id", "directory sync"},
		{`resource "ucprov_invitations" "x" {
  group_id = "` + acctest.LocationParis + `"
}`, "group_id", "invitations per group"},
		{`resource "ucprov_activation" "x" {
  user_id       = ucprov_user.test.id
  email_subject = "Welcome"
}`, "email_subject", "custom activation email"},
	} {
		steps = append(steps, resource.TestStep{
			PreConfig:   mark,
			Config:      sb.WholesaleProviderConfig() + user + c.body,
			PlanOnly:    true,
			ExpectError: wrappedRe(c.attr, c.what+" is not available on the wholesale platform"),
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: acctest.ProviderFactories, Steps: steps})
	if err := noWrites(nil); err != nil {
		t.Error(err)
	}
}

// While the organisation's activation-email job runs (the sandbox's worker is paused), another
// invitation round fails with job_in_progress, saying to apply again; nothing is saved.
func TestAccWholesaleJobs_invitationsBusy(t *testing.T) {
	sb := acctest.StartWholesale(t, func(o *sandbox.Options) { o.JobTick = time.Hour })
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: func() {
				if _, err := sb.Webex().StartActivationEmailJob(acctest.Ctx(), sandbox.DemoWebexOrgAcme); err != nil {
					t.Fatal(err)
				}
			},
			Config:      sb.WholesaleProviderConfig() + `resource "ucprov_invitations" "test" {}`,
			ExpectError: wrappedRe("Invitations already being sent", "job_in_progress", "Apply again once it has finished"),
		}},
	})
}
