package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/ucprov/terraform-provider-ucprov/internal/acctest"
	"github.com/ucprov/terraform-provider-ucprov/internal/client"
	"github.com/ucprov/terraform-provider-ucprov/internal/sandbox"
)

// TestAccRetries_lostCreateResponse: the backend commits a create but the response is lost (a 500
// after commit, then a connection reset after commit); Terraform still ends with exactly one user
// per resource, thanks to the Idempotency-Key the client repeats on its retry.
func TestAccRetries_lostCreateResponse(t *testing.T) {
	sb := acctest.Start(t)
	cfg := sb.ProviderConfig() + `
resource "ucprov_user" "a" {
  group_id   = "grp_denver"
  first_name = "Lost"
  last_name  = "Response"
  email      = "lost@acme.example"
}
resource "ucprov_user" "b" {
  group_id   = "grp_denver"
  first_name = "Reset"
  last_name  = "Connection"
  email      = "reset@acme.example"
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: func() {
				sb.InjectFault(sandbox.Fault{Method: "POST", Pattern: "/v1/enterprises/{ent}/users", Kind: sandbox.FaultAfterCommit})
				sb.InjectFault(sandbox.Fault{Method: "POST", Pattern: "/v1/enterprises/{ent}/users", Kind: sandbox.FaultAfterCommitReset})
			},
			Config: cfg,
			Check: func(*terraform.State) error {
				users, err := sb.Client().ListUsers(acctest.Ctx(), acctest.Enterprise, client.UserFilter{})
				if err != nil {
					return err
				}
				if len(users) != 2 {
					return fmt.Errorf("expected exactly 2 users after lost create responses, got %d", len(users))
				}
				if n := sb.Metrics()["POST /v1/enterprises/{ent}/users"]; n != 4 {
					return fmt.Errorf("expected 4 create requests (2 lost, 2 replayed), got %d", n)
				}
				return nil
			},
		}},
	})
}

// TestAccRetries_throttledAndFlaky: a rate-limited backend (429 with Retry-After) that also fails
// 3% of requests (500, 503, reset, after-commit) still converges: the apply succeeds and the next
// plan is empty.
func TestAccRetries_throttledAndFlaky(t *testing.T) {
	sb := acctest.Start(t, func(o *sandbox.Options) {
		o.RateLimit, o.RateBurst = 20, 5
		o.FaultRate = 0.03
	})
	cfg := sb.ProviderConfig() + `
resource "ucprov_user" "many" {
  count      = 8
  group_id   = "grp_denver"
  first_name = "User"
  last_name  = "N${count.index}"
  email      = "user${count.index}@acme.example"
}
resource "ucprov_user_number" "many" {
  count     = 8
  user_id   = ucprov_user.many[count.index].id
  extension = "3${count.index}00"
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: cfg,
			Check: func(*terraform.State) error {
				sb.SetFaultRate(0)
				users, err := sb.Client().ListUsers(acctest.Ctx(), acctest.Enterprise, client.UserFilter{})
				if err != nil {
					return err
				}
				if len(users) != 8 {
					return fmt.Errorf("expected 8 users, got %d", len(users))
				}
				return nil
			},
		}},
	})
}
