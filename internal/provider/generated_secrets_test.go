package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ucprov/terraform-provider-ucprov/internal/acctest"
	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

func generatedPasscodeConfig(sb *acctest.Sandbox, ent, rotated string) string {
	return sb.ProviderConfig() + fmt.Sprintf(`
locals {
  number    = "+17205551240"
  extension = "1240"
}

resource "ucprov_generated_passcode" "test" {
  enterprise_id = %q
  avoid         = [local.number, local.extension]
  keepers = {
    rotated = %q
  }
}
`, ent, rotated) + acctest.UserConfig("Ada", "Lovelace", "voicemail_passcode = ucprov_generated_passcode.test.result") + `
resource "ucprov_user_number" "test" {
  user_id      = ucprov_user.test.id
  phone_number = local.number
  extension    = local.extension
}
`
}

// generatedValue reads the result of a resource in state and checks it with ok.
func generatedValue(name string, ok func(string) error) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, found := s.RootModule().Resources[name]
		if !found {
			return fmt.Errorf("%s not in state", name)
		}
		return ok(rs.Primary.Attributes["result"])
	}
}

// TestAccGeneratedPasscode: the passcode satisfies the enterprise's policy and avoids the user's
// number and extension, so the user that uses it applies (the sandbox checks the rules again);
// an unchanged config plans nothing; a keepers change draws a new one and updates the user; an
// enterprise the token cannot see fails at plan time.
func TestAccGeneratedPasscode(t *testing.T) {
	sb := acctest.Start(t)
	const name = "ucprov_generated_passcode.test"
	resultChanges := statecheck.CompareValue(compare.ValuesDiffer()) // a keepers change draws a new passcode
	valid := func(p string) error {
		if !regexp.MustCompile(`^[0-9]{8}$`).MatchString(p) {
			return fmt.Errorf("passcode %q is not 8 digits", p)
		}
		if !rules.PasscodeAvoids(p, rules.DefaultPasscodePolicy(), []string{"+17205551240", "1240"}) {
			return fmt.Errorf("passcode %q breaks the rules or matches the user's number", p)
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      generatedPasscodeConfig(sb, "ent_nope", "1"),
				PlanOnly:    true,
				ExpectError: errRe("Unknown enterprise", `enterprise_id = "ent_nope" is not an enterprise this provider's token can see`),
			},
			{
				Config: generatedPasscodeConfig(sb, acctest.Enterprise, "1"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectSensitiveValue(name, tfjsonpath.New("result")),
					statecheck.ExpectKnownValue(name, tfjsonpath.New("enterprise_id"), knownvalue.StringExact(acctest.Enterprise)),
					resultChanges.AddStateValue(name, tfjsonpath.New("result")),
				},
				Check: generatedValue(name, valid),
			},
			{
				Config: generatedPasscodeConfig(sb, acctest.Enterprise, "1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				Config: generatedPasscodeConfig(sb, acctest.Enterprise, "2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(name, plancheck.ResourceActionReplace),
						plancheck.ExpectResourceAction("ucprov_user.test", plancheck.ResourceActionUpdate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{resultChanges.AddStateValue(name, tfjsonpath.New("result"))},
				Check:             generatedValue(name, valid),
			},
		},
	})
}

// TestAccGeneratedPasscode_avoidChange: a user who moves to another number keeps the generated
// passcode (avoid changes, the passcode still avoids the new values): the passcode is updated in
// place, not drawn again, and the user's passcode is not written again.
func TestAccGeneratedPasscode_avoidChange(t *testing.T) {
	sb := acctest.Start(t)
	const name = "ucprov_generated_passcode.test"
	same := statecheck.CompareValue(compare.ValuesSame())
	cfg := func(number, ext string) string {
		return sb.ProviderConfig() + fmt.Sprintf(`
resource "ucprov_generated_passcode" "test" {
  avoid = [%[1]q, %[2]q]
}
`, number, ext) + acctest.UserConfig("Ada", "Lovelace", "voicemail_passcode = ucprov_generated_passcode.test.result") + fmt.Sprintf(`
resource "ucprov_user_number" "test" {
  user_id      = ucprov_user.test.id
  phone_number = %[1]q
  extension    = %[2]q
}
`, number, ext)
	}
	passcodeWrites := func(want int64) resource.TestCheckFunc {
		return func(*terraform.State) error {
			if n := sb.Metrics()[routePasscode]; n != want {
				return fmt.Errorf("want %d passcode writes, got %d", want, n)
			}
			return nil
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            cfg("+17205551240", "1240"),
				ConfigStateChecks: []statecheck.StateCheck{same.AddStateValue(name, tfjsonpath.New("result"))},
				Check:             passcodeWrites(1),
			},
			{
				Config: cfg("+17205551243", "1243"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(name, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("ucprov_user.test", plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{same.AddStateValue(name, tfjsonpath.New("result"))},
				Check:             passcodeWrites(1),
			},
		},
	})
}

// TestAccGeneratedPassword: the password passes the password rules and contains none of the
// user's names, so the user that uses it applies (the sandbox refuses weak passwords and names);
// length is honoured; a keepers change draws a new one.
func TestAccGeneratedPassword(t *testing.T) {
	sb := acctest.Start(t)
	const name = "ucprov_generated_password.test"
	config := func(rotated string) string {
		return sb.ProviderConfig() + fmt.Sprintf(`
resource "ucprov_generated_password" "test" {
  avoid  = ["Grace", "Hopper", "grace.hopper"]
  length = 20
  keepers = {
    rotated = %q
  }
}
`, rotated) + acctest.UserConfig("Grace", "Hopper", `email = "grace.hopper@acme.example"`, "portal_password = ucprov_generated_password.test.result")
	}
	resultChanges := statecheck.CompareValue(compare.ValuesDiffer()) // a keepers change draws a new password
	valid := func(pw string) error {
		if len(pw) != 20 {
			return fmt.Errorf("password of %d characters, want 20", len(pw))
		}
		if vs := rules.CheckPassword(pw, rules.DefaultPasscodePolicy(), rules.PasswordFacts{
			FirstName: "Grace", LastName: "Hopper", Email: "grace.hopper@acme.example"}); vs != nil {
			return fmt.Errorf("password breaks %v", vs)
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      sb.ProviderConfig() + "resource \"ucprov_generated_password\" \"short\" {\n  length = 4\n}\n",
				PlanOnly:    true,
				ExpectError: errRe("length", "between 8 and 128"),
			},
			{
				Config: config("1"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectSensitiveValue(name, tfjsonpath.New("result")),
					statecheck.ExpectKnownValue(name, tfjsonpath.New("length"), knownvalue.Int64Exact(20)),
					resultChanges.AddStateValue(name, tfjsonpath.New("result")),
				},
				Check: generatedValue(name, valid),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				Config: config("2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(name, plancheck.ResourceActionReplace)},
				},
				ConfigStateChecks: []statecheck.StateCheck{resultChanges.AddStateValue(name, tfjsonpath.New("result"))},
				Check:             generatedValue(name, valid),
			},
		},
	})
}
