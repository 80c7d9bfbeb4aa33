package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ucprov/terraform-provider-ucprov/internal/acctest"
	"github.com/ucprov/terraform-provider-ucprov/internal/client"
)

const numberName = "ucprov_user_number.test"

func numberConfig(sb *acctest.Sandbox, numberBody string) string {
	return sb.ProviderConfig() + acctest.UserConfig("Ada", "Lovelace") + fmt.Sprintf(`
resource "ucprov_user_number" "test" {
  user_id = ucprov_user.test.id
%s
}
`, numberBody)
}

func TestAccUserNumber_basic(t *testing.T) {
	sb := acctest.Start(t)
	var userID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			// The user is gone and both numbers are back in the inventory.
			for _, n := range []string{"+17205551210", "+17205551211"} {
				if err := checkNumberAvailable(sb, n); err != nil {
					return err
				}
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: numberConfig(sb, `
  phone_number = "+17205551210"
  extension    = "1210"
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(numberName, tfjsonpath.New("number_state"), knownvalue.StringExact("active")),
					statecheck.ExpectKnownValue(numberName, tfjsonpath.New("activate"), knownvalue.Bool(true)),
					statecheck.CompareValuePairs(numberName, tfjsonpath.New("user_id"), "ucprov_user.test", tfjsonpath.New("id"), compare.ValuesSame()),
				},
				Check: resource.ComposeTestCheckFunc(
					captureID("ucprov_user.test", &userID),
					func(*terraform.State) error {
						n, err := sb.Client().GetNumber(acctest.Ctx(), userID)
						if err != nil {
							return err
						}
						if n.PhoneNumber != "+17205551210" || n.Extension != "1210" || n.NumberState != "active" {
							return fmt.Errorf("backend number does not match: %+v", n)
						}
						return nil
					},
				),
			},
			{ResourceName: numberName, ImportState: true, ImportStateVerify: true},
			{
				Config: numberConfig(sb, `
  phone_number = "+17205551211"
  extension    = "1211"
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(numberName, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(numberName, tfjsonpath.New("number_state"), knownvalue.StringExact("active")),
				},
				Check: func(*terraform.State) error { return checkNumberAvailable(sb, "+17205551210") },
			},
			{
				Config: numberConfig(sb, `
  phone_number = "+17205551211"
  extension    = "1211"
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				PreConfig: func() {
					if err := sb.Client().DeleteNumber(acctest.Ctx(), userID, client.WriteOptions{}); err != nil {
						t.Fatalf("unassign out of band: %v", err)
					}
				},
				Config: numberConfig(sb, `
  phone_number = "+17205551211"
  extension    = "1211"
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(numberName, plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}

// TestAccUserNumber_kinds: an extension-only user, a number-only user, and a number left inactive.
func TestAccUserNumber_kinds(t *testing.T) {
	sb := acctest.Start(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      numberConfig(sb, `  activate = true`),
				PlanOnly:    true,
				ExpectError: errRe("At least one of these attributes must be configured: [phone_number,extension]"),
			},
			{
				Config: numberConfig(sb, `  extension = "42"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(numberName, tfjsonpath.New("number_state"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue(numberName, tfjsonpath.New("phone_number"), knownvalue.Null()),
				},
			},
			{
				Config: numberConfig(sb, "  phone_number = \"+17205551250\"\n  activate = false\n"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(numberName, tfjsonpath.New("number_state"), knownvalue.StringExact("inactive")),
					statecheck.ExpectKnownValue(numberName, tfjsonpath.New("extension"), knownvalue.Null()),
				},
			},
			{
				// Turning activate on activates the number left inactive, in place.
				Config: numberConfig(sb, `  phone_number = "+17205551250"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(numberName, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(numberName, tfjsonpath.New("number_state"), knownvalue.StringExact("active")),
					},
				},
			},
		},
	})
}

// TestAccUserNumber_conflicts: an extension used by another user, a number of another user and a
// number outside the group's inventory are plan-time errors naming the attribute, the rule and
// the other user, and no write reaches the backend.
func TestAccUserNumber_conflicts(t *testing.T) {
	sb := acctest.Start(t)
	c := sb.Client()
	other, err := c.CreateUser(acctest.Ctx(), acctest.Enterprise, client.UserInput{GroupID: acctest.GroupDenver, FirstName: "Bob", LastName: "Holder"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutNumber(acctest.Ctx(), other.ID, client.NumberInput{PhoneNumber: "+17205551230", Extension: "1300"}, client.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	var writes int64
	mark := func() { writes = sb.WriteCount() }
	unchanged := func() {
		if got := sb.WriteCount(); got != writes {
			t.Errorf("a plan-time error let %d writes reach the sandbox: %v", got-writes, sb.Metrics())
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: sb.ProviderConfig() + acctest.UserConfig("Ada", "Lovelace")},
			{
				PreConfig:   mark,
				Config:      numberConfig(sb, `  extension = "1300"`),
				ExpectError: errRe("Extension already in use", other.ID+" (Bob Holder)", "extension_in_use"),
			},
			{
				PreConfig:   unchanged,
				Config:      numberConfig(sb, `  phone_number = "+17205551230"`),
				ExpectError: errRe("Number already assigned", other.ID+" (Bob Holder)", "number_in_use"),
			},
			{
				PreConfig:   unchanged,
				Config:      numberConfig(sb, `  phone_number = "+33634333200"`),
				ExpectError: errRe("not in the number inventory of group grp_denver", "number_not_in_inventory"),
			},
			{
				PreConfig:   unchanged,
				Config:      numberConfig(sb, `  extension = "1-300"`),
				ExpectError: errRe("Invalid extension", "extension_invalid"),
			},
			{
				PreConfig: unchanged,
				Config:    numberConfig(sb, `  extension = "1301"`),
			},
		},
	})
}

// TestAccUserNumber_swap: swapping the extensions of two users fails at plan time with advice,
// and nothing is half-applied.
func TestAccUserNumber_swap(t *testing.T) {
	sb := acctest.Start(t)
	cfg := func(a, b string) string {
		return sb.ProviderConfig() + fmt.Sprintf(`
resource "ucprov_user" "a" {
  group_id   = %[1]q
  first_name = "Ann"
  last_name  = "A"
}
resource "ucprov_user" "b" {
  group_id   = %[1]q
  first_name = "Ben"
  last_name  = "B"
}
resource "ucprov_user_number" "a" {
  user_id   = ucprov_user.a.id
  extension = %[2]q
}
resource "ucprov_user_number" "b" {
  user_id   = ucprov_user.b.id
  extension = %[3]q
}
`, acctest.GroupDenver, a, b)
	}
	var writes int64
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg("1401", "1402")},
			{
				PreConfig:   func() { writes = sb.WriteCount() },
				Config:      cfg("1402", "1401"),
				ExpectError: errRe("Extension already in use", "swaps the extension of two users"),
			},
			{
				PreConfig: func() {
					if got := sb.WriteCount(); got != writes {
						t.Errorf("the refused swap wrote %d times", got-writes)
					}
				},
				// The documented way: a temporary extension first, then one move per apply.
				Config: cfg("1499", "1402"),
			},
			{Config: cfg("1499", "1401")},
			{Config: cfg("1402", "1401"), ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			}},
		},
	})
}

