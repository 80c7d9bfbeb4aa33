package provider_test

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/ucprov/terraform-provider-ucprov/internal/acctest"
	"github.com/ucprov/terraform-provider-ucprov/internal/client"
	"github.com/ucprov/terraform-provider-ucprov/internal/sandbox"
)

// lifecycleUser is a user with an email, Integrated IM&P and (with activation) an activation
// whose email follows the user's; extra, when set, is one more line of the user's block.
func lifecycleUser(sb *acctest.Sandbox, email, extra, activation string) string {
	lines := []string{fmt.Sprintf("email = %q", email), `email_change_strategy = "cycle_imp"`}
	if extra != "" {
		lines = append(lines, extra)
	}
	config := sb.ProviderConfig() + acctest.UserConfig("Ada", "Lovelace", lines...) + `
resource "ucprov_imp_setting" "test" {
  user_id = ucprov_user.test.id
  enabled = true
}
`
	if activation != "" {
		config += fmt.Sprintf(`
resource "ucprov_activation" "test" {
  user_id = ucprov_user.test.id
%s
  depends_on = [ucprov_imp_setting.test]
}
`, activation)
	}
	return config
}

func userOf(sb *acctest.Sandbox, s *terraform.State) (*client.User, error) {
	id, err := acctest.ResourceID(s, "ucprov_user.test")
	if err != nil {
		return nil, err
	}
	return sb.Client().GetUser(acctest.Ctx(), id)
}

func checkInvitations(sb *acctest.Sandbox, want int) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		id, err := acctest.ResourceID(s, "ucprov_user.test")
		if err != nil {
			return err
		}
		a, err := sb.Client().GetActivation(acctest.Ctx(), id)
		if err != nil {
			return err
		}
		if a.InvitationsSent != want {
			return fmt.Errorf("invitations sent %d, want %d", a.InvitationsSent, want)
		}
		return nil
	}
}

// TestAccActivation_invitationVersion: raising invitation_version sends the activation email
// again while the user is not provisioned; an unchanged or lowered version sends nothing; once
// provisioned a raise sends nothing.
func TestAccActivation_invitationVersion(t *testing.T) {
	sb := acctest.Start(t)
	// pending.: the demo seed keeps the activation in pending_email_validation until accepted.
	config := func(version int) string {
		return lifecycleUser(sb, "pending.ada@acme.example", "", fmt.Sprintf(
			"  send_activation_email = true\n  invitation_version = %d\n", version))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config(1), Check: checkInvitations(sb, 1)}, // the activation email itself
			{
				Config:           config(1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            checkInvitations(sb, 1),
			},
			{
				Config: config(2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(actName, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkInvitations(sb, 2),
			},
			{Config: config(1), Check: checkInvitations(sb, 2)}, // lowered: recorded, nothing sent
			{
				PreConfig: func() {
					u, err := sb.Client().ListUsers(acctest.Ctx(), acctest.Enterprise, client.UserFilter{Email: "pending.ada@acme.example"})
					if err != nil || len(u) != 1 {
						t.Fatalf("user: %v %v", u, err)
					}
					if err := sb.AcceptInvitation(u[0].ID); err != nil {
						t.Fatal(err)
					}
					if _, err := sb.Client().WaitActivation(acctest.Ctx(), u[0].ID, client.ActivationWait{Poll: 20 * time.Millisecond}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config(5),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(actName, tfjsonpath.New("status"), knownvalue.StringExact("provisioned")),
					statecheck.ExpectKnownValue(actName, tfjsonpath.New("invitation_version"), knownvalue.Int64Exact(5)),
				},
				Check: checkInvitations(sb, 2),
			},
		},
	})
}

// TestAccActivation_emailFollowsUser: with email = ucprov_user.test.email, the plan that changes
// the user's email (cycle_imp, which re-creates the Webex account) also shows the activation's
// update, and the apply waits for the new email's validation: the next plan is empty.
func TestAccActivation_emailFollowsUser(t *testing.T) {
	sb := acctest.Start(t)
	act := "  email    = ucprov_user.test.email\n  wait_for = \"provisioned\"\n"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: lifecycleUser(sb, "ada@acme.example", "", act),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(actName, tfjsonpath.New("status"), knownvalue.StringExact("provisioned")),
				},
			},
			{
				Config: lifecycleUser(sb, "ada.lovelace@acme.example", "", act),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("ucprov_user.test", plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction(actName, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(actName, tfjsonpath.New("status")),
						plancheck.ExpectKnownValue(actName, tfjsonpath.New("email"), knownvalue.StringExact("ada.lovelace@acme.example")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(actName, tfjsonpath.New("status"), knownvalue.StringExact("provisioned")),
					statecheck.ExpectKnownValue(actName, tfjsonpath.New("email"), knownvalue.StringExact("ada.lovelace@acme.example")),
				},
			},
			{
				// A new email that belongs to another organisation's Webex account fails the plan
				// (the backend's precheck), before the user's email is changed.
				PreConfig: func() { sb.ResetMetrics() },
				Config:    lifecycleUser(sb, sandbox.DemoExternalWebexAccount, "", act),
				PlanOnly:  true,
				ExpectError: errRe("Email belongs to another Webex account", sandbox.DemoExternalWebexAccount,
					"email_conflict", "Nothing was written"),
			},
		},
	})
	if m := sb.Metrics(); metricCount(m, "PATCH", "/users/{usr}") != 0 {
		t.Errorf("the refused email change reached the backend: %v", m)
	}
}

