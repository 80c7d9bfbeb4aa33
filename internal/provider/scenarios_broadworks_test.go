package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ucprov/terraform-provider-ucprov/internal/acctest"
	"github.com/ucprov/terraform-provider-ucprov/internal/ocip"
	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
	"github.com/ucprov/terraform-provider-ucprov/internal/sandbox"
)

// runBeforeApply is a plan check that runs f between the plan and the apply of the saved plan
// (terraform-plugin-testing applies the plan file it checked): an out-of-band change made while a
// saved plan waits.
type runBeforeApply func()

func (f runBeforeApply) CheckPlan(context.Context, plancheck.CheckPlanRequest, *plancheck.CheckPlanResponse) {
	f()
}

// TestAccBroadWorksProvider_credentials: bad credentials fail at configure with what was refused:
// the OCI-P login's error text, the Webex scope a 403 names.
func TestAccBroadWorksProvider_credentials(t *testing.T) {
	sb := acctest.StartBroadWorks(t)
	if err := sb.AddWebexToken(sandbox.WebexToken{Token: "subscribers-only", Label: "no enterprises scope",
		Scopes: []string{sandbox.ScopeBroadWorksSubscribersRead, sandbox.ScopeBroadWorksSubscribersWrite}}); err != nil {
		t.Fatal(err)
	}
	user := acctest.UserConfig("Ada", "Lovelace")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      sb.BroadWorksConfigAs(acctest.OCIPOverTCP, sandbox.DemoOCIPAdmin, "wrong-password", sandbox.DemoWebexToken) + user,
				PlanOnly:    true,
				ExpectError: errRe("Credentials refused", "broadworks platform", "refused the credentials", "[Error 4962] Invalid password"),
			},
			{
				Config:      sb.BroadWorksConfigAs(acctest.OCIPOverSOAP, sandbox.DemoOCIPAdmin, sandbox.DemoOCIPPassword, "subscribers-only") + user,
				PlanOnly:    true,
				ExpectError: errRe("Credentials refused", "403", sandbox.ScopeBroadWorksEnterprisesRead),
			},
		},
	})
}

// TestAccBroadWorksUser_savedPlanAfterOutOfBandChange: a saved plan (a new last name) applied
// after the department was changed on BroadWorks: the fingerprint no longer matches, nothing is
// written, the error names the attribute changed outside Terraform, and that change survives. The
// next plan shows both differences and applies them.
func TestAccBroadWorksUser_savedPlanAfterOutOfBandChange(t *testing.T) {
	sb := acctest.StartBroadWorks(t)
	cfg := sb.BroadWorksConfig(acctest.OCIPOverSOAP)
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg + acctest.UserConfig("Grace", "Hopper", `department = "Navy"`), Check: captureID(userName, &id)},
			{
				Config: cfg + acctest.UserConfig("Grace", "King", `department = "Navy"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(userName, plancheck.ResourceActionUpdate),
					runBeforeApply(func() {
						sb.BWExec(t, ocip.UserModifyRequest22{UserId: id, Department: ocip.Value(ocip.DepartmentKey{
							EnterpriseDepartmentKey: &ocip.EnterpriseDepartmentKey{ServiceProviderId: acctest.Enterprise, Name: "Marketing"}})})
					}),
				}},
				ExpectError: errRe("Changed outside Terraform", "changed: department", "nothing was written"),
			},
			{
				PreConfig: func() {
					u, err := sb.BWUser(id)
					if err != nil {
						t.Fatal(err)
					}
					if u.LastName != "Hopper" || u.Department == nil || u.Department.EnterpriseDepartmentKey.Name != "Marketing" {
						t.Fatalf("after the refused write: last name %q, department %+v (want Hopper, Marketing kept)", u.LastName, u.Department)
					}
				},
				Config: cfg + acctest.UserConfig("Grace", "King", `department = "Navy"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(userName, tfjsonpath.New("department"), knownvalue.StringExact("Navy")),
				}},
				Check: bwUserCheck(sb, &id, func(u *ocip.UserGetResponse23V2) error {
					if u.LastName != "King" || u.Department.EnterpriseDepartmentKey.Name != "Navy" {
						return fmt.Errorf("not applied: %+v", u)
					}
					return nil
				}),
			},
		},
	})
}

