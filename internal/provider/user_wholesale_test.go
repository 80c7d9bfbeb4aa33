package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ucprov/terraform-provider-ucprov/internal/acctest"
	"github.com/ucprov/terraform-provider-ucprov/internal/platform/wholesale"
	"github.com/ucprov/terraform-provider-ucprov/internal/sandbox"
	"github.com/ucprov/terraform-provider-ucprov/internal/webex"
)

// wholesaleNumberConfig is a Paris user with its number, the User Hub way: one apply.
func wholesaleNumberConfig(sb *acctest.Sandbox, email, phone, ext string) string {
	return sb.WholesaleProviderConfig() + acctest.WholesaleUserConfig("Amélie", "Poulain", email) + fmt.Sprintf(`
resource "ucprov_user_number" "test" {
  user_id      = ucprov_user.test.id
  phone_number = %q
  extension    = %q
}
`, phone, ext)
}

// subscriberOf reads the subscriber and its person with calling data.
func subscriberOf(sb *acctest.Sandbox, id string) (*webex.WholesaleSubscriber, *webex.Person, error) {
	s, err := sb.Webex().GetWholesaleSubscriber(acctest.Ctx(), id)
	if err != nil {
		return nil, nil, err
	}
	p, err := sb.Webex().GetPerson(acctest.Ctx(), s.PersonID, true)
	return s, p, err
}

func workNumberOf(p *webex.Person) string {
	for _, n := range p.PhoneNumbers {
		if n.Type == "work" {
			return n.Value
		}
	}
	return ""
}

