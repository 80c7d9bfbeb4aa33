package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ucprov/terraform-provider-ucprov/internal/acctest"
	"github.com/ucprov/terraform-provider-ucprov/internal/client"
)

const userName = "ucprov_user.test"

func TestAccUser_basic(t *testing.T) {
	sb := acctest.Start(t)
	var id string
	// The update of step 3, applied again in step 4.
	updated := sb.ProviderConfig() + acctest.UserConfig("Ada", "King",
		`email = "ada@acme.example"`,
		`time_zone = "Europe/Paris"`,
		`mobile_number = "+17205550199"`,
		`pager_number = "+17205550101"`,
		`calling_line_id_first_name = "Countess"`,
	)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkUserDestroyed(sb, &id),
		Steps: []resource.TestStep{
			{
				Config: sb.ProviderConfig() + acctest.UserConfig("Ada", "Lovelace",
					`email = "ada@acme.example"`,
					`department = "Engineering"`,
					`time_zone = "America/Denver"`,
					`pager_number = "+17205550101"`,
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userName, tfjsonpath.New("enterprise_id"), knownvalue.StringExact(acctest.Enterprise)),
					statecheck.ExpectKnownValue(userName, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^usr_`))),
					statecheck.ExpectKnownValue(userName, tfjsonpath.New("calling_line_id_first_name"), knownvalue.StringExact("Ada")),
					statecheck.ExpectKnownValue(userName, tfjsonpath.New("calling_line_id_last_name"), knownvalue.StringExact("Lovelace")),
					statecheck.ExpectKnownValue(userName, tfjsonpath.New("email_change_strategy"), knownvalue.StringExact("fail")),
					statecheck.ExpectKnownValue(userName, tfjsonpath.New("mobile_number"), knownvalue.Null()),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					captureID(userName, &id),
					checkUserAPI(sb, &id, func(u *client.User) error {
						if u.FirstName != "Ada" || u.Email != "ada@acme.example" || u.TimeZone != "America/Denver" || u.GroupID != acctest.GroupDenver {
							return fmt.Errorf("backend user does not match the configuration: %+v", u)
						}
						return nil
					}),
				),
			},
			{
				ResourceName:      userName,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				// In place: new last name, department removed, time zone changed, a calling line id set.
				Config: updated,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(userName, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userName, tfjsonpath.New("last_name"), knownvalue.StringExact("King")),
					statecheck.ExpectKnownValue(userName, tfjsonpath.New("calling_line_id_last_name"), knownvalue.StringExact("King")),
					statecheck.ExpectKnownValue(userName, tfjsonpath.New("calling_line_id_first_name"), knownvalue.StringExact("Countess")),
					statecheck.ExpectKnownValue(userName, tfjsonpath.New("department"), knownvalue.Null()),
				},
				Check: checkUserAPI(sb, &id, func(u *client.User) error {
					if u.Department != "" || u.LastName != "King" || u.MobileNumber != "+17205550199" || u.CallingLineIDFirstName != "Countess" {
						return fmt.Errorf("backend user not updated: %+v", u)
					}
					return nil
				}),
			},
			{
				// The same configuration again: nothing to do.
				Config: updated,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Removing the calling line id makes it follow the name again.
				Config: sb.ProviderConfig() + acctest.UserConfig("Ada", "King", `email = "ada@acme.example"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userName, tfjsonpath.New("calling_line_id_first_name"), knownvalue.StringExact("Ada")),
					statecheck.ExpectKnownValue(userName, tfjsonpath.New("time_zone"), knownvalue.Null()),
				},
			},
			{
				// Deleted out of band: the plan creates it again.
				PreConfig: sb.DeleteUserOutOfBand(t, &id),
				Config:    sb.ProviderConfig() + acctest.UserConfig("Ada", "King", `email = "ada@acme.example"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(userName, plancheck.ResourceActionCreate)},
				},
				Check: captureID(userName, &id),
			},
		},
	})
}

// TestAccUser_drift: a change made in the portal shows as an update and is put back.
func TestAccUser_drift(t *testing.T) {
	sb := acctest.Start(t)
	var id string
	cfg := sb.ProviderConfig() + acctest.UserConfig("Grace", "Hopper", `department = "Navy"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkUserDestroyed(sb, &id),
		Steps: []resource.TestStep{
			{Config: cfg, Check: captureID(userName, &id)},
			{
				PreConfig: func() {
					dept := "Marketing"
					if _, err := sb.Client().UpdateUser(acctest.Ctx(), id, client.UserPatch{Department: &dept}, client.WriteOptions{}); err != nil {
						t.Fatalf("change out of band: %v", err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(userName, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(userName, tfjsonpath.New("department"), knownvalue.StringExact("Navy")),
					},
				},
			},
			{Config: cfg, PlanOnly: true},
		},
	})
}

// TestAccUser_replace: group_id forces a new user.
func TestAccUser_replace(t *testing.T) {
	sb := acctest.Start(t)
	var first, second string
	cfg := func(group string) string {
		return sb.ProviderConfig() + fmt.Sprintf(`
resource "ucprov_user" "test" {
  group_id   = %q
  first_name = "Alan"
  last_name  = "Turing"
}
`, group)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkUserDestroyed(sb, &second),
		Steps: []resource.TestStep{
			{Config: cfg(acctest.GroupDenver), Check: captureID(userName, &first)},
			{
				Config: cfg(acctest.GroupParis),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(userName, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: resource.ComposeTestCheckFunc(
					captureID(userName, &second),
					func(*terraform.State) error {
						if first == second {
							return fmt.Errorf("expected a new user id, got %s again", first)
						}
						_, err := sb.Client().GetUser(acctest.Ctx(), first)
						if err == nil {
							return fmt.Errorf("old user %s should be gone, but it is still there", first)
						}
						if !client.IsNotFound(err) {
							return fmt.Errorf("old user %s should be gone, got %w", first, err)
						}
						return nil
					},
				),
			},
		},
	})
}

// TestAccUser_invalid: bad input fails at plan time, naming the attribute and the rule, and no
// request that writes reaches the backend.
func TestAccUser_invalid(t *testing.T) {
	sb := acctest.Start(t)
	cases := []struct {
		body string
		want []string
	}{
		{`email = "not-an-email"`, []string{"Invalid email", "email_invalid"}},
		{`email = "Ada <ada@acme.example>"`, []string{"Invalid email", "email_invalid"}},
		{`time_zone = "Mars/Olympus_Mons"`, []string{"Invalid time_zone", "time_zone_invalid"}},
		{`pager_number = "720-555-1200"`, []string{"Invalid pager_number", "phone_number_invalid"}},
		{`mobile_number = "+0123"`, []string{"Invalid mobile_number", "phone_number_invalid"}},
		{`department = ""`, []string{"Attribute department string length must be at least 1"}},
		{`email_change_strategy = "ask"`, []string{"email_change_strategy", "value must be one of"}},
	}
	steps := make([]resource.TestStep, 0, len(cases))
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      sb.ProviderConfig() + acctest.UserConfig("Ada", "Lovelace", c.body),
			PlanOnly:    true,
			ExpectError: errRe(c.want...),
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps:                    steps,
	})
	if n := sb.WriteCount(); n != 0 {
		t.Fatalf("invalid configurations must fail before any write, but %d writes reached the sandbox: %v", n, sb.Metrics())
	}
}

