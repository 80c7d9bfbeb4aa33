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

// bwNumberOf is the number and extension of BroadWorks user id in its group's list, and whether the
// number is activated.
func bwNumberOf(sb *acctest.Sandbox, id string) (phone, ext string, active bool, err error) {
	r, err := ocip.Call[*ocip.UserGetListInGroupResponse](acctest.Ctx(), sb.OCIP(), ocip.UserGetListInGroupRequest{
		ServiceProviderId: acctest.Enterprise, GroupId: acctest.GroupDenver,
		SearchCriteriaUserId: []ocip.SearchCriteriaUserId{{Mode: ocip.SearchModeEqualTo, Value: id, IsCaseInsensitive: true}}})
	if err != nil {
		return "", "", false, err
	}
	if r.UserTable.Len() != 1 {
		return "", "", false, fmt.Errorf("user %s: %d rows in its group's list", id, r.UserTable.Len())
	}
	return r.UserTable.Col(0, "Phone Number"), r.UserTable.Col(0, "Extension"), r.UserTable.Col(0, "Phone Number Activated") == "true", nil
}

func bwAvailable(sb *acctest.Sandbox, grp string) ([]string, error) {
	r, err := ocip.Call[*ocip.GroupDnGetAvailableListResponse](acctest.Ctx(), sb.OCIP(),
		ocip.GroupDnGetAvailableListRequest{ServiceProviderId: acctest.Enterprise, GroupId: grp})
	if err != nil {
		return nil, err
	}
	return r.PhoneNumber, nil
}

// TestAccBroadWorksUserNumber: assign and activate (UserModifyRequest22 + GroupDnActivateListRequest),
// import, change, no-change plan, removal on BroadWorks planned as a create, and the available
// numbers data source (GroupDnGetAvailableListRequest inventory).
func TestAccBroadWorksUserNumber(t *testing.T) {
	sb := acctest.StartBroadWorks(t)
	cfg := func(body string) string {
		return sb.BroadWorksConfig(acctest.OCIPOverSOAP) + acctest.UserConfig("Ada", "Lovelace") + `
resource "ucprov_user_number" "test" {
  user_id = ucprov_user.test.id
` + body + `
}
data "ucprov_available_numbers" "denver" {
  group_id   = "grp_denver"
  depends_on = [ucprov_user_number.test]
}
`
	}
	first := cfg(`  phone_number = "+17205551210"
  extension    = "1210"`)
	second := cfg(`  phone_number = "+17205551211"
  extension    = "1211"`)
	var userID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			avail, err := bwAvailable(sb, acctest.GroupDenver)
			if err != nil {
				return err
			}
			for _, n := range []string{"7205551210", "7205551211"} {
				if !regexp.MustCompile(n).MatchString(fmt.Sprint(avail)) {
					return fmt.Errorf("number %s not back in the inventory: %v", n, avail)
				}
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: first,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(numberName, tfjsonpath.New("number_state"), knownvalue.StringExact("active")),
					statecheck.ExpectKnownValue(numberName, tfjsonpath.New("phone_number"), knownvalue.StringExact("+17205551210")),
				},
				Check: resource.ComposeTestCheckFunc(
					captureID("ucprov_user.test", &userID),
					func(*terraform.State) error {
						phone, ext, active, err := bwNumberOf(sb, userID)
						if err != nil {
							return err
						}
						if phone != "+1-7205551210" || ext != "1210" || !active {
							return fmt.Errorf("BroadWorks number does not match: %s %s %t", phone, ext, active)
						}
						return nil
					},
					resource.TestCheckResourceAttrWith("data.ucprov_available_numbers.denver", "numbers.#", func(v string) error {
						if v == "0" {
							return fmt.Errorf("no available number listed")
						}
						return nil
					}),
				),
			},
			{ResourceName: numberName, ImportState: true, ImportStateVerify: true},
			{
				Config: second,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(numberName, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(numberName, tfjsonpath.New("number_state"), knownvalue.StringExact("active")),
				},
			},
			{Config: second, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
			{
				PreConfig: func() {
					sb.BWExec(t, ocip.UserModifyRequest22{UserId: userID, PhoneNumber: ocip.Nil[string](), Extension: ocip.Nil[string]()})
				},
				Config: second,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(numberName, plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}

// TestAccBroadWorksE911AndForwarding: the E911 address is the user's BroadWorks address; call
// forwarding is the three BroadWorks services; both imported, drift put back, removal on 404.
func TestAccBroadWorksE911AndForwarding(t *testing.T) {
	sb := acctest.StartBroadWorks(t)
	cfg := func(city string, busy bool) string {
		return sb.BroadWorksConfig(acctest.OCIPOverTCP) + acctest.UserConfig("Ada", "Lovelace") + fmt.Sprintf(`
resource "ucprov_e911_address" "test" {
  user_id     = ucprov_user.test.id
  address1    = "1600 Broadway"
  city        = %q
  state       = "CO"
  postal_code = "80202"
  country     = "US"
}
resource "ucprov_call_forwarding" "test" {
  user_id = ucprov_user.test.id
  always = {
    enabled     = true
    destination = "+17205550100"
  }
  busy = {
    enabled     = %t
    destination = "+17205550111"
  }
  no_answer = {
    enabled     = true
    destination = "1234"
    rings       = 5
  }
}
`, city, busy)
	}
	var userID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg("Denver", false),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(e911Name, tfjsonpath.New("status"), knownvalue.StringExact("valid")),
					statecheck.ExpectKnownValue(cfName, tfjsonpath.New("no_answer").AtMapKey("rings"), knownvalue.Int64Exact(5)),
				},
				Check: resource.ComposeTestCheckFunc(
					captureID("ucprov_user.test", &userID),
					bwUserCheck(sb, &userID, func(u *ocip.UserGetResponse23V2) error {
						if u.Address == nil {
							return fmt.Errorf("no address on the BroadWorks user")
						}
						if c, _ := u.Address.City.Get(); c != "Denver" {
							return fmt.Errorf("BroadWorks address city %q", c)
						}
						return nil
					}),
					func(*terraform.State) error {
						r, err := ocip.Call[*ocip.UserCallForwardingNoAnswerGetResponse13mp16](acctest.Ctx(), sb.OCIP(),
							ocip.UserCallForwardingNoAnswerGetRequest13mp16{UserId: userID})
						if err != nil {
							return err
						}
						if !r.IsActive || r.NumberOfRings != 5 {
							return fmt.Errorf("no answer forwarding on BroadWorks: %+v", r)
						}
						return nil
					},
				),
			},
			{ResourceName: e911Name, ImportState: true, ImportStateVerify: true},
			{ResourceName: cfName, ImportState: true, ImportStateVerify: true},
			{
				// Changed on BroadWorks: both put back.
				PreConfig: func() {
					on := true
					sb.BWExec(t,
						ocip.UserModifyRequest22{UserId: userID, Address: &ocip.StreetAddress{City: ocip.Value("Boulder")}},
						ocip.UserCallForwardingBusyModifyRequest{UserId: userID, IsActive: &on, ForwardToPhoneNumber: ocip.Value("+17205550999")})
				},
				Config: cfg("Denver", false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(e911Name, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(cfName, plancheck.ResourceActionUpdate),
				}},
			},
			{Config: cfg("Denver", false), PlanOnly: true},
			{Config: cfg("Denver", true), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(cfName, plancheck.ResourceActionUpdate)}}},
			{
				// The address removed on BroadWorks: planned as a create.
				PreConfig: func() {
					sb.BWExec(t, ocip.UserModifyRequest22{UserId: userID, Address: &ocip.StreetAddress{AddressLine1: ocip.Nil[string](),
						AddressLine2: ocip.Nil[string](), City: ocip.Nil[string](), StateOrProvince: ocip.Nil[string](),
						ZipOrPostalCode: ocip.Nil[string](), Country: ocip.Nil[string]()}})
				},
				Config: cfg("Denver", true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(e911Name, plancheck.ResourceActionCreate)}},
			},
		},
	})
}

