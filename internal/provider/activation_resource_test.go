package provider_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ucprov/terraform-provider-ucprov/internal/acctest"
	"github.com/ucprov/terraform-provider-ucprov/internal/client"
	"github.com/ucprov/terraform-provider-ucprov/internal/sandbox"
)

const actName = "ucprov_activation.test"

// actConfig is an activation of an existing user.
func actConfig(sb *acctest.Sandbox, userID, body string) string {
	return sb.ProviderConfig() + fmt.Sprintf(`
resource "ucprov_activation" "test" {
  user_id = %q
%s
}
`, userID, body)
}

func TestAccActivation_basic(t *testing.T) {
	sb := acctest.Start(t)
	// The user lives outside the configuration, so that destroy (deactivation) can be checked on it.
	userID := actUser(t, sb, "Ada", "Lovelace", "ada@acme.example")
	provisioned := `
  wait_for              = "provisioned"
  send_activation_email = true
  email_subject         = "Welcome to Webex"
  email_body            = "Your Webex account is ready."
`
	suite := provisioned + `  package = "webex_suite"` + "\n"

	markWrites, checkNoWrites := sb.CheckNoWrites()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             actCheckDeactivated(sb, userID),
		Steps: []resource.TestStep{
			{
				Config: actConfig(sb, userID, provisioned),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(actName, tfjsonpath.New("id"), knownvalue.StringExact(userID)),
					statecheck.ExpectKnownValue(actName, tfjsonpath.New("status"), knownvalue.StringExact("provisioned")),
					statecheck.ExpectKnownValue(actName, tfjsonpath.New("package"), knownvalue.StringExact("webex_calling")),
					statecheck.ExpectKnownValue(actName, tfjsonpath.New("email"), knownvalue.StringExact("ada@acme.example")),
					statecheck.ExpectKnownValue(actName, tfjsonpath.New("error_code"), knownvalue.Null()),
					statecheck.ExpectKnownValue(actName, tfjsonpath.New("error_text"), knownvalue.Null()),
				},
				Check: actCheckAPI(sb, userID, func(a *client.Activation) error {
					if a.Status != client.ActivationProvisioned || a.Package != "webex_calling" {
						return fmt.Errorf("backend activation: %+v", a)
					}
					return nil
				}),
			},
			{
				ResourceName:      actName,
				ImportState:       true,
				ImportStateVerify: true,
				// Creation-only attributes are not returned by the API; after import they get their defaults.
				ImportStateVerifyIgnore: []string{"send_activation_email", "email_subject", "email_body", "wait_for", "timeouts"},
			},
			{
				Config: actConfig(sb, userID, suite),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(actName, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(actName, tfjsonpath.New("package"), knownvalue.StringExact("webex_suite")),
					statecheck.ExpectKnownValue(actName, tfjsonpath.New("status"), knownvalue.StringExact("provisioned")),
				},
				Check: actCheckAPI(sb, userID, func(a *client.Activation) error {
					if a.Package != "webex_suite" {
						return fmt.Errorf("package not changed on the backend: %+v", a)
					}
					return nil
				}),
			},
			{
				Config: actConfig(sb, userID, suite),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Changing a creation-only attribute touches only the state.
				PreConfig: markWrites,
				Config:    actConfig(sb, userID, strings.Replace(suite, "Welcome to Webex", "Welcome!", 1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(actName, plancheck.ResourceActionUpdate)},
				},
				Check: checkNoWrites,
			},
			{
				// Deactivated outside Terraform (Webex removed; the user keeps its email, and setting it
				// again changes nothing). The plan activates the user again.
				PreConfig: func() {
					c := sb.Client()
					if err := c.DeleteActivation(acctest.Ctx(), userID, client.WriteOptions{}); err != nil {
						t.Fatalf("deactivate out of band: %v", err)
					}
					email := "ada@acme.example"
					if _, err := c.UpdateUser(acctest.Ctx(), userID, client.UserPatch{Email: &email}, client.WriteOptions{}); err != nil {
						t.Fatalf("restore the email: %v", err)
					}
				},
				Config: actConfig(sb, userID, suite),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(actName, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(actName, tfjsonpath.New("status"), knownvalue.StringExact("provisioned")),
				},
			},
		},
	})
}