// TestAccBroadWorksUser_passcodeRules: the voicemail passcode and portal password are checked at
// plan time against the rules BroadWorks has for the groups (a group with its own, stricter rules
// here), before anything is written; a passcode that follows them is set.
func TestAccBroadWorksUser_passcodeRules(t *testing.T) {
	sb := acctest.StartBroadWorks(t)
	if err := sb.SetGroupPasscodePolicy(acctest.GroupDenver, rules.PasscodePolicy{MinLength: 8, MaxLength: 12,
		MaxRepeatedDigits: 2, MaxSequenceLength: 3, PasswordMinLength: 12}); err != nil {
		t.Fatal(err)
	}
	cfg := sb.BroadWorksConfig(acctest.OCIPOverSOAP)
	mark, noWrites := sb.CheckNoWrites()
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig:   mark,
				Config:      cfg + acctest.UserConfig("Ada", "Lovelace", `voicemail_passcode = "258036"`),
				PlanOnly:    true,
				ExpectError: errRe("Invalid voicemail_passcode"),
			},
			{
				Config:      cfg + acctest.UserConfig("Ada", "Lovelace", `voicemail_passcode = "25803691"`, `portal_password = "Short-pw1!"`),
				PlanOnly:    true,
				ExpectError: errRe("Invalid portal_password"),
			},
			{
				// Nothing reached the platform's write path during the refused plans.
				PreConfig: func() {
					if err := noWrites(nil); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg + acctest.UserConfig("Ada", "Lovelace", `voicemail_passcode = "25803691"`, `portal_password = "A-much-longer-pw1!"`),
				Check:  captureID(userName, &id),
			},
			{
				// BroadWorks itself applies the group's rules: a passcode set outside Terraform that breaks them is refused.
				PreConfig: func() {
					_, err := ocip.Call[*ocip.SuccessResponse](acctest.Ctx(), sb.OCIP(), ocip.UserPortalPasscodeModifyRequest{UserId: id, NewPasscode: "2580"})
					if ocip.Code(err) != 19004 {
						t.Fatalf("BroadWorks accepted a passcode against the group's rules: %v", err)
					}
				},
				Config:   cfg + acctest.UserConfig("Ada", "Lovelace", `voicemail_passcode = "25803691"`, `portal_password = "A-much-longer-pw1!"`),
				PlanOnly: true,
			},
		},
	})
}

// TestAccBroadWorksUser_emailChangeWithIMP: with Integrated IMP on, email_change_strategy =
// "cycle_imp" turns IMP off, changes the email and turns IMP on again in one apply; with "fail"
// the change is refused with the rule imp_enabled.
func TestAccBroadWorksUser_emailChangeWithIMP(t *testing.T) {
	sb := acctest.StartBroadWorks(t)
	cfg := func(email, strategy string) string {
		return sb.BroadWorksConfig(acctest.OCIPOverTCP) + acctest.UserConfig("Ada", "Lovelace",
			fmt.Sprintf("email = %q", email), fmt.Sprintf("email_change_strategy = %q", strategy)) + `
resource "ucprov_imp_setting" "test" {
  user_id = ucprov_user.test.id
  enabled = true
}
`
	}
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg("ada@acme.example", "cycle_imp"), Check: captureID(userName, &id)},
			{
				Config: cfg("ada.lovelace@acme.example", "cycle_imp"),
				Check: resource.ComposeTestCheckFunc(
					bwUserCheck(sb, &id, func(u *ocip.UserGetResponse23V2) error {
						if u.EmailAddress == nil || *u.EmailAddress != "ada.lovelace@acme.example" {
							return fmt.Errorf("email on BroadWorks: %v", u.EmailAddress)
						}
						return nil
					}),
					func(*terraform.State) error {
						r, err := ocip.Call[*ocip.UserIntegratedIMPGetResponse21sp1](acctest.Ctx(), sb.OCIP(), ocip.UserIntegratedIMPGetRequest21sp1{UserId: id})
						if err != nil || !r.IsActive {
							return fmt.Errorf("Integrated IMP after the email change: %+v (%w)", r, err)
						}
						return nil
					},
				),
			},
			{Config: cfg("ada.lovelace@acme.example", "cycle_imp"), PlanOnly: true},
			{
				Config:      cfg("countess@acme.example", "fail"),
				ExpectError: errRe("Email cannot change while IM&P is enabled"),
			},
		},
	})
}