// TestAccBroadWorksIMP: Integrated IMP assigned and turned on (the user has an email), import,
// turned off on BroadWorks and put back.
func TestAccBroadWorksIMP(t *testing.T) {
	sb := acctest.StartBroadWorks(t)
	cfg := func(enabled bool) string {
		return sb.BroadWorksConfig(acctest.OCIPOverSOAP) + acctest.UserConfig("Alan", "Turing", `email = "alan@acme.example"`) +
			fmt.Sprintf(`
resource "ucprov_imp_setting" "test" {
  user_id = ucprov_user.test.id
  enabled = %t
}
`, enabled)
	}
	var userID string
	impActive := func(want bool) resource.TestCheckFunc {
		return func(*terraform.State) error {
			r, err := ocip.Call[*ocip.UserIntegratedIMPGetResponse21sp1](acctest.Ctx(), sb.OCIP(), ocip.UserIntegratedIMPGetRequest21sp1{UserId: userID})
			if err != nil {
				return err
			}
			if r.IsActive != want {
				return fmt.Errorf("Integrated IMP active %t, want %t", r.IsActive, want)
			}
			return nil
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg(true), Check: resource.ComposeTestCheckFunc(captureID("ucprov_user.test", &userID), impActive(true))},
			{ResourceName: impName, ImportState: true, ImportStateVerify: true},
			{
				PreConfig: func() {
					off := false
					sb.BWExec(t, ocip.UserIntegratedIMPModifyRequest{UserId: userID, IsActive: &off})
				},
				Config: cfg(true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(impName, plancheck.ResourceActionUpdate)}},
				Check: impActive(true),
			},
			{Config: cfg(false), Check: impActive(false)},
		},
	})
}