// TestAccUser_apiErrorNamesAttribute: a conflict the backend reports is attached to the attribute.
func TestAccUser_emailInUse(t *testing.T) {
	sb := acctest.Start(t)
	if _, err := sb.Client().CreateUser(acctest.Ctx(), acctest.Enterprise, client.UserInput{
		GroupID: acctest.GroupDenver, FirstName: "Other", LastName: "Person", Email: "taken@acme.example",
	}); err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      sb.ProviderConfig() + acctest.UserConfig("Ada", "Lovelace", `email = "TAKEN@acme.example"`),
			ExpectError: errRe("email_in_use"),
		}},
	})
}

func captureID(name string, dst *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		id, err := acctest.ResourceID(s, name)
		*dst = id
		return err
	}
}

func checkUserAPI(sb *acctest.Sandbox, id *string, f func(*client.User) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		u, err := sb.Client().GetUser(acctest.Ctx(), *id)
		if err != nil {
			return fmt.Errorf("get user %s: %w", *id, err)
		}
		return f(u)
	}
}

func checkUserDestroyed(sb *acctest.Sandbox, id *string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if *id == "" {
			return fmt.Errorf("no user id was captured")
		}
		_, err := sb.Client().GetUser(acctest.Ctx(), *id)
		if err == nil {
			return fmt.Errorf("user %s still exists after destroy", *id)
		}
		if !client.IsNotFound(err) {
			return fmt.Errorf("user %s after destroy: %w", *id, err)
		}
		return nil
	}
}
