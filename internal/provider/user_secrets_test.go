package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/ucprov/terraform-provider-ucprov/internal/acctest"
	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

const (
	routePasscode = "PUT /v1/users/{usr}/voicemail/passcode"
	routePassword = "PUT /v1/users/{usr}/portal-password"
)

// secretsConfig is a user "Ada Lovelace" <countess@acme.example> with number +17205551240 and
// extension 4321, and the given secret attributes.
func secretsConfig(sb *acctest.Sandbox, secrets string) string {
	return sb.ProviderConfig() + acctest.UserConfig("Ada", "Lovelace", `email = "countess@acme.example"`, strings.TrimSpace(secrets)) + `
resource "ucprov_user_number" "test" {
  user_id      = ucprov_user.test.id
  phone_number = "+17205551240"
  extension    = "4321"
}
`
}

func passcode(p string) string { return fmt.Sprintf("  voicemail_passcode = %q\n", p) }
func password(p string) string { return fmt.Sprintf("  portal_password = %q\n", p) }

// TestAccUser_passcodeAndPasswordRules: every passcode and password rule fails `terraform plan`
// naming the attribute and the rule, before any write; boundary values pass; an unchanged value
// writes nothing.
func TestAccUser_passcodeAndPasswordRules(t *testing.T) {
	sb := acctest.Start(t)
	var writes int64
	mark := func() { writes = sb.WriteCount() }
	noWrite := func() {
		if got := sb.WriteCount(); got != writes {
			t.Errorf("a refused passcode or password let %d writes reach the sandbox: %v", got-writes, sb.Metrics())
		}
	}
	const current = "135790"
	refused := []struct {
		secrets string
		want    []string
	}{
		{passcode("13579"), []string{"Invalid voicemail_passcode", "passcode_length"}},            // 5 digits
		{passcode("13579024681"), []string{"Invalid voicemail_passcode", "passcode_length"}},      // 11 digits
		{passcode("13579a"), []string{"Invalid voicemail_passcode", "passcode_not_digits"}},       // a letter
		{passcode("1555555"), []string{"Invalid voicemail_passcode", "passcode_repeated_digits"}}, // 6 fives
		{passcode("812345"), []string{"Invalid voicemail_passcode", "passcode_sequence"}},         // 5 ascending
		{passcode("865432"), []string{"Invalid voicemail_passcode", "passcode_sequence"}},         // 5 descending
		{passcode("7205551240"), []string{"Invalid voicemail_passcode", "passcode_is_user_number"}},
		{passcode("0421555027"), []string{"Invalid voicemail_passcode", "passcode_is_reversed_user_number"}},
		{passcode("097531"), []string{"Invalid voicemail_passcode", "passcode_reversed_reused"}},
		{password("weakpassword"), []string{"Invalid portal_password", "password_weak"}},
		{password("Ab1!x"), []string{"Invalid portal_password", "password_weak"}}, // 5 characters
		{password("my-Lovelace-1"), []string{"Invalid portal_password", "password_contains_name"}},
		{password("COUNTESS#2024x"), []string{"Invalid portal_password", "password_contains_name"}},
	}
	steps := []resource.TestStep{{
		Config: secretsConfig(sb, passcode(current)+password("Str0ng!pass")),
		Check: func(*terraform.State) error {
			m := sb.Metrics()
			if m[routePasscode] != 1 || m[routePassword] != 1 {
				return fmt.Errorf("expected one passcode and one password write, metrics: %v", m)
			}
			return nil
		},
	}}
	for i, c := range refused {
		step := resource.TestStep{
			PreConfig:   noWrite,
			Config:      secretsConfig(sb, c.secrets),
			PlanOnly:    true,
			ExpectError: errRe(c.want...),
		}
		if i == 0 {
			step.PreConfig = mark
		}
		steps = append(steps, step)
	}
	steps = append(steps,
		resource.TestStep{
			// Boundaries that pass: five equal digits, four ascending digits.
			PreConfig: noWrite,
			Config:    secretsConfig(sb, passcode("155555")+password("Str0ng!pass")),
			Check: func(*terraform.State) error {
				if n := sb.Metrics()[routePasscode]; n != 2 {
					return fmt.Errorf("expected a second passcode write, got %d", n)
				}
				return nil
			},
		},
		resource.TestStep{
			Config: secretsConfig(sb, passcode("123490")+password("Str0ng!pass")),
		},
		resource.TestStep{
			// Unchanged: an empty plan, and nothing written.
			PreConfig:        mark,
			Config:           secretsConfig(sb, passcode("123490")+password("Str0ng!pass")),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			Check: func(*terraform.State) error {
				if got := sb.WriteCount(); got != writes {
					return fmt.Errorf("an unchanged passcode wrote %d times", got-writes)
				}
				return nil
			},
		},
		resource.TestStep{
			// The enterprise tightens its rules: the provider enforces them at plan time.
			PreConfig: func() {
				pol := rules.DefaultPasscodePolicy()
				pol.MinLength = 8
				if err := sb.SetPasscodePolicy(acctest.Enterprise, pol); err != nil {
					t.Fatal(err)
				}
				mark()
			},
			Config:      secretsConfig(sb, passcode("246813")+password("Str0ng!pass")),
			PlanOnly:    true,
			ExpectError: errRe("Invalid voicemail_passcode", "8 to 10 digits", "passcode_length"),
		},
		resource.TestStep{
			PreConfig: noWrite,
			Config:    secretsConfig(sb, passcode("24681357")+password("Str0ng!pass")),
		},
	)
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: acctest.ProviderFactories, Steps: steps})
}

