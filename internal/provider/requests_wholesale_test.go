package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/ucprov/terraform-provider-ucprov/internal/acctest"
)

// requestTotal sums the sandbox's request counters of the Webex routes.
func requestTotal(sb *acctest.Sandbox) int64 {
	var n int64
	for route, c := range sb.Metrics() {
		if strings.Contains(route, "/v1/") {
			n += c
		}
	}
	return n
}

// The requests of N users with a number and an E911 address: a refresh reads each customer in
// bulk (the no-change plan's requests do not grow with N), and the first apply stays within a
// fixed budget per resource.
func TestAccWholesaleRequests_bulkRefreshAndApplyBudget(t *testing.T) {
	sb := acctest.StartWholesale(t)
	const n = 12
	cfg := func(count int) string {
		var b strings.Builder
		b.WriteString(sb.WholesaleProviderConfig())
		for i := 0; i < count; i++ {
			fmt.Fprintf(&b, `
resource "ucprov_user" "u%[1]d" {
  group_id   = %[2]q
  first_name = "User%[1]d"
  last_name  = "Bench"
  email      = "user%[1]d@acme.example"
}
resource "ucprov_user_number" "u%[1]d" {
  user_id      = ucprov_user.u%[1]d.id
  phone_number = "+336343332%02[3]d"
  extension    = "32%02[3]d"
}
resource "ucprov_e911_address" "u%[1]d" {
  user_id     = ucprov_user_number.u%[1]d.user_id
  address1    = "10 rue de rivoli"
  city        = "Paris"
  postal_code = "75004"
  country     = "FR"
}
`, i, acctest.LocationParis, 50+i)
		}
		return b.String()
	}
	var applyRequests, planRequests int64
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: sb.ResetMetrics,
				Config:    cfg(n),
				Check: func(*terraform.State) error {
					applyRequests = requestTotal(sb)
					return nil
				},
			},
			{
				PreConfig: sb.ResetMetrics,
				Config:    cfg(n),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					planRequests = requestTotal(sb)
					return nil
				},
			},
		},
	})
	resources := int64(3 * n)
	t.Logf("first apply: %d requests for %d resources (%.2f each); no-change plan and apply: %d requests (%.3f each)",
		applyRequests, resources, float64(applyRequests)/float64(resources), planRequests, float64(planRequests)/float64(resources))
	// Per user: create (1), number: move to calling + activate (2), E911: set (1; one lookup for
	// the address the users share); plus fixed reads (customer, location, the bulk read of the
	// plan-time checks) in each of the plan's and the apply's provider processes.
	if max := 4*int64(n) + 20; applyRequests > max {
		t.Errorf("first apply made %d requests, budget %d: %v", applyRequests, max, sb.Metrics())
	}
	// A refresh reads in bulk: a fixed number of list pages, whatever n (the step runs a plan and
	// the apply's refresh: two processes).
	if planRequests > 16 {
		t.Errorf("no-change plan made %d requests for %d resources, want a fixed bulk read: %v", planRequests, resources, sb.Metrics())
	}
}