// TestAccActivation_precheck: activating an existing user whose email is another
// organisation's Webex account fails the plan (validate endpoint), and no activation is queued.
func TestAccActivation_precheck(t *testing.T) {
	sb := acctest.Start(t)
	u, err := sb.Client().CreateUser(acctest.Ctx(), acctest.Enterprise, client.UserInput{
		GroupID: acctest.GroupDenver, FirstName: "Taken", LastName: "Elsewhere", Email: sandbox.DemoExternalWebexAccount,
	})
	if err != nil {
		t.Fatal(err)
	}
	sb.ResetMetrics()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:   actConfig(sb, u.ID, ""),
			PlanOnly: true,
			ExpectError: errRe("Email belongs to another Webex account", "The activation of user "+u.ID+" would fail",
				"email_conflict"),
		}},
	})
	m := sb.Metrics()
	if metricCount(m, "POST", "/activation") != 0 || metricCount(m, "POST", "/activation/validate") == 0 {
		t.Errorf("want a precheck and no activation: %v", m)
	}
}

// TestAccActivation_removeKeepsUser: removing the activation block of a user with IM&P removes
// Webex only: the user keeps its name and email, IM&P stays valid, and one apply converges.
func TestAccActivation_removeKeepsUser(t *testing.T) {
	sb := acctest.Start(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: lifecycleUser(sb, "ada@acme.example", "", "  wait_for = \"provisioned\"\n")},
			{
				Config: lifecycleUser(sb, "ada@acme.example", "", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(actName, plancheck.ResourceActionDestroy)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(s *terraform.State) error {
					u, err := userOf(sb, s)
					if err != nil {
						return err
					}
					if u.FirstName != "Ada" || u.Email != "ada@acme.example" {
						return fmt.Errorf("removing the activation changed the user: %+v", u)
					}
					if _, err := sb.Client().GetActivation(acctest.Ctx(), u.ID); !client.IsNotFound(err) {
						return fmt.Errorf("activation still there: %w", err)
					}
					imp, err := sb.Client().GetIMP(acctest.Ctx(), u.ID)
					if err != nil || !imp.Enabled {
						return fmt.Errorf("IM&P after removing the activation: %+v, %w", imp, err)
					}
					return nil
				},
			},
		},
	})
}

