package provider_test

import (
	"fmt"
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

// TestAccUser_planChecks: an email another user holds (any case), a group that is not the
// enterprise's and an enterprise the token cannot see all fail the plan naming the holder or the
// id, before any write.
func TestAccUser_planChecks(t *testing.T) {
	sb := acctest.Start(t)
	holder, err := sb.Client().CreateUser(acctest.Ctx(), acctest.Enterprise, client.UserInput{
		GroupID: acctest.GroupDenver, FirstName: "Other", LastName: "Person", Email: "taken@acme.example",
	})
	if err != nil {
		t.Fatal(err)
	}
	sb.ResetMetrics()
	user := func(attrs string) string {
		return sb.ProviderConfig() + "resource \"ucprov_user\" \"test\" {\n  first_name = \"Ada\"\n  last_name = \"Lovelace\"\n" + attrs + "}\n"
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:   user(fmt.Sprintf("  group_id = %q\n  email = \"TAKEN@Acme.example\"\n", acctest.GroupDenver)),
				PlanOnly: true,
				ExpectError: errRe("Email already in use", "TAKEN@Acme.example already belongs to user "+holder.ID+" (Other Person)",
					"email_in_use", "import {", fmt.Sprintf("id = %q", holder.ID)),
			},
			{
				Config:   user("  group_id = \"grp_nope\"\n"),
				PlanOnly: true,
				ExpectError: errRe("Unknown group", `group_id = "grp_nope" is not a group of enterprise ent_acme`,
					"the data source ucprov_groups lists the enterprise's groups and their ids"),
			},
			{
				Config:      user(fmt.Sprintf("  group_id = %q\n", acctest.GroupTokyo)),
				PlanOnly:    true,
				ExpectError: errRe("Unknown group", `group_id = "grp_tokyo" is not a group of enterprise ent_acme`),
			},
			{
				Config:      user(fmt.Sprintf("  group_id = %q\n  enterprise_id = \"ent_nope\"\n", acctest.GroupDenver)),
				PlanOnly:    true,
				ExpectError: errRe("Unknown enterprise", `enterprise_id = "ent_nope" is not an enterprise this provider's token can see`),
			},
		},
	})
	if n := sb.WriteCount(); n != 0 {
		t.Fatalf("plan-time checks must fail before any write, %d writes reached the sandbox: %v", n, sb.Metrics())
	}
}

// TestAccUser_importByEmail: an existing user is adopted with an import block by its email (in
// another case), and then plans nothing; an unknown email is a clear error.
func TestAccUser_importByEmail(t *testing.T) {
	sb := acctest.Start(t)
	u, err := sb.Client().CreateUser(acctest.Ctx(), acctest.Enterprise, client.UserInput{
		GroupID: acctest.GroupDenver, FirstName: "Ada", LastName: "Lovelace", Email: "ada@acme.example",
	})
	if err != nil {
		t.Fatal(err)
	}
	config := func(id string) string {
		return sb.ProviderConfig() + fmt.Sprintf(`
import {
  to = ucprov_user.test
  id = %q
}
`, id) + acctest.UserConfig("Ada", "Lovelace", `email = "ada@acme.example"`)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      config("nobody@acme.example"),
				ExpectError: errRe("User not found", `No user with email "nobody@acme.example" in enterprise(s) ent_acme`),
			},
			{
				Config: config("ADA@acme.example"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("ucprov_user.test", plancheck.ResourceActionNoop)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("ucprov_user.test", tfjsonpath.New("id"), knownvalue.StringExact(u.ID)),
				},
			},
		},
	})
}

// TestAccUserNumber_heldByOther: the number's user is created in the same apply (unknown id): the
// plan only warns (see TestWarnHeldForNewUser), and the apply fails on the backend's rule with
// the holder named; nothing half-applied stays unknown to the state.
func TestAccUserNumber_heldByOther(t *testing.T) {
	sb := acctest.Start(t)
	c := sb.Client()
	holder, err := c.CreateUser(acctest.Ctx(), acctest.Enterprise, client.UserInput{GroupID: acctest.GroupDenver, FirstName: "Holds", LastName: "It"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutNumber(acctest.Ctx(), holder.ID, client.NumberInput{Extension: "1251"}, client.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: sb.ProviderConfig() + acctest.UserConfig("Ada", "Lovelace") + `
resource "ucprov_user_number" "test" {
  user_id   = ucprov_user.test.id
  extension = "1251"
}
`,
			ExpectError: errRe("extension_in_use"),
		}},
	})
}

// TestAccAvailableNumbers_unknownGroup: a mistyped or foreign group is an error naming the id,
// not an empty list that surfaces as "Invalid index".
func TestAccAvailableNumbers_unknownGroup(t *testing.T) {
	sb := acctest.Start(t)
	ds := func(attrs string) string {
		return sb.ProviderConfig() + "data \"ucprov_available_numbers\" \"x\" {\n" + attrs + "}\n" +
			"output \"first\" {\n  value = data.ucprov_available_numbers.x.numbers[0]\n}\n"
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      ds("  group_id = \"grp_denvr\"\n"),
				ExpectError: errRe("Unknown group", `group_id = "grp_denvr" is not a group of enterprise ent_acme`),
			},
			{
				Config:      ds(fmt.Sprintf("  group_id = %q\n", acctest.GroupTokyo)),
				ExpectError: errRe("Unknown group", `group_id = "grp_tokyo" is not a group of enterprise ent_acme`),
			},
			{
				Config:      ds("  group_id = \"grp_denver\"\n  enterprise_id = \"ent_nope\"\n"),
				ExpectError: errRe("Unknown enterprise", `enterprise_id = "ent_nope"`),
			},
		},
	})
}

// TestAccUser_lostCreateAdopted: a user that an earlier apply created without learning it (the
// backend committed the POST, the answer was lost and the retries ran out: no state) has exactly
// the email, names and group of the configuration. The plan does not take it for another user's,
// and the apply adopts it and sets the rest (department) instead of failing on email_in_use or
// creating a second user.
func TestAccUser_lostCreateAdopted(t *testing.T) {
	sb := acctest.Start(t)
	lost, err := sb.Client().CreateUser(acctest.Ctx(), acctest.Enterprise, client.UserInput{
		GroupID: acctest.GroupDenver, FirstName: "Ada", LastName: "Lovelace", Email: "ada.lost@acme.example",
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg := sb.ProviderConfig() + acctest.UserConfig("Ada", "Lovelace", `email = "ada.lost@acme.example"`, `department = "Research"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("ucprov_user.test", tfjsonpath.New("id"), knownvalue.StringExact(lost.ID)),
					statecheck.ExpectKnownValue("ucprov_user.test", tfjsonpath.New("department"), knownvalue.StringExact("Research")),
				},
				Check: func(*terraform.State) error {
					users, err := sb.Client().ListUsers(acctest.Ctx(), acctest.Enterprise, client.UserFilter{Email: "ada.lost@acme.example"})
					if err != nil {
						return err
					}
					if len(users) != 1 || users[0].Department != "Research" {
						return fmt.Errorf("users with the email: %+v, want the one adopted, with department Research", users)
					}
					return nil
				},
			},
			{Config: cfg, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
}