// A user and its number in one apply make a calling subscriber: created on the base package,
// moved to webex_calling with its number and extension; import by id and by email; a number
// change goes through /telephony/config/people/{id}/numbers.
func TestAccWholesaleUser_createWithNumberImport(t *testing.T) {
	sb := acctest.StartWholesale(t)
	var userID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if _, err := sb.Webex().GetWholesaleSubscriber(acctest.Ctx(), userID); !webex.IsNotFound(err) {
				return fmt.Errorf("subscriber %s still there after destroy (err %w)", userID, err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: wholesaleNumberConfig(sb, "amelie@acme.example", "+33634333210", "3210"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userName, tfjsonpath.New("enterprise_id"), knownvalue.StringExact(acctest.WholesaleCustomer)),
					statecheck.ExpectKnownValue(numberName, tfjsonpath.New("number_state"), knownvalue.StringExact("active")),
				},
				Check: resource.ComposeTestCheckFunc(
					captureID(userName, &userID),
					func(*terraform.State) error {
						s, p, err := subscriberOf(sb, userID)
						if err != nil {
							return err
						}
						if got := s.Packages; len(got) != 1 || got[0] != "webex_calling" {
							return fmt.Errorf("subscriber packages %v, want [webex_calling]", got)
						}
						if workNumberOf(p) != "+33634333210" || p.Extension != "3210" || p.LocationID != acctest.LocationParis {
							return fmt.Errorf("person %+v does not have the number and extension at Paris", p)
						}
						if p.FirstName != "Amélie" || p.LastName != "Poulain" {
							return fmt.Errorf("person names %q %q", p.FirstName, p.LastName)
						}
						return nil
					},
				),
			},
			{ResourceName: userName, ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"deletion_policy", "email_change_strategy"}},
			{ResourceName: userName, ImportState: true, ImportStateId: "amelie@acme.example", ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"deletion_policy", "email_change_strategy"}},
			{ResourceName: numberName, ImportState: true, ImportStateVerify: true},
			{
				Config: wholesaleNumberConfig(sb, "amelie@acme.example", "+33634333211", "3211"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(numberName, plancheck.ResourceActionUpdate)},
				},
				Check: func(*terraform.State) error {
					_, p, err := subscriberOf(sb, userID)
					if err != nil {
						return err
					}
					if workNumberOf(p) != "+33634333211" || p.Extension != "3211" {
						return fmt.Errorf("person number %q extension %q after the change", workNumberOf(p), p.Extension)
					}
					return nil
				},
			},
			{
				// No change: the plan is empty.
				Config: wholesaleNumberConfig(sb, "amelie@acme.example", "+33634333211", "3211"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// Profile changes go to the person; a change made outside Terraform shows as drift and is
// corrected; a subscriber deleted outside Terraform is removed from state and created again.
func TestAccWholesaleUser_updateDriftRemoval(t *testing.T) {
	sb := acctest.StartWholesale(t)
	var userID string
	cfg := func(last string) string {
		return sb.WholesaleProviderConfig() + acctest.WholesaleUserConfig("Jean", last, "jean@acme.example")
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg("Valjean"), Check: captureID(userName, &userID)},
			{
				Config: cfg("Vj"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(userName, plancheck.ResourceActionUpdate)},
				},
				Check: func(*terraform.State) error {
					_, p, err := subscriberOf(sb, userID)
					if err != nil {
						return err
					}
					if p.LastName != "Vj" || p.DisplayName != "Jean Vj" {
						return fmt.Errorf("person last name %q display name %q", p.LastName, p.DisplayName)
					}
					return nil
				},
			},
			{
				// Drift: someone renames the person in Control Hub.
				PreConfig: func() {
					_, p, err := subscriberOf(sb, userID)
					if err != nil {
						t.Fatal(err)
					}
					u := webex.UpdateFromPerson(p)
					u.LastName, u.DisplayName = "Drifted", "Jean Drifted"
					if _, err := sb.Webex().UpdatePerson(acctest.Ctx(), p.ID, u, true); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg("Vj"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(userName, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userName, tfjsonpath.New("last_name"), knownvalue.StringExact("Vj")),
				},
			},
			{
				// Removed outside Terraform: the refresh drops it and the apply creates it again.
				PreConfig: func() {
					if err := sb.Webex().DeleteWholesaleSubscriber(acctest.Ctx(), userID); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg("Vj"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(userName, plancheck.ResourceActionCreate)},
				},
				Check: func(s *terraform.State) error {
					id, err := acctest.ResourceID(s, userName)
					if err != nil {
						return err
					}
					if id == userID {
						return fmt.Errorf("the user was not created again")
					}
					return nil
				},
			},
		},
	})
}

// What Webex people do not have fails the plan, naming the attribute and the platform; a bad
// email fails the plan naming email; a wrong kind of id fails naming group_id.
func TestAccWholesaleUser_planTimeChecks(t *testing.T) {
	sb := acctest.StartWholesale(t)
	mark, noWrites := sb.CheckNoWrites()
	steps := []resource.TestStep{}
	for _, c := range []struct{ line, attr, what string }{
		{`portal_password = "Sup3r-Secret-Pw!"`, "portal_password", "portal password"},
		{`pager_number = "+17205550100"`, "pager_number", "pager number"},
		{`calling_line_id_first_name = "AMELIE"`, "calling_line_id_first_name", "calling line id names"},
		{`deletion_policy = "reset"`, "deletion_policy", "reset user"},
	} {
		steps = append(steps, resource.TestStep{
			PreConfig:   mark,
			Config:      sb.WholesaleProviderConfig() + acctest.WholesaleUserConfig("Amélie", "Poulain", "amelie@acme.example", c.line),
			PlanOnly:    true,
			ExpectError: wrappedRe(c.attr, c.what+" is not available on the wholesale platform"),
		})
	}
	steps = append(steps,
		resource.TestStep{
			// The passcode rules (Webex applies its own again when it is set).
			Config:      sb.WholesaleProviderConfig() + acctest.WholesaleUserConfig("Amélie", "Poulain", "amelie@acme.example", `voicemail_passcode = "111111"`),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)voicemail_passcode`),
		},
		resource.TestStep{
			Config:      sb.WholesaleProviderConfig() + acctest.WholesaleUserConfig("Amélie", "Poulain", "not-an-email"),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)email`),
		},
		resource.TestStep{
			Config: sb.WholesaleProviderConfig() + `
resource "ucprov_user" "test" {
  group_id   = "Paris"
  first_name = "A"
  last_name  = "B"
  email      = "ab@acme.example"
}`,
			PlanOnly: true,
			// Group ids follow the platform (the schema accepts every platform's); the plan-time
			// check of the group names the attribute and the data source that lists the groups.
			ExpectError: regexp.MustCompile(`(?s)Unknown group.*group_id = "Paris".*ucprov_groups`),
			Check:       noWrites,
		},
	)
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: acctest.ProviderFactories, Steps: steps})
	if err := noWrites(nil); err != nil {
		t.Error(err)
	}
}