// TestAccActivation_queued: wait_for = "queued" returns once the activation is accepted; the
// next refresh shows the live status without planning anything.
func TestAccActivation_queued(t *testing.T) {
	sb := acctest.Start(t)
	userID := actUser(t, sb, "Grace", "Hopper", "grace@acme.example")
	cfg := actConfig(sb, userID, "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             actCheckDeactivated(sb, userID),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(actName, tfjsonpath.New("wait_for"), knownvalue.StringExact("queued")),
					statecheck.ExpectKnownValue(actName, tfjsonpath.New("send_activation_email"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(actName, tfjsonpath.New("package"), knownvalue.StringExact("webex_calling")),
					statecheck.ExpectKnownValue(actName, tfjsonpath.New("status"), knownvalue.StringFunc(func(s string) error {
						if s == client.ActivationError || s == "" {
							return fmt.Errorf("unexpected status %q", s)
						}
						return nil
					})),
				},
			},
			{
				PreConfig: func() { actWaitStatus(t, sb, userID, client.ActivationProvisioned) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(actName, tfjsonpath.New("status"), knownvalue.StringExact("provisioned")),
				},
			},
		},
	})
}

// TestAccActivation_emailRequired: a user without an email fails at plan time, naming the user and
// the rule, before any write.
func TestAccActivation_emailRequired(t *testing.T) {
	sb := acctest.Start(t)
	userID := actUser(t, sb, "Alan", "Turing", "")
	markWrites, checkNoWrites := sb.CheckNoWrites()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: markWrites,
			Config:    actConfig(sb, userID, `  wait_for = "provisioned"`),
			ExpectError: errRe("Email required for a Webex activation", userID, "(Alan Turing) has no email",
				"rule email_required", "Set email on the ucprov_user first", "Nothing was written"),
		}},
	})
	if err := checkNoWrites(nil); err != nil {
		t.Fatal(err)
	}
}

// TestAccActivation_invalid: enum attributes are checked at plan time.
func TestAccActivation_invalid(t *testing.T) {
	sb := acctest.Start(t)
	userID := actUser(t, sb, "Ada", "Lovelace", "ada@acme.example")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: actConfig(sb, userID, `  package = "webex_gold"`), PlanOnly: true, ExpectError: errRe("package", "value must be one of")},
			{Config: actConfig(sb, userID, `  wait_for = "soon"`), PlanOnly: true, ExpectError: errRe("wait_for", "value must be one of")},
			{Config: actConfig(sb, userID, "  timeouts {\n    create = \"soon\"\n  }"), PlanOnly: true, ExpectError: errRe("Time Duration", `"soon"`)},
		},
	})
	if n := sb.WriteCount(); n != 1 { // the user
		t.Fatalf("invalid configurations must fail before any write; writes: %v", sb.Metrics())
	}
}