// TestAccUser_deletionPolicyReset: destroying a user with deletion_policy = "reset" resets it
// (name "Available User", email cleared, Webex, IM&P and call forwarding off) instead of deleting
// it; the number, whose resource is removed without being destroyed, stays on the line.
func TestAccUser_deletionPolicyReset(t *testing.T) {
	sb := acctest.Start(t)
	var userID string
	full := lifecycleUser(sb, "grace@acme.example", `deletion_policy = "reset"`, "  wait_for = \"provisioned\"\n") + `
resource "ucprov_user_number" "test" {
  user_id      = ucprov_user.test.id
  phone_number = "+17205551260"
  extension    = "1260"
}

resource "ucprov_call_forwarding" "test" {
  user_id = ucprov_user.test.id
  always = {
    enabled     = true
    destination = "+17205550100"
  }
}
`
	resource.ParallelTest(t, resource.TestCase{
		// removed blocks need Terraform >= 1.7 (the CLI matrix runs 1.5.7 too).
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_7_0)},
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: full,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("ucprov_user.test", tfjsonpath.New("deletion_policy"), knownvalue.StringExact("reset")),
				},
				Check: captureID("ucprov_user.test", &userID),
			},
			{
				// Everything goes except the number, which leaves the configuration without being destroyed.
				Config: sb.ProviderConfig() + `
removed {
  from = ucprov_user_number.test
  lifecycle {
    destroy = false
  }
}

removed {
  from = ucprov_call_forwarding.test
  lifecycle {
    destroy = false
  }
}
`,
				Check: func(*terraform.State) error {
					c := sb.Client()
					u, err := c.GetUser(acctest.Ctx(), userID)
					if err != nil {
						return fmt.Errorf("the reset user must still exist: %w", err)
					}
					if u.FirstName != "Available" || u.LastName != "User" || u.Email != "" {
						return fmt.Errorf("user not reset: %+v", u)
					}
					n, err := c.GetNumber(acctest.Ctx(), userID)
					if err != nil || n.PhoneNumber != "+17205551260" || n.Extension != "1260" {
						return fmt.Errorf("the line lost its number: %+v, %w", n, err)
					}
					if _, err := c.GetActivation(acctest.Ctx(), userID); !client.IsNotFound(err) {
						return fmt.Errorf("webex still active: %w", err)
					}
					cf, err := c.GetCallForwarding(acctest.Ctx(), userID)
					if err != nil || cf.Always.Enabled {
						return fmt.Errorf("call forwarding still on: %+v, %w", cf, err)
					}
					if imp, err := c.GetIMP(acctest.Ctx(), userID); err != nil || imp.Enabled {
						return fmt.Errorf("IM&P still on: %+v, %w", imp, err)
					}
					return nil
				},
			},
		},
	})
}