// TestAccBroadWorksUser_resetOnDestroy: deletion_policy = "reset" is the Spectrum Reset User: the
// user stays as "Available User" with its number, extension and address; email cleared, Webex
// subscriber removed, Integrated IMP and call forwarding off.
func TestAccBroadWorksUser_resetOnDestroy(t *testing.T) {
	sb := acctest.StartBroadWorks(t)
	cfg := sb.BroadWorksConfig(acctest.OCIPOverSOAP) + acctest.UserConfig("Ada", "Lovelace",
		`email = "ada@acme.example"`, `deletion_policy = "reset"`)
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			u, err := sb.BWUser(id)
			if err != nil {
				return fmt.Errorf("the reset user is gone: %w", err)
			}
			if u.FirstName != "Available" || u.LastName != "User" || u.EmailAddress != nil {
				return fmt.Errorf("not reset: %s %s %v", u.FirstName, u.LastName, u.EmailAddress)
			}
			if u.PhoneNumber == nil || *u.PhoneNumber != "7205551220" || u.Extension == nil || *u.Extension != "1220" || u.Address == nil {
				return fmt.Errorf("number, extension or address not kept: %v %v %v", u.PhoneNumber, u.Extension, u.Address)
			}
			imp, err := ocip.Call[*ocip.UserIntegratedIMPGetResponse21sp1](acctest.Ctx(), sb.OCIP(), ocip.UserIntegratedIMPGetRequest21sp1{UserId: id})
			if err != nil || imp.IsActive {
				return fmt.Errorf("Integrated IMP after reset: %+v (%w)", imp, err)
			}
			cf, err := ocip.Call[*ocip.UserCallForwardingAlwaysGetResponse](acctest.Ctx(), sb.OCIP(), ocip.UserCallForwardingAlwaysGetRequest{UserId: id})
			if err != nil || cf.IsActive {
				return fmt.Errorf("call forwarding after reset: %+v (%w)", cf, err)
			}
			subs, err := ocip.Call[*ocip.UserGetListInGroupResponse](acctest.Ctx(), sb.OCIP(), ocip.UserGetListInGroupRequest{
				ServiceProviderId: acctest.Enterprise, GroupId: acctest.GroupDenver})
			if err != nil || subs.UserTable.Len() == 0 {
				return fmt.Errorf("user list after reset: %w", err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check: resource.ComposeTestCheckFunc(captureID(userName, &id), func(*terraform.State) error {
					// Set up on BroadWorks what the reset must undo or keep.
					on := true
					sb.BWExec(t,
						ocip.UserModifyRequest22{UserId: id, PhoneNumber: ocip.Value("+17205551220"), Extension: ocip.Value("1220"),
							Address: &ocip.StreetAddress{AddressLine1: ocip.Value("1600 Broadway"), City: ocip.Value("Denver"),
								StateOrProvince: ocip.Value("CO"), ZipOrPostalCode: ocip.Value("80202"), Country: ocip.Value("US")}},
						ocip.UserServiceAssignListRequest{UserId: id, ServiceName: []string{"Integrated IMP"}},
						ocip.UserIntegratedIMPModifyRequest{UserId: id, IsActive: &on},
						ocip.UserCallForwardingAlwaysModifyRequest{UserId: id, IsActive: &on, ForwardToPhoneNumber: ocip.Value("+17205550100")})
					return nil
				}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userName, tfjsonpath.New("deletion_policy"), knownvalue.StringExact("reset")),
				},
			},
		},
	})
}