// TestAccActivation_lifecycle: the whole onboarding in one apply: user → IM&P → activation
// waiting for provisioned.
func TestAccActivation_lifecycle(t *testing.T) {
	sb := acctest.Start(t)
	var userID string
	cfg := sb.ProviderConfig() + fmt.Sprintf(`
resource "ucprov_user" "ada" {
  group_id   = %q
  first_name = "Ada"
  last_name  = "Lovelace"
  email      = "ada@acme.example"
}

resource "ucprov_imp_setting" "ada" {
  user_id = ucprov_user.ada.id
  enabled = true
}

resource "ucprov_activation" "ada" {
  user_id  = ucprov_user.ada.id
  package  = "webex_suite"
  wait_for = "provisioned"

  timeouts {
    create = "2m"
  }

  depends_on = [ucprov_imp_setting.ada]
}
`, acctest.GroupDenver)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkUserDestroyed(sb, &userID),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("ucprov_activation.ada", tfjsonpath.New("status"), knownvalue.StringExact("provisioned")),
					statecheck.ExpectKnownValue("ucprov_activation.ada", tfjsonpath.New("email"), knownvalue.StringExact("ada@acme.example")),
					statecheck.ExpectKnownValue("ucprov_imp_setting.ada", tfjsonpath.New("enabled"), knownvalue.Bool(true)),
					statecheck.CompareValuePairs("ucprov_activation.ada", tfjsonpath.New("user_id"),
						"ucprov_user.ada", tfjsonpath.New("id"), compare.ValuesSame()),
				},
				Check: resource.ComposeTestCheckFunc(
					captureID("ucprov_user.ada", &userID),
					func(s *terraform.State) error { return impCheckAPI(sb, userID, true)(s) },
					func(s *terraform.State) error {
						return actCheckAPI(sb, userID, func(a *client.Activation) error {
							if a.Status != client.ActivationProvisioned || a.Package != "webex_suite" {
								return fmt.Errorf("backend activation: %+v", a)
							}
							return nil
						})(s)
					},
				),
			},
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// TestAccActivation_error: an activation that the backend would fail (the email belongs to
// another Webex account) fails the apply at its plan, through the backend's precheck, before it is
// queued; fixing the email and applying again activates the user. (An activation that fails after
// it was queued is retried: TestAccActivation_errorFoundLater.)
func TestAccActivation_error(t *testing.T) {
	sb := acctest.Start(t)
	actReserveWebexEmail(t, sb, "ada@partner.example")
	var userID string
	cfg := func(email string) string {
		return sb.ProviderConfig() + acctest.UserConfig("Ada", "Lovelace", fmt.Sprintf("email = %q", email)) + `
resource "ucprov_activation" "test" {
  user_id  = ucprov_user.test.id
  email    = ucprov_user.test.email # the precheck sees the email this apply gives the user
  wait_for = "provisioned"
}
`
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkUserDestroyed(sb, &userID),
		Steps: []resource.TestStep{
			{
				// The activation precheck (the backend's validate endpoint) sees the email conflict when
				// the activation is planned with the new user's id, during the apply: the activation is
				// never queued.
				Config: cfg("ada@partner.example"),
				ExpectError: errRe("Email belongs to another Webex account", "ada@partner.example", "email_conflict",
					"Nothing was written"),
			},
			{
				PreConfig: func() {
					u, err := sb.Client().ListUsers(acctest.Ctx(), acctest.Enterprise, client.UserFilter{Email: "ada@partner.example"})
					if err != nil || len(u) != 1 {
						t.Fatalf("find the user: %v %v", u, err)
					}
					userID = u[0].ID
					if _, err := sb.Client().GetActivation(acctest.Ctx(), userID); !client.IsNotFound(err) {
						t.Fatalf("the refused activation was queued: %v", err)
					}
				},
				Config: cfg("ada@acme.example"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("ucprov_user.test", plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction(actName, plancheck.ResourceActionCreate),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(actName, tfjsonpath.New("status"), knownvalue.StringExact("provisioned")),
					statecheck.ExpectKnownValue(actName, tfjsonpath.New("email"), knownvalue.StringExact("ada@acme.example")),
					statecheck.ExpectKnownValue(actName, tfjsonpath.New("error_code"), knownvalue.Null()),
				},
				Check: func(*terraform.State) error {
					// Queued once, after the email was fixed; nothing to retry or deactivate.
					m := sb.Metrics()
					if n := metricCount(m, "POST", "/activation"); n != 1 {
						return fmt.Errorf("want 1 activation, got %d: %v", n, m)
					}
					if n := metricCount(m, "DELETE", "/activation"); n != 0 {
						return fmt.Errorf("an activation in error must not be deactivated: %v", m)
					}
					u, err := sb.Client().GetUser(acctest.Ctx(), userID)
					if err != nil {
						return err
					}
					if u.FirstName != "Ada" {
						return fmt.Errorf("user after the retry: %+v", u)
					}
					return nil
				},
			},
			{
				Config: cfg("ada@acme.example"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// TestAccActivation_errorFoundLater: with wait_for = "queued" the apply succeeds; when the
// activation fails later, the next plan shows an update that retries it.
func TestAccActivation_errorFoundLater(t *testing.T) {
	// A slower worker: an activation needs two ticks (at least 2 s) to leave the statuses in
	// which an email conflict is found, which leaves the time to register the conflict after the
	// apply, even on a loaded machine (0.5 s was not enough with six agents on two cores).
	sb := acctest.Start(t, func(o *sandbox.Options) { o.JobTick = 2 * time.Second })
	userID := actUser(t, sb, "Grace", "Hopper", "grace@partner.example")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             actCheckDeactivated(sb, userID),
		Steps: []resource.TestStep{
			{
				Config: actConfig(sb, userID, ""),
				// The email turns out to be another organisation's Webex account: the activation fails after
				// the apply, and the refresh plans a retry.
				Check: func(*terraform.State) error {
					actReserveWebexEmail(t, sb, "grace@partner.example")
					actWaitStatus(t, sb, userID, client.ActivationError)
					return nil
				},
				ExpectNonEmptyPlan: true,
			},
			{
				// Waiting this time; the email still conflicts: the retry fails again, with the backend's
				// code and text, and the state keeps the error (the next plan retries again).
				Config: actConfig(sb, userID, `  wait_for = "provisioned"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(actName, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(actName, tfjsonpath.New("status")),
					},
				},
				ExpectError: errRe("Webex activation failed", "ended in status error", "email_conflict",
					"already used by another Webex account"),
			},
			{
				Config:   actConfig(sb, userID, `  wait_for = "provisioned"`),
				PlanOnly: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPreRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(actName, plancheck.ResourceActionUpdate),
					},
				},
				ExpectNonEmptyPlan: true,
			},
			{
				PreConfig: func() {
					if n := metricCount(sb.Metrics(), "POST", "/activation/retry"); n != 1 {
						t.Fatalf("want 1 retry so far, got %d: %v", n, sb.Metrics())
					}
					email := "grace@acme.example"
					if _, err := sb.Client().UpdateUser(acctest.Ctx(), userID, client.UserPatch{Email: &email}, client.WriteOptions{}); err != nil {
						t.Fatalf("fix the email: %v", err)
					}
				},
				Config: actConfig(sb, userID, `  wait_for = "provisioned"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(actName, tfjsonpath.New("status"), knownvalue.StringExact("provisioned")),
					statecheck.ExpectKnownValue(actName, tfjsonpath.New("email"), knownvalue.StringExact("grace@acme.example")),
					statecheck.ExpectKnownValue(actName, tfjsonpath.New("error_code"), knownvalue.Null()),
				},
			},
			{
				Config: actConfig(sb, userID, `  wait_for = "provisioned"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// TestAccActivation_timeout: the wait ends at timeouts.create with an error that gives the last
// status. The activation is not saved (a tainted one would be replaced, deactivating the user): the
// next plan creates it again, and that apply takes the activation in progress over, without a
// second POST and without deactivating the user.
func TestAccActivation_timeout(t *testing.T) {
	sb := acctest.Start(t, func(o *sandbox.Options) { o.JobTick = time.Hour }) // nothing moves
	userID := actUser(t, sb, "Ada", "Lovelace", "ada@acme.example")
	cfg := actConfig(sb, userID, "  wait_for = \"provisioned\"\n  timeouts {\n    create = \"1s\"\n  }")
	untouched := func() {
		u, err := sb.Client().GetUser(acctest.Ctx(), userID)
		if err != nil {
			t.Fatal(err)
		}
		m := sb.Metrics()
		if u.FirstName != "Ada" || u.Email != "ada@acme.example" || m["POST /v1/users/{usr}/activation"] != 1 ||
			m["DELETE /v1/users/{usr}/activation"] != 0 {
			t.Errorf("expected one activation POST, no deactivation and the user unchanged: %+v, metrics %v", u, m)
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ExpectError: errRe("Timed out waiting for the Webex activation", userID, "within 1s",
					"last status read was queued", "continues on the backend", "takes the activation in progress over"),
			},
			{
				PreConfig: untouched,
				Config:    cfg,
				PlanOnly:  true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPreRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(actName, plancheck.ResourceActionCreate)},
				},
				ExpectNonEmptyPlan: true,
			},
			{
				Config:      cfg,
				ExpectError: errRe("Timed out waiting for the Webex activation", "last status read was queued"),
			},
			{
				PreConfig:          untouched,
				Config:             cfg,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// TestAccActivation_waitAgain: an update that times out keeps the activation in state; with
// wait_for = "provisioned" the next plan shows an update that waits again, until the activation
// is provisioned.
func TestAccActivation_waitAgain(t *testing.T) {
	// Provisioning takes three ticks: at least 10 s after the activation is queued, so that the
	// second step still finds it on its way on a loaded machine.
	sb := acctest.Start(t, func(o *sandbox.Options) { o.JobTick = 5 * time.Second })
	userID := actUser(t, sb, "Ada", "Lovelace", "ada@acme.example")
	waiting := "  wait_for = \"provisioned\"\n  timeouts {\n    create = \"1s\"\n  }"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             actCheckDeactivated(sb, userID),
		Steps: []resource.TestStep{
			{Config: actConfig(sb, userID, "")},
			{
				Config:      actConfig(sb, userID, waiting),
				ExpectError: errRe("Timed out waiting for the Webex activation", "within 1s", "continues on the backend"),
			},
			{
				Config:   actConfig(sb, userID, waiting),
				PlanOnly: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPreRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(actName, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(actName, tfjsonpath.New("status")),
					},
				},
				ExpectNonEmptyPlan: true,
			},
			{
				PreConfig: func() { actWaitStatus(t, sb, userID, client.ActivationProvisioned) },
				Config:    actConfig(sb, userID, waiting),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(actName, tfjsonpath.New("status"), knownvalue.StringExact("provisioned")),
				},
			},
		},
	})
}

// TestAccActivation_alreadyActivated: an activation made outside Terraform is not queued a second
// time; the error says how to import it.
func TestAccActivation_alreadyActivated(t *testing.T) {
	sb := acctest.Start(t)
	userID := actUser(t, sb, "Ada", "Lovelace", "ada@acme.example")
	actProvision(t, sb, userID)
	markWrites, checkNoWrites := sb.CheckNoWrites()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig:   markWrites,
				Config:      actConfig(sb, userID, ""),
				ExpectError: errRe("User already activated", userID, "(status provisioned)", "terraform import ucprov_activation.NAME "+userID),
			},
			{
				// Imported with an import block, it is managed from then on.
				PreConfig: func() {
					if err := checkNoWrites(nil); err != nil {
						t.Fatal(err)
					}
				},
				Config: actConfig(sb, userID, "") + fmt.Sprintf(`
import {
  to = ucprov_activation.test
  id = %q
}
`, userID),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(actName, plancheck.ResourceActionNoop)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(actName, tfjsonpath.New("status"), knownvalue.StringExact("provisioned")),
				},
			},
		},
	})
}

// actUser creates a Denver user outside Terraform and returns its id.
func actUser(t *testing.T, sb *acctest.Sandbox, first, last, email string) string {
	t.Helper()
	u, err := sb.Client().CreateUser(acctest.Ctx(), acctest.Enterprise, client.UserInput{
		GroupID: acctest.GroupDenver, FirstName: first, LastName: last, Email: email,
	})
	if err != nil {
		t.Fatalf("create user %s %s: %v", first, last, err)
	}
	return u.ID
}

// actWaitStatus waits (10 s at most) until the user's activation is in status want.
func actWaitStatus(t *testing.T, sb *acctest.Sandbox, userID, want string) *client.Activation {
	t.Helper()
	ctx, cancel := context.WithTimeout(acctest.Ctx(), 30*time.Second)
	defer cancel()
	a, err := sb.Client().WaitActivation(ctx, userID, client.ActivationWait{Poll: 20 * time.Millisecond,
		Until: func(a *client.Activation) bool { return a.Status == want }})
	if err != nil || a.Status != want {
		t.Fatalf("activation of %s: want status %s, got %+v (%v)", userID, want, a, err)
	}
	return a
}

// actProvision activates a user outside Terraform and waits until it is provisioned.
func actProvision(t *testing.T, sb *acctest.Sandbox, userID string) {
	t.Helper()
	if _, err := sb.Client().CreateActivation(acctest.Ctx(), userID, client.ActivationInput{}, client.WriteOptions{}); err != nil {
		t.Fatalf("activate %s: %v", userID, err)
	}
	actWaitStatus(t, sb, userID, client.ActivationProvisioned)
}

// actReserveWebexEmail registers email as another organisation's Webex account, so that an
// activation with it fails with email_conflict.
func actReserveWebexEmail(t *testing.T, sb *acctest.Sandbox, email string) {
	t.Helper()
	if err := sb.AddExternalWebexAccount(email); err != nil {
		t.Fatalf("register external Webex account %s: %v", email, err)
	}
}

func actCheckAPI(sb *acctest.Sandbox, userID string, f func(*client.Activation) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		a, err := sb.Client().GetActivation(acctest.Ctx(), userID)
		if err != nil {
			return fmt.Errorf("get activation of %s: %w", userID, err)
		}
		return f(a)
	}
}

// actCheckDeactivated: destroy removed Webex only: the activation is gone, the user keeps its
// name and email (the portal's Reset User is ucprov_user's deletion_policy = "reset").
func actCheckDeactivated(sb *acctest.Sandbox, userID string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		a, err := sb.Client().GetActivation(acctest.Ctx(), userID)
		if err == nil {
			return fmt.Errorf("activation of %s still exists after destroy: %+v", userID, a)
		}
		if !client.IsNotFound(err) {
			return err
		}
		u, err := sb.Client().GetUser(acctest.Ctx(), userID)
		if err != nil {
			return err
		}
		if u.FirstName == "Available" || u.LastName == "User" || u.Email == "" {
			return fmt.Errorf("destroying the activation of %s reset the user: %+v", userID, u)
		}
		return nil
	}
}

// metricCount sums the sandbox's request counts of method for routes ending with suffix.
func metricCount(m map[string]int64, method, suffix string) int64 {
	var n int64
	for route, c := range m {
		if strings.HasPrefix(route, method+" ") && strings.HasSuffix(route, suffix) {
			n += c
		}
	}
	return n
}

// TestAccActivation_takeOverInProgress: an activation queued outside Terraform and still in
// progress is taken over (its package put right) instead of being queued a second time.
func TestAccActivation_takeOverInProgress(t *testing.T) {
	sb := acctest.Start(t, func(o *sandbox.Options) { o.JobTick = time.Hour }) // stays queued
	userID := actUser(t, sb, "Ada", "Lovelace", "ada@acme.example")
	if _, err := sb.Client().CreateActivation(acctest.Ctx(), userID, client.ActivationInput{}, client.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: actConfig(sb, userID, `  package = "webex_suite"`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(actName, tfjsonpath.New("status"), knownvalue.StringExact("queued")),
				statecheck.ExpectKnownValue(actName, tfjsonpath.New("package"), knownvalue.StringExact("webex_suite")),
			},
			Check: func(*terraform.State) error {
				if n := sb.Metrics()["POST /v1/users/{usr}/activation"]; n != 1 {
					return fmt.Errorf("expected only the out-of-band activation POST, got %d", n)
				}
				a, err := sb.Client().GetActivation(acctest.Ctx(), userID)
				if err != nil {
					return err
				}
				if a.Package != "webex_suite" {
					return fmt.Errorf("package not put right on the backend: %+v", a)
				}
				return nil
			},
		}},
	})
}