// TestAccUser_deletionPolicyResetForEach: the documented recipe for one user of a for_each. A
// removed block takes no instance key ("Resource instance keys not allowed"), so the number's and
// the E911 address's instances move to addresses of their own, which removed blocks then let go
// without destroying them: the user is reset, its line keeps the number, extension and E911
// address, and the other user of the for_each is untouched.
func TestAccUser_deletionPolicyResetForEach(t *testing.T) {
	sb := acctest.Start(t)
	staff := func(keys string, extra string) string {
		return sb.ProviderConfig() + fmt.Sprintf(`
locals {
  staff = {
    ada = { first = "Ada", email = "ada.reset@acme.example", number = "+17205551261", ext = "1261" }
    bob = { first = "Bob", email = "bob.reset@acme.example", number = "+17205551262", ext = "1262" }
  }
  kept = [%s]
}

resource "ucprov_user" "staff" {
  for_each        = { for k, v in local.staff : k => v if contains(local.kept, k) }
  group_id        = %q
  first_name      = each.value.first
  last_name       = "Staff"
  email           = each.value.email
  deletion_policy = "reset"
}

resource "ucprov_user_number" "staff" {
  for_each     = ucprov_user.staff
  user_id      = each.value.id
  phone_number = local.staff[each.key].number
  extension    = local.staff[each.key].ext
}

resource "ucprov_e911_address" "staff" {
  for_each    = ucprov_user.staff
  user_id     = each.value.id
  address1    = "1 Main Street"
  city        = "Denver"
  state       = "CO"
  postal_code = "80202"
  country     = "US"
  depends_on  = [ucprov_user_number.staff]
}
`, keys, acctest.GroupDenver) + extra
	}
	var ada, bob string
	checkAda := resetRecipeChecks(sb, &ada, &bob)
	resource.ParallelTest(t, resource.TestCase{
		// removed blocks need Terraform >= 1.7.
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_7_0)},
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				// No Check functions in this test: terraform-plugin-testing's legacy state cannot
				// hold for_each instances; the state checks and PreConfig do the checking.
				Config: staff(`"ada", "bob"`, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(`ucprov_user.staff["ada"]`, tfjsonpath.New("id"), captureValue{&ada}),
					statecheck.ExpectKnownValue(`ucprov_user.staff["bob"]`, tfjsonpath.New("id"), captureValue{&bob}),
				},
			},
			{
				// What the docs used to say: fails under for_each.
				Config: staff(`"bob"`, `
removed {
  from = ucprov_user_number.staff["ada"]
  lifecycle {
    destroy = false
  }
}
`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Resource\s+instance\s+(keys\s+not\s+allowed|address\s+with\s+keys\s+is\s+not\s+allowed)`), // Terraform; OpenTofu
			},
			{
				Config: staff(`"bob"`, `
moved {
  from = ucprov_user_number.staff["ada"]
  to   = ucprov_user_number.kept_ada
}
removed {
  from = ucprov_user_number.kept_ada
  lifecycle {
    destroy = false
  }
}
moved {
  from = ucprov_e911_address.staff["ada"]
  to   = ucprov_e911_address.kept_ada
}
removed {
  from = ucprov_e911_address.kept_ada
  lifecycle {
    destroy = false
  }
}
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(`ucprov_user.staff["ada"]`, plancheck.ResourceActionDestroy),
					plancheck.ExpectResourceAction(`ucprov_user.staff["bob"]`, plancheck.ResourceActionNoop),
				}},
			},
			{
				PreConfig: func() {
					if err := checkAda(); err != nil {
						t.Error(err)
					}
				},
				// Leaves no for_each instance in state (see above).
				Config: sb.ProviderConfig(),
			},
		},
	})
}

// captureValue is a knownvalue.Check that stores the string value it is given.
type captureValue struct{ dst *string }

func (c captureValue) CheckValue(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("want a string, got %T", v)
	}
	*c.dst = s
	return nil
}
func (c captureValue) String() string { return "captured" }

func resetRecipeChecks(sb *acctest.Sandbox, adaID, bobID *string) func() error {
	return func() error {
		ada, bob := *adaID, *bobID
		c := sb.Client()
		u, err := c.GetUser(acctest.Ctx(), ada)
		if err != nil || u.FirstName != "Available" || u.Email != "" {
			return fmt.Errorf("ada not reset: %+v, %w", u, err)
		}
		n, err := c.GetNumber(acctest.Ctx(), ada)
		if err != nil || n.PhoneNumber != "+17205551261" || n.Extension != "1261" {
			return fmt.Errorf("the line lost its number: %+v, %w", n, err)
		}
		if e, err := c.GetE911(acctest.Ctx(), ada); err != nil || e.Address1 != "1 Main Street" {
			return fmt.Errorf("the line lost its E911 address: %+v, %w", e, err)
		}
		if u, err := c.GetUser(acctest.Ctx(), bob); err != nil || u.FirstName != "Bob" {
			return fmt.Errorf("bob changed: %+v, %w", u, err)
		}
		return nil
	}
}

// TestAccUser_deletionPolicyInvalid: deletion_policy is delete or reset, checked at plan time.
func TestAccUser_deletionPolicyInvalid(t *testing.T) {
	sb := acctest.Start(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      sb.ProviderConfig() + acctest.UserConfig("Ada", "Lovelace", `deletion_policy = "keep"`),
			PlanOnly:    true,
			ExpectError: errRe("deletion_policy", "value must be one of"),
		}},
	})
}
