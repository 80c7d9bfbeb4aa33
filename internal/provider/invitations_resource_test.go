package provider_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ucprov/terraform-provider-ucprov/internal/acctest"
	"github.com/ucprov/terraform-provider-ucprov/internal/sandbox"
)

const invitationsName = "ucprov_invitations.test"

// invitationsUsers: two Denver users who wait for their invitation (the demo seed's pending.
// users stay in pending_email_validation), one provisioned Denver user and one waiting Paris user.
func invitationsUsers(sb *acctest.Sandbox) string {
	config := sb.ProviderConfig()
	for _, u := range []struct{ key, group, email, wait string }{
		{"ada", acctest.GroupDenver, "pending.ada@acme.example", "queued"},
		{"alan", acctest.GroupDenver, "pending.alan@acme.example", "queued"},
		{"grace", acctest.GroupDenver, "grace@acme.example", "provisioned"},
		{"marie", acctest.GroupParis, "pending.marie@acme.example", "queued"},
	} {
		config += fmt.Sprintf(`
resource "ucprov_user" %[1]q {
  group_id   = %[2]q
  first_name = %[1]q
  last_name  = "Test"
  email      = %[3]q
}

resource "ucprov_activation" %[1]q {
  user_id  = ucprov_user.%[1]s.id
  wait_for = %[4]q
}
`, u.key, u.group, u.email, u.wait)
	}
	return config
}

const invitationsDependsOn = "[ucprov_activation.ada, ucprov_activation.alan, ucprov_activation.grace, ucprov_activation.marie]"

func invitationsConfig(sb *acctest.Sandbox, group, round string) string {
	return invitationsUsers(sb) + fmt.Sprintf(`
resource "ucprov_invitations" "test" {
  group_id = %q
  triggers = {
    round = %q
  }
  depends_on = %s
}
`, group, round, invitationsDependsOn)
}

// invitationsSent reads the invitation count of every user of the state's activations.
func invitationsSent(sb *acctest.Sandbox, s *terraform.State) (map[string]int, error) {
	out := map[string]int{}
	for _, key := range []string{"ada", "alan", "grace", "marie"} {
		rs, ok := s.RootModule().Resources["ucprov_user."+key]
		if !ok {
			return nil, fmt.Errorf("no user %s in state", key)
		}
		a, err := sb.Client().GetActivation(acctest.Ctx(), rs.Primary.ID)
		if err != nil {
			return nil, err
		}
		out[key] = a.InvitationsSent
	}
	return out, nil
}

func wantInvitations(sb *acctest.Sandbox, want map[string]int) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		got, err := invitationsSent(sb, s)
		if err != nil {
			return err
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			return fmt.Errorf("invitations sent per user %v, want %v", got, want)
		}
		return nil
	}
}

// TestAccInvitations: a group-wide invitation emails exactly the users of the group who wait
// for one; an unchanged apply sends nothing; a triggers change sends again; the enterprise-wide
// scope includes the other group; import; unknown or foreign groups fail at plan time.
func TestAccInvitations(t *testing.T) {
	sb := acctest.Start(t)
	counts := func(sent, skipped, failed int64) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			statecheck.ExpectKnownValue(invitationsName, tfjsonpath.New("sent"), knownvalue.Int64Exact(sent)),
			statecheck.ExpectKnownValue(invitationsName, tfjsonpath.New("skipped"), knownvalue.Int64Exact(skipped)),
			statecheck.ExpectKnownValue(invitationsName, tfjsonpath.New("failed"), knownvalue.Int64Exact(failed)),
			statecheck.ExpectKnownValue(invitationsName, tfjsonpath.New("enterprise_id"), knownvalue.StringExact(acctest.Enterprise)),
			statecheck.ExpectKnownValue(invitationsName, tfjsonpath.New("completed_at"), knownvalue.NotNull()),
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				// The users first, so that their activations have left "queued" (the worker ticks
				// every 20 ms) before the invitations job looks at them.
				Config: invitationsUsers(sb),
				Check:  wantInvitations(sb, map[string]int{"ada": 0, "alan": 0, "grace": 0, "marie": 0}),
			},
			{
				PreConfig:         func() { time.Sleep(200 * time.Millisecond) },
				Config:            invitationsConfig(sb, acctest.GroupDenver, "1"),
				ConfigStateChecks: counts(2, 1, 0),
				Check:             wantInvitations(sb, map[string]int{"ada": 1, "alan": 1, "grace": 0, "marie": 0}),
			},
			{
				// Nothing changes: nothing is planned and nothing is sent.
				Config: invitationsConfig(sb, acctest.GroupDenver, "1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: wantInvitations(sb, map[string]int{"ada": 1, "alan": 1, "grace": 0, "marie": 0}),
			},
			{
				ResourceName:            invitationsName,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"triggers", "timeouts"},
			},
			{
				Config: invitationsConfig(sb, acctest.GroupDenver, "2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(invitationsName, plancheck.ResourceActionReplace)},
				},
				ConfigStateChecks: counts(2, 1, 0),
				Check:             wantInvitations(sb, map[string]int{"ada": 2, "alan": 2, "grace": 0, "marie": 0}),
			},
			{
				Config:      invitationsConfig(sb, "grp_nope", "2"),
				PlanOnly:    true,
				ExpectError: errRe("Unknown group", `group_id = "grp_nope" is not a group of enterprise ent_acme`),
			},
			{
				Config:      invitationsConfig(sb, acctest.GroupTokyo, "2"),
				PlanOnly:    true,
				ExpectError: errRe("Unknown group", `group_id = "grp_tokyo" is not a group of enterprise ent_acme`),
			},
			{
				// The whole enterprise: Paris too.
				Config: invitationsUsers(sb) + `
resource "ucprov_invitations" "test" {
  depends_on = ` + invitationsDependsOn + `
}
`,
				ConfigStateChecks: counts(3, 1, 0),
				Check:             wantInvitations(sb, map[string]int{"ada": 3, "alan": 3, "grace": 0, "marie": 1}),
			},
		},
	})
}

// TestAccInvitations_busy: while another invitations job of the enterprise runs (the sandbox's
// worker is paused), the apply fails naming that job and saying when to retry, and nothing is
// saved.
func TestAccInvitations_busy(t *testing.T) {
	sb := acctest.Start(t, func(o *sandbox.Options) { o.JobTick = time.Hour })
	config := sb.ProviderConfig() + `
resource "ucprov_invitations" "test" {}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					if _, err := sb.Client().StartInvitations(acctest.Ctx(), acctest.Enterprise, ""); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ExpectError: errRe("Invitations already being sent", "Enterprise ent_acme is already sending invitations",
					"(invitations job job_", "job_in_progress", "Apply again once it has finished"),
			},
		},
	})
}