// TestAccBroadWorksPerUserResources_enterpriseNotVisible (security review, finding 1, on
// broadworks): per-user resources of a user in ent_globex, created with the system administrator's
// OCI-P login, are not taken for deleted when the login changes to ent_acme's administrator (who
// cannot see ent_globex): the refresh fails naming the enterprise, the state keeps every resource.
func TestAccBroadWorksPerUserResources_enterpriseNotVisible(t *testing.T) {
	sb := acctest.StartBroadWorks(t)
	const kenji = "kenji@ent_globex.invalid"
	sb.BWExec(t, ocip.UserAddRequest22V2{ServiceProviderId: "ent_globex", GroupId: acctest.GroupTokyo, UserId: kenji,
		LastName: "Sato", FirstName: "Kenji", CallingLineIdLastName: "Sato", CallingLineIdFirstName: "Kenji",
		EmailAddress: ocip.Ptr("kenji.sato@globex.example")})
	cfg := func(user, password string) string {
		return sb.BroadWorksConfigAs(acctest.OCIPOverSOAP, user, password, sandbox.DemoWebexToken) + fmt.Sprintf(`
resource "ucprov_call_forwarding" "test" {
  user_id = %[1]q
  busy = {
    enabled     = true
    destination = "+81345550199"
  }
}
resource "ucprov_imp_setting" "test" {
  user_id = %[1]q
  enabled = true
}
resource "ucprov_user_number" "test" {
  user_id      = %[1]q
  phone_number = "+81345550110"
  extension    = "4110"
}
resource "ucprov_activation" "test" {
  user_id    = %[1]q
  depends_on = [ucprov_imp_setting.test]
}
`, kenji)
	}
	system := cfg(sandbox.DemoOCIPSystemAdmin, sandbox.DemoOCIPSystemPassword)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: system},
			{
				Config:      cfg(sandbox.DemoOCIPAdmin, sandbox.DemoOCIPPassword),
				PlanOnly:    true,
				ExpectError: errRe("Enterprise not visible", "ent_globex"),
			},
			{
				Config:           system,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr("ucprov_call_forwarding.test", "user_id", kenji),
					resource.TestCheckResourceAttr("ucprov_imp_setting.test", "user_id", kenji),
					resource.TestCheckResourceAttr("ucprov_user_number.test", "user_id", kenji),
					resource.TestCheckResourceAttr("ucprov_activation.test", "user_id", kenji),
				),
			},
		},
	})
}

// TestAccBroadWorksUser_passcodeRulesOfOwnGroup: the plan checks a passcode with the rules of the
// user's own group: a stricter group elsewhere in the enterprise (Paris, 8 digits at least) does
// not refuse a 6-digit passcode in Denver, whose rules allow it.
func TestAccBroadWorksUser_passcodeRulesOfOwnGroup(t *testing.T) {
	sb := acctest.StartBroadWorks(t)
	if err := sb.SetGroupPasscodePolicy(acctest.GroupParis, rules.PasscodePolicy{MinLength: 8, MaxLength: 12,
		MaxRepeatedDigits: 2, MaxSequenceLength: 3, PasswordMinLength: 12}); err != nil {
		t.Fatal(err)
	}
	cfg := sb.BroadWorksConfig(acctest.OCIPOverSOAP)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:             cfg + acctest.UserConfig("Ada", "Lovelace", `voicemail_passcode = "258036"`),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}
