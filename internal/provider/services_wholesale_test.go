package provider_test

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
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
	"github.com/ucprov/terraform-provider-ucprov/internal/webex"
)

// storeRowID is the sandbox row id inside a Webex id (base64url of ciscospark://us/KIND/row).
func storeRowID(t *testing.T, wid string) string {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(wid)
	if err != nil {
		t.Fatalf("decode webex id %q: %v", wid, err)
	}
	s := string(raw)
	return s[strings.LastIndex(s, "/")+1:]
}

// userHubConfig is the User Hub's Paris user in one apply: subscriber, number and extension,
// emergency address, voicemail passcode, call forwarding and a Webex Suite activation.
func userHubConfig(sb *acctest.Sandbox, pkg, forwardTo string) string {
	return sb.WholesaleProviderConfig() + acctest.WholesaleUserConfig("Amélie", "Poulain", "amelie@acme.example",
		`voicemail_passcode = "739182"`) + fmt.Sprintf(`
resource "ucprov_user_number" "test" {
  user_id      = ucprov_user.test.id
  phone_number = "+33634333220"
  extension    = "3220"
}

resource "ucprov_e911_address" "test" {
  user_id     = ucprov_user_number.test.user_id
  address1    = "8 rue de rivoli"
  city        = "Paris"
  postal_code = "75004"
  country     = "FR"
}

resource "ucprov_call_forwarding" "test" {
  user_id = ucprov_user_number.test.user_id
  busy = {
    enabled     = true
    destination = %q
  }
}

resource "ucprov_activation" "test" {
  user_id  = ucprov_user_number.test.user_id
  package  = %q
  wait_for = "provisioned"
}
`, forwardTo, pkg)
}

func TestAccWholesaleServices_userHubOneApply(t *testing.T) {
	sb := acctest.StartWholesale(t)
	var userID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: userHubConfig(sb, "webex_suite", "+33634333299"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("ucprov_activation.test", tfjsonpath.New("status"), knownvalue.StringExact("provisioned")),
					statecheck.ExpectKnownValue("ucprov_activation.test", tfjsonpath.New("package"), knownvalue.StringExact("webex_suite")),
					statecheck.ExpectKnownValue("ucprov_e911_address.test", tfjsonpath.New("normalized").AtMapKey("address1"),
						knownvalue.StringExact("8 RUE DE RIVOLI")),
				},
				Check: resource.ComposeTestCheckFunc(
					captureID(userName, &userID),
					func(*terraform.State) error {
						s, p, err := subscriberOf(sb, userID)
						if err != nil {
							return err
						}
						if s.Packages[0] != "webex_suite" || workNumberOf(p) != "+33634333220" || p.Extension != "3220" {
							return fmt.Errorf("subscriber %v person number %q ext %q", s.Packages, workNumberOf(p), p.Extension)
						}
						cf, err := sb.Webex().GetCallForwarding(acctest.Ctx(), "", p.ID)
						if err != nil {
							return err
						}
						if !cf.CallForwarding.Busy.Enabled || cf.CallForwarding.Busy.Destination != "+33634333299" {
							return fmt.Errorf("busy forwarding %+v", cf.CallForwarding.Busy)
						}
						e, err := sb.Client().GetE911(acctest.Ctx(), storeRowID(t, userID))
						if err != nil {
							return fmt.Errorf("the number's emergency address: %w", err)
						}
						if !strings.EqualFold(e.Address1, "8 rue de rivoli") || e.Country != "FR" {
							return fmt.Errorf("emergency address %+v", e.Address)
						}
						return nil
					},
				),
			},
			{
				// Nothing changed: the plan is empty (the emergency address, which Webex cannot read
				// back, keeps its state).
				Config:           userHubConfig(sb, "webex_suite", "+33634333299"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{ResourceName: "ucprov_call_forwarding.test", ImportState: true, ImportStateVerify: true},
			{ResourceName: "ucprov_activation.test", ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"wait_for", "send_activation_email", "invitation_version", "timeouts"}},
			{
				// Drift of the forwarding outside Terraform is corrected; the package changes by PUT.
				PreConfig: func() {
					_, p, err := subscriberOf(sb, userID)
					if err != nil {
						t.Fatal(err)
					}
					if err := sb.Webex().UpdateCallForwarding(acctest.Ctx(), "", p.ID, webex.CallForwardingUpdate{
						CallForwarding: &webex.CallForwardingRulesUpdate{Busy: &webex.ForwardRuleUpdate{Enabled: false}},
					}); err != nil {
						t.Fatal(err)
					}
				},
				Config: userHubConfig(sb, "webex_calling", "+33634333299"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("ucprov_call_forwarding.test", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("ucprov_activation.test", plancheck.ResourceActionUpdate),
				}},
				Check: func(*terraform.State) error {
					s, p, err := subscriberOf(sb, userID)
					if err != nil {
						return err
					}
					cf, err := sb.Webex().GetCallForwarding(acctest.Ctx(), "", p.ID)
					if err != nil {
						return err
					}
					if s.Packages[0] != "webex_calling" || !cf.CallForwarding.Busy.Enabled {
						return fmt.Errorf("package %v busy %+v", s.Packages, cf.CallForwarding.Busy)
					}
					return nil
				},
			},
			{
				// The subscriber deleted outside Terraform: every per-user resource is gone with it
				// (removed on refresh, not an error) and created again.
				PreConfig: func() {
					if err := sb.Webex().DeleteWholesaleSubscriber(acctest.Ctx(), userID); err != nil {
						t.Fatal(err)
					}
				},
				Config: userHubConfig(sb, "webex_calling", "+33634333299"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(userName, plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(numberName, plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("ucprov_e911_address.test", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("ucprov_call_forwarding.test", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("ucprov_activation.test", plancheck.ResourceActionCreate),
				}},
			},
		},
	})
}

