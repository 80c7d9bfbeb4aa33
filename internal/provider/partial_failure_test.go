package provider_test

import (
	"context"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"testing"

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

// Partial failure (issue 9 item 3): every multi-step write fails after each of its steps in turn
// (injected faults outlast the provider's retries). After the failed apply the backend holds what
// the steps before did (or what a rollback left), the state matches it, and the next plan shows
// exactly what is left to do; the apply after it converges to an empty plan.

const failPersistently = 20 // more attempts than the provider makes

// expectChanged is a plan check: the resource's planned action is action and, for an update, the
// attributes whose value changes are exactly attrs.
type expectChanged struct {
	addr   string
	action plancheck.ResourceActionType
	attrs  []string
}

func (e expectChanged) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != e.addr {
			continue
		}
		var action plancheck.ResourceActionType
		switch {
		case rc.Change.Actions.Create():
			action = plancheck.ResourceActionCreate
		case rc.Change.Actions.Update():
			action = plancheck.ResourceActionUpdate
		case rc.Change.Actions.NoOp():
			action = plancheck.ResourceActionNoop
		default:
			action = plancheck.ResourceActionType(fmt.Sprint(rc.Change.Actions))
		}
		if action != e.action {
			resp.Error = fmt.Errorf("%s: planned %s, want %s", e.addr, action, e.action)
			return
		}
		if action != plancheck.ResourceActionUpdate {
			return
		}
		before, _ := rc.Change.Before.(map[string]any)
		after, _ := rc.Change.After.(map[string]any)
		unknown, _ := rc.Change.AfterUnknown.(map[string]any)
		var changed []string
		for k, v := range after {
			if u, _ := unknown[k].(bool); u {
				continue // computed, known after apply
			}
			if !reflect.DeepEqual(before[k], v) {
				changed = append(changed, k)
			}
		}
		sort.Strings(changed)
		want := slices.Clone(e.attrs)
		sort.Strings(want)
		if !slices.Equal(changed, want) {
			resp.Error = fmt.Errorf("%s: the plan changes %v, want exactly %v", e.addr, changed, want)
		}
		return
	}
	resp.Error = fmt.Errorf("%s not in the plan", e.addr)
}

func partialUserConfig(sb *acctest.Sandbox, dept, passcode, password string) string {
	return sb.ProviderConfig() + fmt.Sprintf(`
resource "ucprov_user" "p" {
  group_id           = "grp_denver"
  first_name         = "Grace"
  last_name          = "Partial"
  email              = "grace.partial@acme.example"
  department         = %q
  voicemail_passcode = %q
  portal_password    = %q
}
`, dept, passcode, password)
}

// partialUsers counts the backend's users named like the configuration's.
func partialUsers(sb *acctest.Sandbox) ([]client.User, error) {
	all, err := sb.Client().ListUsers(acctest.Ctx(), acctest.Enterprise, client.UserFilter{Email: "grace.partial@acme.example"})
	return all, err
}

func wantUsers(sb *acctest.Sandbox, n int, dept string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		us, err := partialUsers(sb)
		if err != nil {
			return err
		}
		if len(us) != n {
			return fmt.Errorf("backend holds %d users, want %d", len(us), n)
		}
		if n == 1 && us[0].Department != dept {
			return fmt.Errorf("backend department %q, want %q", us[0].Department, dept)
		}
		return nil
	}
}

const (
	pfRouteUsers    = "/v1/enterprises/{ent}/users"
	pfRouteUser     = "/v1/users/{usr}"
	pfRoutePasscode = "/v1/users/{usr}/voicemail/passcode"
	pfRoutePassword = "/v1/users/{usr}/portal-password"
)

// TestAccPartialFailure_userCreate: a user with a passcode and a password is three writes; when any
// fails, the new user is rolled back, so the backend and the state agree (no user) and the next plan
// creates it again.
func TestAccPartialFailure_userCreate(t *testing.T) {
	for _, tt := range []struct {
		step  string
		fault sandbox.Fault
		err   *regexp.Regexp
	}{
		{"create", sandbox.Fault{Method: "POST", Pattern: pfRouteUsers, Kind: sandbox.FaultStatus500}, errRe("Unable to create user")},
		{"passcode", sandbox.Fault{Method: "PUT", Pattern: pfRoutePasscode, Kind: sandbox.FaultStatus503}, errRe("set voicemail_passcode")},
		{"password", sandbox.Fault{Method: "PUT", Pattern: pfRoutePassword, Kind: sandbox.FaultReset}, errRe("set portal_password")},
	} {
		t.Run(tt.step, func(t *testing.T) {
			sb := acctest.Start(t)
			cfg := partialUserConfig(sb, "Engineering", "740261", "Xy1!abcq")
			tt.fault.Times = failPersistently
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{
					{
						PreConfig:   func() { sb.InjectFault(tt.fault) },
						Config:      cfg,
						ExpectError: tt.err,
						Check:       wantUsers(sb, 0, ""),
					},
					{
						PreConfig: sb.ClearFaults,
						Config:    cfg,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							expectChanged{addr: "ucprov_user.p", action: plancheck.ResourceActionCreate},
						}},
						Check: wantUsers(sb, 1, "Engineering"),
					},
					{Config: cfg, PlanOnly: true},
				},
			})
		})
	}
}