// wrappedRe matches parts in order, each with any run of white space where it has a space (the
// CLI wraps diagnostics).
func wrappedRe(parts ...string) *regexp.Regexp {
	re := "(?s)"
	for i, p := range parts {
		if i > 0 {
			re += ".*"
		}
		re += strings.Join(strings.Fields(regexp.QuoteMeta(p)), `\s+`)
	}
	return regexp.MustCompile(re)
}

// A subscriber create whose answer is lost (the sandbox commits, then answers 500; or resets the
// connection) is resolved by the email: the subscriber is adopted, not created twice.
func TestAccWholesaleUser_lostCreateAnswer(t *testing.T) {
	for _, kind := range []sandbox.FaultKind{sandbox.FaultAfterCommit, sandbox.FaultAfterCommitReset} {
		t.Run(kind.String(), func(t *testing.T) {
			sb := acctest.StartWholesale(t)
			sb.InjectFault(sandbox.Fault{Method: "POST", Pattern: "/v1/wholesale/subscribers", Kind: kind})
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config: sb.WholesaleProviderConfig() + acctest.WholesaleUserConfig("Lucien", "Dufayel", "lucien@acme.example"),
					Check: func(*terraform.State) error {
						subs, err := sb.Webex().ListWholesaleSubscribers(acctest.Ctx(), webex.WholesaleSubscriberFilter{
							CustomerID: acctest.WholesaleCustomer, Email: "lucien@acme.example"})
						if err != nil {
							return err
						}
						if len(subs) != 1 {
							return fmt.Errorf("%d subscribers with the email, want 1", len(subs))
						}
						return nil
					},
				}},
			})
		})
	}
}

// The webex block's OAuth credentials instead of a token: the access token is fetched with the
// refresh token and used for every call.
func TestAccWholesaleUser_oauthRefresh(t *testing.T) {
	sb := acctest.StartWholesale(t)
	cfg := fmt.Sprintf(`
provider "ucprov" {
  platform      = "wholesale"
  enterprise_id = %q
  webex {
    base_url      = %q
    client_id     = %q
    client_secret = %q
    refresh_token = %q
  }
}
`, acctest.WholesaleCustomer, sb.WebexBaseURL(), sandbox.DemoWebexClientID, sandbox.DemoWebexClientSecret, sandbox.DemoWebexRefreshToken) +
		acctest.WholesaleUserConfig("Olga", "Auth", "olga@acme.example")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg, Check: resource.TestCheckResourceAttr(userName, "email", "olga@acme.example")},
			{Config: cfg, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
}

// The provider block may name the customer by its externalId (here ent_acme, as the sandbox's
// env file gives UCPROV_ENTERPRISE_ID): resources then show that name as their enterprise_id.
func TestAccWholesaleUser_customerByExternalID(t *testing.T) {
	sb := acctest.StartWholesale(t)
	cfg := strings.Replace(sb.WholesaleProviderConfig(), acctest.WholesaleCustomer, acctest.Enterprise, 1) +
		acctest.WholesaleUserConfig("Ext", "Id", "ext.id@acme.example")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg, Check: resource.TestCheckResourceAttr(userName, "enterprise_id", acctest.Enterprise)},
			{Config: cfg, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
}