// TestAccUserNumber_samePlanClaims: two ucprov_user_number resources of one plan that give the
// same extension (or number) to two users of one enterprise fail the plan on the second, before
// anything is written (the backend alone gave it to one and failed the other half-way); the same
// resources planned again (plan, then the apply's re-plan, then a refresh) never conflict with
// themselves.
func TestAccUserNumber_samePlanClaims(t *testing.T) {
	sb := acctest.Start(t)
	cfg := func(a, b, numA, numB string) string {
		numbers := ""
		if a != "" {
			numbers = fmt.Sprintf(`
resource "ucprov_user_number" "a" {
  user_id      = ucprov_user.a.id
  extension    = %[1]q
  phone_number = %[3]q
}
resource "ucprov_user_number" "b" {
  user_id      = ucprov_user.b.id
  extension    = %[2]q
  phone_number = %[4]q
}
`, a, b, numA, numB)
		}
		return sb.ProviderConfig() + fmt.Sprintf(`
resource "ucprov_user" "a" {
  group_id   = %[1]q
  first_name = "Ann"
  last_name  = "A"
}
resource "ucprov_user" "b" {
  group_id   = %[1]q
  first_name = "Ben"
  last_name  = "B"
}
`, acctest.GroupDenver) + numbers
	}
	mark, noWrites := sb.CheckNoWrites()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg("", "", "", "")},
			{
				PreConfig:   mark,
				Config:      cfg("1410", "1410", "+17205551241", "+17205551242"),
				ExpectError: errRe("Extension 1410 is claimed by another resource of this plan", "Both users are in one enterprise"),
			},
			{
				Config:      cfg("1410", "1411", "+17205551241", "+17205551241"),
				ExpectError: errRe("Number +17205551241 is claimed by another resource of this plan"),
			},
			{
				PreConfig: func() {
					if err := noWrites(nil); err != nil {
						t.Error(err)
					}
				},
				Config: cfg("1410", "1411", "+17205551241", "+17205551242"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// One resource moves to a free extension while the other keeps its own: the unchanged
				// resource's claim (planned again) and the new one do not conflict. (A swap is refused
				// by the backend's own check, see TestAccUserNumber_swap.)
				Config: cfg("1412", "1411", "+17205551241", "+17205551242"),
			},
		},
	})
}

func checkNumberAvailable(sb *acctest.Sandbox, number string) error {
	avail := true
	inv, err := sb.Client().ListNumbers(acctest.Ctx(), acctest.Enterprise, client.NumberFilter{PhoneNumber: number, Available: &avail})
	if err != nil {
		return err
	}
	if len(inv) != 1 {
		return fmt.Errorf("number %s is not back in the available inventory: %+v", number, inv)
	}
	return nil
}

// TestAccUserNumber_importBadID: an import id that is not a user id gets an error that says the
// expected form.
func TestAccUserNumber_importBadID(t *testing.T) {
	sb := acctest.Start(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:        numberConfig(sb, `  extension = "42"`),
			ResourceName:  numberName,
			ImportState:   true,
			ImportStateId: "+17205551200",
			ExpectError:   errRe("Invalid import id", "by the id of its user, e.g. usr_0123456789abcdef"),
		}},
	})
}