// TestAccPartialFailure_userUpdate: an update of the profile, the passcode and the password is three
// writes in that order; after a failure at each, the backend keeps what the steps before wrote and
// the next plan shows only the rest.
func TestAccPartialFailure_userUpdate(t *testing.T) {
	for _, tt := range []struct {
		step     string
		fault    sandbox.Fault
		err      *regexp.Regexp
		deptNow  string   // the backend's department after the failed apply
		leftOver []string // what the next plan still changes
	}{
		{"profile", sandbox.Fault{Method: "PATCH", Pattern: pfRouteUser, Kind: sandbox.FaultStatus500}, errRe("Unable to update user"),
			"Engineering", []string{"department", "portal_password", "voicemail_passcode"}},
		{"passcode", sandbox.Fault{Method: "PUT", Pattern: pfRoutePasscode, Kind: sandbox.FaultStatus503}, errRe("set voicemail_passcode"),
			"Research", []string{"portal_password", "voicemail_passcode"}},
		{"password", sandbox.Fault{Method: "PUT", Pattern: pfRoutePassword, Kind: sandbox.FaultStatus500}, errRe("set portal_password"),
			"Research", []string{"portal_password"}},
	} {
		t.Run(tt.step, func(t *testing.T) {
			sb := acctest.Start(t)
			before := partialUserConfig(sb, "Engineering", "740261", "Xy1!abcq")
			after := partialUserConfig(sb, "Research", "938271", "Zq9?wxyv")
			tt.fault.Times = failPersistently
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{
					{Config: before},
					{
						PreConfig:   func() { sb.InjectFault(tt.fault) },
						Config:      after,
						ExpectError: tt.err,
						Check:       wantUsers(sb, 1, tt.deptNow),
					},
					{
						PreConfig: sb.ClearFaults,
						Config:    after,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							expectChanged{addr: "ucprov_user.p", action: plancheck.ResourceActionUpdate, attrs: tt.leftOver},
						}},
						Check: wantUsers(sb, 1, "Research"),
					},
					{Config: after, PlanOnly: true},
				},
			})
		})
	}
}

// TestAccPartialFailure_activationWait: an activation is a POST then a read of it (wait_for =
// "queued"); when the reads after the POST fail, the activation is saved as queued (it exists: an
// error would leave it on the backend unknown to the state), and the next plan has nothing to do
// (no second activation). With wait_for = "provisioned" a wait that cannot finish is not saved and
// the next apply takes the activation over (TestInterruptActivationWait in internal/e2e).
func TestAccPartialFailure_activationWait(t *testing.T) {
	sb := acctest.Start(t)
	userID := actUser(t, sb, "Ada", "Partial", "ada.partial@acme.example")
	cfg := actConfig(sb, userID, "")
	var firstJob string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				// The first GET (is there an activation?) passes, the POST queues it, every read after
				// it fails.
				PreConfig: func() {
					sb.InjectFault(sandbox.Fault{Method: "GET", Pattern: "/v1/users/{usr}/activation", Kind: sandbox.FaultStatus500,
						Skip: 1, Times: failPersistently})
				},
				Config: cfg,
				Check: func(*terraform.State) error {
					sb.ClearFaults()
					a, err := sb.Client().GetActivation(acctest.Ctx(), userID)
					if err != nil {
						return fmt.Errorf("the POST did not queue the activation: %w", err)
					}
					firstJob = a.JobID
					return nil
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(actName, tfjsonpath.New("status"), knownvalue.StringExact("queued")),
				},
			},
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: func(*terraform.State) error {
					a, err := sb.Client().GetActivation(acctest.Ctx(), userID)
					if err != nil || a.JobID != firstJob {
						return fmt.Errorf("activation %+v (%w), want the first job %s: no second activation", a, err, firstJob)
					}
					return nil
				},
			},
		},
	})
}

// TestAccPartialFailure_oneRequestWrites: a number with its activation and the call forwarding are
// one request each (PUT with activate; PUT of all forwards): an answer lost after the backend
// committed is retried (the PUT is idempotent) and the apply converges with nothing left to do.
func TestAccPartialFailure_oneRequestWrites(t *testing.T) {
	sb := acctest.Start(t)
	u, err := sb.Client().CreateUser(acctest.Ctx(), acctest.Enterprise, client.UserInput{GroupID: acctest.GroupDenver, FirstName: "Alan", LastName: "Partial"})
	if err != nil {
		t.Fatal(err)
	}
	cfg := sb.ProviderConfig() + fmt.Sprintf(`
resource "ucprov_user_number" "p" {
  user_id      = %[1]q
  phone_number = "+17205551240"
  extension    = "4240"
}

resource "ucprov_call_forwarding" "p" {
  user_id = %[1]q
  busy = {
    enabled     = true
    destination = "+17205550100"
  }
}
`, u.ID)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					sb.InjectFault(sandbox.Fault{Method: "PUT", Pattern: "/v1/users/{usr}/number", Kind: sandbox.FaultAfterCommit})
					sb.InjectFault(sandbox.Fault{Method: "PUT", Pattern: "/v1/users/{usr}/call-forwarding", Kind: sandbox.FaultAfterCommitReset})
				},
				Config: cfg,
				Check: func(*terraform.State) error {
					n, err := sb.Client().GetNumber(acctest.Ctx(), u.ID)
					if err != nil || n.NumberState != "active" || n.Extension != "4240" {
						return fmt.Errorf("number %+v (%w), want +17205551240/4240 active", n, err)
					}
					if m := sb.Metrics(); m["PUT /v1/users/{usr}/number"] != 2 || m["POST /v1/users/{usr}/number/activate"] != 0 {
						return fmt.Errorf("want 2 PUTs of the number (the first answer lost) and no activate call: %v", m)
					}
					return nil
				},
			},
			{Config: cfg, PlanOnly: true},
		},
	})
}