// A subscriber whose email is an active Webex account of another organisation is created with
// 202 pending_user_migration: the user exists, the activation shows the state (not an error), and
// wait_for = "provisioned" waits until the user has consented to move the account in.
func TestAccWholesaleActivation_pendingUserMigration(t *testing.T) {
	sb := acctest.StartWholesale(t)
	const email = "moving.in@freemail.example"
	if err := sb.AddExternalWebexAccount(email); err != nil {
		t.Fatal(err)
	}
	var userID string
	cfg := func(waitFor string) string {
		return sb.WholesaleProviderConfig() + acctest.WholesaleUserConfig("Paul", "Moving", email) + fmt.Sprintf(`
resource "ucprov_user_number" "test" {
  user_id      = ucprov_user.test.id
  phone_number = "+33634333260"
  extension    = "3260"
}
resource "ucprov_activation" "test" {
  user_id  = ucprov_user_number.test.user_id
  wait_for = %q
}
`, waitFor)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg("queued"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("ucprov_activation.test", tfjsonpath.New("status"), knownvalue.StringExact("pending_user_migration")),
				},
				Check: captureID(userName, &userID),
			},
			{
				// The user consents (Webex's consent flow); the refresh shows provisioned.
				PreConfig: func() {
					req, err := http.NewRequest(http.MethodPost, sb.WebexBaseURL()+"/subscribers/"+userID+"/emails/consentMove", nil)
					if err != nil {
						t.Fatal(err)
					}
					req.Header.Set("Authorization", "Bearer "+sandbox.DemoWebexToken)
					res, err := http.DefaultClient.Do(req)
					if err != nil {
						t.Fatal(err)
					}
					_ = res.Body.Close()
					if res.StatusCode != http.StatusNoContent {
						t.Fatalf("consentMove: %s", res.Status)
					}
				},
				Config: cfg("provisioned"),
				Check:  resource.TestCheckResourceAttr("ucprov_activation.test", "status", "provisioned"),
			},
		},
	})
}

// A ucprov_activation added in a later apply than its user (the two working directories scenario
// of make reliability): the subscriber has had its activation since it was created (on wholesale
// the activation is the subscriber's status), so the create takes it over whatever its status and
// moves the subscriber to its package, instead of refusing a user already activated.
func TestAccWholesaleActivation_addedLaterTakesOver(t *testing.T) {
	sb := acctest.StartWholesale(t)
	var userID string
	user := sb.WholesaleProviderConfig() + acctest.WholesaleUserConfig("Léa", "Later", "lea.later@acme.example") + `
resource "ucprov_user_number" "test" {
  user_id      = ucprov_user.test.id
  phone_number = "+33634333270"
  extension    = "3270"
}
`
	activation := user + `
resource "ucprov_activation" "test" {
  user_id  = ucprov_user_number.test.user_id
  package  = "webex_suite"
  wait_for = "queued"
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: user,
				Check: resource.ComposeTestCheckFunc(captureID(userName, &userID), func(*terraform.State) error {
					// The subscriber's activation is provisioned before ucprov_activation exists.
					return waitWholesaleProvisioned(sb, userID)
				}),
			},
			{
				Config: activation,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("ucprov_activation.test", plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("ucprov_activation.test", tfjsonpath.New("status"), knownvalue.StringExact("provisioned")),
					statecheck.ExpectKnownValue("ucprov_activation.test", tfjsonpath.New("package"), knownvalue.StringExact("webex_suite")),
				},
				Check: func(*terraform.State) error {
					s, _, err := subscriberOf(sb, userID)
					if err != nil {
						return err
					}
					if len(s.Packages) != 1 || s.Packages[0] != "webex_suite" {
						return fmt.Errorf("subscriber packages %v, want [webex_suite]", s.Packages)
					}
					return nil
				},
			},
			{Config: activation, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
}

// waitWholesaleProvisioned waits (up to 30 s) until subscriber id's person has accepted its
// invitation (the sandbox's worker provisions users whose email does not start with "pending.").
func waitWholesaleProvisioned(sb *acctest.Sandbox, id string) error {
	for deadline := time.Now().Add(30 * time.Second); ; {
		_, p, err := subscriberOf(sb, id)
		if err != nil {
			return err
		}
		if !bool(p.InvitePending) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("subscriber %s still has an invitation pending after 30s", id)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
