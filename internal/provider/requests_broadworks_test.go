package provider_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/ucprov/terraform-provider-ucprov/internal/acctest"
	"github.com/ucprov/terraform-provider-ucprov/internal/sandbox"
)

// requestCount is every request the sandbox served (OCI-P documents and Webex requests).
func requestCount(sb *acctest.Sandbox) (int64, string) {
	var n int64
	var parts []string
	for k, v := range sb.Metrics() {
		parts = append(parts, fmt.Sprintf("%s=%d", k, v))
		// "OCIP <command>" counts the commands inside the documents (one request each, counted
		// by their route): listed, not added.
		if !strings.HasPrefix(k, "OCIP ") || k == "OCIP "+sandbox.OCIPTCPPattern {
			n += v
		}
	}
	sort.Strings(parts)
	return n, strings.Join(parts, " ")
}

// TestAccBroadWorksRequests measures the requests (OCI-P documents + Webex requests) of a first
// apply and of a no-change plan of 20 users with a number, an E911 address, IM&P and call
// forwarding each (100 resources), and holds them to bounds (issue 18 item 7 sets the targets the
// bench measures at N = 1,000: 1.3 per created resource, 0.05 per resource for a no-change plan).
func TestAccBroadWorksRequests(t *testing.T) {
	sb := acctest.StartBroadWorks(t)
	const n = 20
	var b strings.Builder
	b.WriteString(sb.BroadWorksConfig(acctest.OCIPOverSOAP))
	for i := range n {
		fmt.Fprintf(&b, `
resource "ucprov_user" "u%[1]d" {
  group_id   = "grp_denver"
  first_name = "User"
  last_name  = "Number%[1]d"
}
resource "ucprov_user_number" "u%[1]d" {
  user_id   = ucprov_user.u%[1]d.id
  extension = "%[2]d"
}
resource "ucprov_e911_address" "u%[1]d" {
  user_id     = ucprov_user.u%[1]d.id
  address1    = "1600 Broadway"
  city        = "Denver"
  state       = "CO"
  postal_code = "80202"
  country     = "US"
}
resource "ucprov_imp_setting" "u%[1]d" {
  user_id = ucprov_user.u%[1]d.id
  enabled = false
}
resource "ucprov_call_forwarding" "u%[1]d" {
  user_id = ucprov_user.u%[1]d.id
  busy = {
    enabled     = true
    destination = "+17205550111"
  }
}
`, i, 3000+i)
	}
	cfg := b.String()
	const resources = 5 * n
	var applyReqs, planReqs int64
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: sb.ResetMetrics,
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					runBeforeApply(func() { sb.ResetMetrics() }), // the apply alone
				}},
				Check: func(*terraform.State) error {
					var detail string
					applyReqs, detail = requestCount(sb)
					t.Logf("first apply: %d requests for %d resources (%.2f per resource): %s", applyReqs, resources,
						float64(applyReqs)/resources, detail)
					return nil
				},
			},
			{
				PreConfig: sb.ResetMetrics,
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
					runBeforeApply(func() {
						var detail string
						planReqs, detail = requestCount(sb)
						t.Logf("no-change plan: %d requests for %d resources (%.3f per resource): %s", planReqs, resources,
							float64(planReqs)/resources, detail)
					}),
				}},
			},
		},
	})
	// Bounds this implementation meets (see the report for the targets at N = 1,000).
	if float64(applyReqs)/resources > 1.3 {
		t.Errorf("first apply: %d requests for %d resources", applyReqs, resources)
	}
	if float64(planReqs)/resources > 0.25 {
		t.Errorf("no-change plan: %d requests for %d resources", planReqs, resources)
	}
}