// TestAccUserWriteOnly_passcode: the write-only variants (Terraform 1.11+ / OpenTofu). The
// passcode never reaches state; a bumped version sends it again; the previous passcode (and its
// reverse) is refused by the backend at apply time, since nothing derived from it is kept.
func TestAccUserWriteOnly_passcode(t *testing.T) {
	sb := acctest.Start(t)
	wo := func(p string, version int, pw string, pwVersion int) string {
		return fmt.Sprintf("  voicemail_passcode_wo = %q\n  voicemail_passcode_wo_version = %d\n  portal_password_wo = %q\n  portal_password_wo_version = %d\n", p, version, pw, pwVersion)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps: []resource.TestStep{
			{
				// The stored and the write-only variant exclude each other.
				Config:      secretsConfig(sb, passcode("246813")+wo("246813", 1, "Str0ng!pass", 1)),
				PlanOnly:    true,
				ExpectError: errRe("Invalid Attribute Combination", "cannot be specified when"),
			},
			{
				Config: secretsConfig(sb, wo("135790", 1, "Str0ng!pass", 1)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("ucprov_user.test", tfjsonpath.New("voicemail_passcode_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue("ucprov_user.test", tfjsonpath.New("portal_password_wo"), knownvalue.Null()),
					statecheck.ExpectKnownValue("ucprov_user.test", tfjsonpath.New("voicemail_passcode_wo_version"), knownvalue.Int64Exact(1)),
				},
			},
			{
				// Same version: nothing to send, even with another value.
				Config:           secretsConfig(sb, wo("246813", 1, "Str0ng!pass", 1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// Nothing derived from a write-only passcode is kept, so the plan cannot know the last
				// one: the backend refuses it at apply time, on the attribute.
				Config:      secretsConfig(sb, wo("135790", 2, "Str0ng!pass", 1)),
				ExpectError: errRe("voicemail_passcode_wo", "passcode_reused"),
			},
			{
				Config:      secretsConfig(sb, wo("097531", 2, "Str0ng!pass", 1)),
				ExpectError: errRe("voicemail_passcode_wo", "passcode_reversed_reused"),
			},
			{
				Config:      secretsConfig(sb, wo("246813", 2, "weak", 2)),
				PlanOnly:    true,
				ExpectError: errRe("Invalid portal_password_wo", "password_weak"),
			},
			{
				Config: secretsConfig(sb, wo("246813", 2, "Str0ng!pass", 1)),
				Check: func(*terraform.State) error {
					// The first, the two refused by the backend, and this one.
					if n := sb.Metrics()[routePasscode]; n != 4 {
						return fmt.Errorf("expected 4 passcode requests, got %d", n)
					}
					return nil
				},
			},
		},
	})
}

// TestAccUserWriteOnly_importKeepsSecrets: after `terraform state rm` (a removed block that does
// not destroy) and an import, the configured write-only passcode and password versions are taken
// as the current ones: the apply sends nothing (before, every apply failed with passcode_reused)
// and records the versions; the next plan is empty; a bumped version sends again.
func TestAccUserWriteOnly_importKeepsSecrets(t *testing.T) {
	sb := acctest.Start(t)
	user := func(passcode string, version int, password string, pwVersion int) string {
		return acctest.UserConfig("Ada", "Lovelace", `email = "countess@acme.example"`,
			fmt.Sprintf("voicemail_passcode_wo = %q", passcode), fmt.Sprintf("voicemail_passcode_wo_version = %d", version),
			fmt.Sprintf("portal_password_wo = %q", password), fmt.Sprintf("portal_password_wo_version = %d", pwVersion))
	}
	writes := func(passcodes, passwords int) resource.TestCheckFunc {
		return func(*terraform.State) error {
			m := sb.Metrics()
			if m[routePasscode] != int64(passcodes) || m[routePassword] != int64(passwords) {
				return fmt.Errorf("want %d passcode and %d password writes, metrics: %v", passcodes, passwords, m)
			}
			return nil
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		// Write-only attributes need Terraform 1.11; removed and import blocks need 1.7 and 1.5.
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps: []resource.TestStep{
			{
				Config: sb.ProviderConfig() + user("135790", 1, "Str0ng!pass", 1),
				Check:  writes(1, 1),
			},
			{
				// terraform state rm: the user stays on the platform.
				Config: sb.ProviderConfig() + `
removed {
  from = ucprov_user.test
  lifecycle {
    destroy = false
  }
}
`,
				Check: writes(1, 1),
			},
			{
				Config: sb.ProviderConfig() + `
import {
  to = ucprov_user.test
  id = "countess@acme.example"
}
` + user("135790", 1, "Str0ng!pass", 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("ucprov_user.test", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("ucprov_user.test", tfjsonpath.New("voicemail_passcode_wo_version"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue("ucprov_user.test", tfjsonpath.New("portal_password_wo_version"), knownvalue.Int64Exact(1)),
				},
				Check: writes(1, 1),
			},
			{
				Config:           sb.ProviderConfig() + user("135790", 1, "Str0ng!pass", 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// After the first apply the import mark is gone: a bumped version sends again.
				Config: sb.ProviderConfig() + user("246813", 2, "0ther!Pass", 2),
				Check:  writes(2, 2),
			},
		},
	})
}
