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
	"github.com/ucprov/terraform-provider-ucprov/internal/ocip"
)

// bwUserDestroyed checks that BroadWorks user *id is gone.
func bwUserDestroyed(sb *acctest.Sandbox, id *string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if *id == "" {
			return nil
		}
		_, err := sb.BWUser(*id)
		if ocip.Code(err) != ocip.CodeUserNotFound {
			return fmt.Errorf("user %s still on BroadWorks after destroy (err %w)", *id, err)
		}
		return nil
	}
}

// bwUserCheck reads BroadWorks user *id outside Terraform and applies check.
func bwUserCheck(sb *acctest.Sandbox, id *string, check func(*ocip.UserGetResponse23V2) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		u, err := sb.BWUser(*id)
		if err != nil {
			return err
		}
		return check(u)
	}
}

// TestAccBroadWorksUser_basic: create (derived user id), import by id and by email, update,
// no-change plan, removal of the optional fields, over OCI-P SOAP.
func TestAccBroadWorksUser_basic(t *testing.T) {
	sb := acctest.StartBroadWorks(t)
	cfg := sb.BroadWorksConfig(acctest.OCIPOverSOAP)
	var id string
	updated := cfg + acctest.UserConfig("Ada", "King",
		`email = "ada@acme.example"`,
		`time_zone = "Europe/Paris"`,
		`mobile_number = "+17205550199"`,
		`calling_line_id_first_name = "Countess"`,
	)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             bwUserDestroyed(sb, &id),
		Steps: []resource.TestStep{
			{
				Config: cfg + acctest.UserConfig("Ada", "Lovelace",
					`email = "ada@acme.example"`,
					`department = "Engineering"`,
					`time_zone = "America/New_York"`,
					`pager_number = "+17205550101"`,
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userName, tfjsonpath.New("id"), knownvalue.StringExact("ada@ent_acme.invalid")),
					statecheck.ExpectKnownValue(userName, tfjsonpath.New("enterprise_id"), knownvalue.StringExact(acctest.Enterprise)),
					statecheck.ExpectKnownValue(userName, tfjsonpath.New("calling_line_id_first_name"), knownvalue.StringExact("Ada")),
					statecheck.ExpectKnownValue(userName, tfjsonpath.New("department"), knownvalue.StringExact("Engineering")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					captureID(userName, &id),
					bwUserCheck(sb, &id, func(u *ocip.UserGetResponse23V2) error {
						if u.FirstName != "Ada" || u.GroupId != acctest.GroupDenver || u.TimeZone != "America/New_York" ||
							u.EmailAddress == nil || *u.EmailAddress != "ada@acme.example" {
							return fmt.Errorf("BroadWorks user does not match the configuration: %+v", u)
						}
						return nil
					}),
				),
			},
			{ResourceName: userName, ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"email_change_strategy", "deletion_policy"}},
			{ResourceName: userName, ImportState: true, ImportStateId: "ADA@acme.example", ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"email_change_strategy", "deletion_policy"}},
			{
				Config: updated,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(userName, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userName, tfjsonpath.New("last_name"), knownvalue.StringExact("King")),
					statecheck.ExpectKnownValue(userName, tfjsonpath.New("calling_line_id_last_name"), knownvalue.StringExact("King")),
					statecheck.ExpectKnownValue(userName, tfjsonpath.New("calling_line_id_first_name"), knownvalue.StringExact("Countess")),
					statecheck.ExpectKnownValue(userName, tfjsonpath.New("department"), knownvalue.Null()),
					statecheck.ExpectKnownValue(userName, tfjsonpath.New("pager_number"), knownvalue.Null()),
				},
				Check: bwUserCheck(sb, &id, func(u *ocip.UserGetResponse23V2) error {
					if u.Department != nil || u.LastName != "King" || u.CallingLineIdFirstName != "Countess" || u.PagerPhoneNumber != nil {
						return fmt.Errorf("BroadWorks user not updated: %+v", u)
					}
					return nil
				}),
			},
			{Config: updated, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
			{
				// Removing the calling line id and time zone: the name and the group's zone again.
				Config: cfg + acctest.UserConfig("Ada", "King", `email = "ada@acme.example"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userName, tfjsonpath.New("calling_line_id_first_name"), knownvalue.StringExact("Ada")),
					statecheck.ExpectKnownValue(userName, tfjsonpath.New("time_zone"), knownvalue.Null()),
				},
			},
		},
	})
}

// TestAccBroadWorksUser_driftAndRemoval: over OCI-P TCP, a change made on BroadWorks shows as an
// update and is put back; a user deleted on BroadWorks is planned for creation again (removed from
// state on 404), with the same derived id.
func TestAccBroadWorksUser_driftAndRemoval(t *testing.T) {
	sb := acctest.StartBroadWorks(t)
	cfg := sb.BroadWorksConfig(acctest.OCIPOverTCP) + acctest.UserConfig("Grace", "Hopper", `department = "Navy"`)
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             bwUserDestroyed(sb, &id),
		Steps: []resource.TestStep{
			{Config: cfg, Check: captureID(userName, &id),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userName, tfjsonpath.New("id"), knownvalue.StringExact("grace.hopper@ent_acme.invalid")),
				}},
			{
				PreConfig: func() {
					sb.BWExec(t, ocip.UserModifyRequest22{UserId: id, Department: ocip.Value(ocip.DepartmentKey{
						EnterpriseDepartmentKey: &ocip.EnterpriseDepartmentKey{ServiceProviderId: acctest.Enterprise, Name: "Marketing"}})})
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
			{
				PreConfig: func() { sb.BWExec(t, ocip.UserDeleteRequest{UserId: id}) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(userName, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userName, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^grace\.hopper@`))),
				},
			},
		},
	})
}