// Fields the People API cannot write fail the apply naming the attribute, before anything is
// written.
func TestAccWholesaleUser_unwritableFields(t *testing.T) {
	sb := acctest.StartWholesale(t)
	mark, noWrites := sb.CheckNoWrites()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig:   mark,
				Config:      sb.WholesaleProviderConfig() + acctest.WholesaleUserConfig("Mo", "Bile", "mo@acme.example", `mobile_number = "+33612345678"`),
				ExpectError: wrappedRe("mobile_number", "cannot be set on the wholesale platform"),
				Check:       noWrites,
			},
			{
				PreConfig:   mark,
				Config:      sb.WholesaleProviderConfig() + acctest.WholesaleUserConfig("Tim", "Zone", "tz@acme.example", `time_zone = "Europe/Paris"`),
				ExpectError: wrappedRe("time_zone", "cannot be set on the wholesale platform"),
			},
		},
	})
	if err := noWrites(nil); err != nil {
		t.Error(err)
	}
}

// A subscriber created by an earlier apply whose answer was lost (wholesale has no idempotency
// keys; the sandbox went away before the provider could read it back, so the state has no user):
// the plan does not take it for another user's, and the apply adopts it, sets the department, and
// creates no second subscriber. A holder with other names is still another user: the plan fails
// naming it.
func TestAccWholesaleUser_lostCreateAcrossApplies(t *testing.T) {
	sb := acctest.StartWholesale(t)
	provision := func(first, last, email string) *webex.WholesaleSubscriber {
		res, err := sb.Webex().ProvisionWholesaleSubscriber(acctest.Ctx(), webex.WholesaleSubscriberCreate{
			CustomerID: acctest.WholesaleCustomer, Email: email, Packages: []string{wholesale.DefaultBasePackage},
			ProvisioningParameters: webex.WholesaleProvisioningParameters{FirstName: first, LastName: last, LocationID: acctest.LocationParis},
		})
		if err != nil {
			t.Fatal(err)
		}
		return &res.Subscriber
	}
	lost := provision("Lucien", "Perdu", "lucien.perdu@acme.example")
	other := provision("Other", "Person", "taken.ws@acme.example")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:   sb.WholesaleProviderConfig() + acctest.WholesaleUserConfig("Ada", "Lovelace", "taken.ws@acme.example"),
				PlanOnly: true,
				ExpectError: wrappedRe("Email already in use", "taken.ws@acme.example already belongs to user "+other.ID+" (Other Person)",
					"import {"),
			},
			{
				Config: sb.WholesaleProviderConfig() + acctest.WholesaleUserConfig("Lucien", "Perdu", "lucien.perdu@acme.example",
					`department = "Research"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(userName, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userName, tfjsonpath.New("id"), knownvalue.StringExact(lost.ID)),
				},
				Check: func(*terraform.State) error {
					subs, err := sb.Webex().ListWholesaleSubscribers(acctest.Ctx(), webex.WholesaleSubscriberFilter{
						CustomerID: acctest.WholesaleCustomer, Email: "lucien.perdu@acme.example"})
					if err != nil {
						return err
					}
					if len(subs) != 1 {
						return fmt.Errorf("%d subscribers with the email, want 1 (adopted, not created again)", len(subs))
					}
					_, p, err := subscriberOf(sb, lost.ID)
					if err != nil {
						return err
					}
					if p.Department != "Research" {
						return fmt.Errorf("department %q, want Research", p.Department)
					}
					return nil
				},
			},
			{
				Config: sb.WholesaleProviderConfig() + acctest.WholesaleUserConfig("Lucien", "Perdu", "lucien.perdu@acme.example",
					`department = "Research"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}
