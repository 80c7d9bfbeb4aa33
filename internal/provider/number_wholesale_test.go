package provider_test

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ucprov/terraform-provider-ucprov/internal/acctest"
	"github.com/ucprov/terraform-provider-ucprov/internal/client"
	"github.com/ucprov/terraform-provider-ucprov/internal/sandbox"
	"github.com/ucprov/terraform-provider-ucprov/internal/webex"
)

// outOfBand runs change once, just before the sandbox serves the first single-person GET after
// arm(): the read of a write's read-compare-write, i.e. after the refresh that the plan (or a
// saved plan) was made from and before the write.
type outOfBand struct {
	armed  atomic.Bool
	change func()
}

func (o *outOfBand) option(so *sandbox.Options) {
	inner := so.Middleware
	so.Middleware = func(next http.Handler) http.Handler {
		h := next
		if inner != nil {
			h = inner(next)
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v1/people/") && strings.Count(r.URL.Path, "/") == 3 &&
				o.armed.CompareAndSwap(true, false) {
				o.change()
			}
			h.ServeHTTP(w, r)
		})
	}
}

// A write planned from a refresh that an out-of-band change made stale (a saved plan applied
// later) is refused by the read-compare-write: nothing is written, the error names the changed
// attribute, the state takes the backend's values.
func TestAccWholesaleUser_staleWriteRefused(t *testing.T) {
	var sb *acctest.Sandbox
	var userID string
	oob := &outOfBand{}
	oob.change = func() {
		if _, err := sb.Client().UpdateUser(acctest.Ctx(), storeRowID(t, userID), client.UserPatch{FirstName: ptr("Elsewhere")},
			client.WriteOptions{}); err != nil {
			t.Errorf("out-of-band change: %v", err)
		}
	}
	sb = acctest.StartWholesale(t, oob.option)
	cfg := func(last string) string {
		return sb.WholesaleProviderConfig() + acctest.WholesaleUserConfig("Jean", last, "jean@acme.example")
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg("Valjean"), Check: captureID(userName, &userID)},
			{
				PreConfig:   func() { oob.armed.Store(true) },
				Config:      cfg("Vj"),
				ExpectError: wrappedRe("Changed outside Terraform", "was changed outside Terraform since the last refresh", "first_name"),
			},
			{
				// The state took the backend's values: the plan now shows both names.
				Config: cfg("Vj"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(userName, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(userName, tfjsonpath.New("first_name"), knownvalue.StringExact("Jean")),
					statecheck.ExpectKnownValue(userName, tfjsonpath.New("last_name"), knownvalue.StringExact("Vj")),
				},
			},
		},
	})
}

func ptr(s string) *string { return &s }

// The number: bad input names the attribute (a number that is not the location's); a number
// removed outside Terraform is dropped from state and assigned again; a number changed between
// the refresh and the write is refused.
func TestAccWholesaleNumber_badInputRemovalStale(t *testing.T) {
	var sb *acctest.Sandbox
	var userID string
	oob := &outOfBand{}
	oob.change = func() {
		if _, err := sb.Client().PutNumber(acctest.Ctx(), storeRowID(t, userID), client.NumberInput{PhoneNumber: "+33634333245", Extension: "3245"},
			client.WriteOptions{}); err != nil {
			t.Errorf("out-of-band change: %v", err)
		}
	}
	sb = acctest.StartWholesale(t, oob.option)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				// A Denver number at the Paris location.
				Config:      wholesaleNumberConfig(sb, "amelie@acme.example", "+17205551240", "3240"),
				ExpectError: wrappedRe("phone_number", "not a number of the location"),
			},
			{
				Config: wholesaleNumberConfig(sb, "amelie@acme.example", "+33634333240", "3240"),
				Check:  captureID(userName, &userID),
			},
			{
				// Removed outside Terraform: the refresh drops it, the apply assigns it again.
				PreConfig: func() {
					_, p, err := subscriberOf(sb, userID)
					if err != nil {
						t.Fatal(err)
					}
					if err := sb.Webex().UpdatePersonNumbers(acctest.Ctx(), "", p.ID, webex.PersonNumbersUpdate{PhoneNumbers: []webex.PersonNumberChange{
						{Primary: true, Action: webex.NumberActionDelete, DirectNumber: "+33634333240", Extension: "3240"},
					}}); err != nil {
						t.Fatal(err)
					}
				},
				Config: wholesaleNumberConfig(sb, "amelie@acme.example", "+33634333240", "3240"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(numberName, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(numberName, tfjsonpath.New("phone_number"), knownvalue.StringExact("+33634333240")),
				},
			},
			{
				PreConfig:   func() { oob.armed.Store(true) },
				Config:      wholesaleNumberConfig(sb, "amelie@acme.example", "+33634333241", "3241"),
				ExpectError: wrappedRe("Changed outside Terraform", "phone_number"),
			},
		},
	})
}
