package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ucprov/terraform-provider-ucprov/internal/acctest"
	"github.com/ucprov/terraform-provider-ucprov/internal/sandbox"
)

const (
	impRoute  = "/v1/users/{usr}/services/integrated-imp"
	userRoute = "/v1/users/{usr}"
)

func emailChangeConfig(sb *acctest.Sandbox, email, strategy string) string {
	return sb.ProviderConfig() + acctest.UserConfig("Ada", "Lovelace", fmt.Sprintf("email = %q", email), fmt.Sprintf("email_change_strategy = %q", strategy)) + `
resource "ucprov_imp_setting" "test" {
  user_id = ucprov_user.test.id
  enabled = true
}
`
}

// checkBackend asserts the user's email and IM&P on the backend.
func checkBackend(sb *acctest.Sandbox, id *string, email string, imp bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		u, err := sb.Client().GetUser(acctest.Ctx(), *id)
		if err != nil {
			return err
		}
		i, err := sb.Client().GetIMP(acctest.Ctx(), *id)
		if err != nil {
			return err
		}
		if u.Email != email || i.Enabled != imp {
			return fmt.Errorf("backend has email %s and IM&P %v, want %s and %v", u.Email, i.Enabled, email, imp)
		}
		return nil
	}
}

// TestAccUserEmailChange_fail: with the default strategy, changing the email of a user with IM&P
// enabled fails at plan time with the three steps, and nothing is written.
func TestAccUserEmailChange_fail(t *testing.T) {
	sb := acctest.Start(t)
	var writes int64
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: emailChangeConfig(sb, "ada@acme.example", "fail")},
			{
				PreConfig:   func() { writes = sb.WriteCount() },
				Config:      emailChangeConfig(sb, "countess@acme.example", "fail"),
				ExpectError: errRe("Email cannot change while IM&P is enabled", "imp_enabled", "cycle_imp", "three applies"),
			},
			{
				PreConfig: func() {
					if got := sb.WriteCount(); got != writes {
						t.Errorf("the refused email change wrote %d times", got-writes)
					}
				},
				Config:           emailChangeConfig(sb, "ada@acme.example", "fail"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// TestAccUserEmailChange_cycleIMP: cycle_imp disables IM&P, changes the email and enables IM&P in
// one apply. Each step is made to fail with the sandbox's fault injection: IM&P ends enabled
// again wherever it can, the state matches the backend, and the next plan shows exactly what is
// left to do.
func TestAccUserEmailChange_cycleIMP(t *testing.T) {
	sb := acctest.Start(t)
	var id string
	cfg := func(email string) string { return emailChangeConfig(sb, email, "cycle_imp") }
	fault := func(f sandbox.Fault) func() {
		return func() {
			sb.ClearFaults()
			sb.InjectFault(f)
		}
	}
	userUpdates := func(email string) resource.ConfigPlanChecks {
		return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(userName, plancheck.ResourceActionUpdate),
			plancheck.ExpectKnownValue(userName, tfjsonpath.New("email"), knownvalue.StringExact(email)),
			plancheck.ExpectResourceAction(impName, plancheck.ResourceActionNoop),
		}}
	}
	const persistent = 20 // more than the provider's retries
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg("a@acme.example"), Check: captureID(userName, &id)},
			{
				Config: cfg("b@acme.example"),
				Check: resource.ComposeTestCheckFunc(
					checkBackend(sb, &id, "b@acme.example", true),
					func(*terraform.State) error {
						if n := sb.Metrics()["PUT "+impRoute]; n != 3 { // create, disable, enable
							return fmt.Errorf("expected 3 IM&P writes, got %d", n)
						}
						return nil
					},
				),
			},
			// 1. Disabling IM&P fails: nothing changed.
			{
				PreConfig:   fault(sandbox.Fault{Method: "PUT", Pattern: impRoute, Kind: sandbox.FaultStatus500, Times: persistent}),
				Config:      cfg("c@acme.example"),
				ExpectError: errRe("disable IM&P before the email change"),
			},
			{
				PreConfig:        sb.ClearFaults,
				Config:           cfg("c@acme.example"),
				ConfigPlanChecks: userUpdates("c@acme.example"),
				Check:            checkBackend(sb, &id, "c@acme.example", true),
			},
			// 2. The email change fails: IM&P is enabled again.
			{
				PreConfig:   fault(sandbox.Fault{Method: "PATCH", Pattern: userRoute, Kind: sandbox.FaultStatus503, Times: persistent}),
				Config:      cfg("d@acme.example"),
				ExpectError: errRe("change email (IM&P was enabled again)"),
			},
			{
				PreConfig: func() {
					sb.ClearFaults()
					if err := checkBackend(sb, &id, "c@acme.example", true)(nil); err != nil {
						t.Error(err)
					}
				},
				Config:           cfg("d@acme.example"),
				ConfigPlanChecks: userUpdates("d@acme.example"),
				Check:            checkBackend(sb, &id, "d@acme.example", true),
			},
			// 3. Enabling IM&P again fails: the email is changed, IM&P is off, and the next plan
			// shows only the IM&P setting to put back.
			{
				PreConfig:   fault(sandbox.Fault{Method: "PUT", Pattern: impRoute, Kind: sandbox.FaultStatus500, Times: persistent, Skip: 1}),
				Config:      cfg("e@acme.example"),
				ExpectError: errRe("email changed, but enabling IM&P again failed"),
			},
			{
				PreConfig: func() {
					sb.ClearFaults()
					if err := checkBackend(sb, &id, "e@acme.example", false)(nil); err != nil {
						t.Error(err)
					}
				},
				Config: cfg("e@acme.example"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(userName, plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction(impName, plancheck.ResourceActionUpdate),
				}},
				Check: checkBackend(sb, &id, "e@acme.example", true),
			},
		},
	})
}

// TestAccUserEmailChange_cycleIMPActivation: an email change with cycle_imp re-creates the Webex
// account; with an activation that does not refer to the user's email (as the quick start writes
// it) and wait_for = "provisioned", the plan of that change already shows the activation's update,
// the apply waits for the new account, and the next plan is empty (before, a second apply updated
// the activation). A change of email_body alone then plans the status as known.
func TestAccUserEmailChange_cycleIMPActivation(t *testing.T) {
	sb := acctest.Start(t)
	const act = "ucprov_activation.test"
	cfg := func(email, extra string) string {
		return lifecycleUser(sb, email, "", "  wait_for = \"provisioned\"\n"+extra)
	}
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg("a.cycle@acme.example", ""),
				Check:  resource.ComposeTestCheckFunc(captureID(userName, &id), resource.TestCheckResourceAttr(act, "status", "provisioned")),
			},
			{
				Config: cfg("b.cycle@acme.example", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(userName, plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction(act, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(act, tfjsonpath.New("status")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					checkBackend(sb, &id, "b.cycle@acme.example", true),
					resource.TestCheckResourceAttr(act, "status", "provisioned"),
					resource.TestCheckResourceAttr(act, "email", "b.cycle@acme.example"),
				),
			},
			{
				Config: cfg("b.cycle@acme.example", "  email_body = \"Welcome aboard.\"\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(act, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(act, tfjsonpath.New("status"), knownvalue.StringExact("provisioned")),
						plancheck.ExpectKnownValue(act, tfjsonpath.New("email"), knownvalue.StringExact("b.cycle@acme.example")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}
