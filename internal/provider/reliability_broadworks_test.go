package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ucprov/terraform-provider-ucprov/internal/acctest"
	"github.com/ucprov/terraform-provider-ucprov/internal/sandbox"
)

// TestAccBroadWorksActivation_webexServerFailures: the Webex client's retries (max_retries = 3 in
// BroadWorksConfig) heal a Webex for BroadWorks that fails a few times; against one that keeps
// failing, a package change sends its PUT max_retries + 1 times and fails, no more (the platform
// does not repeat the client's retries), and the next apply without faults makes the change.
func TestAccBroadWorksActivation_webexServerFailures(t *testing.T) {
	sb := acctest.StartBroadWorks(t)
	const retries = 3
	const putPattern = "/v1/broadworks/subscribers/{subscriberId}"
	cfg := func(pkg string) string {
		return sb.BroadWorksConfig(acctest.OCIPOverSOAP) + fmt.Sprintf(`
resource "ucprov_user" "alan" {
  group_id   = "grp_denver"
  first_name = "Alan"
  last_name  = "Turing"
  email      = "alan.retries@acme.example"
}
resource "ucprov_activation" "alan" {
  user_id  = ucprov_user.alan.id
  package  = %q
  wait_for = "provisioned"
}
`, pkg)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				// Every subscriber read fails retries times in a row: each call's last attempt answers.
				PreConfig: func() {
					sb.InjectFault(sandbox.Fault{Method: "GET", Pattern: "/v1/broadworks/subscribers", Kind: sandbox.FaultStatus500, Times: retries})
				},
				Config: cfg("webex_calling"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("ucprov_activation.alan", tfjsonpath.New("status"), knownvalue.StringExact("provisioned")),
				},
			},
			{
				PreConfig: func() {
					sb.ClearFaults()
					sb.ResetMetrics()
					sb.InjectFault(sandbox.Fault{Method: "PUT", Pattern: putPattern, Kind: sandbox.FaultStatus500, Times: failPersistently})
				},
				Config:      cfg("webex_suite"),
				ExpectError: regexp.MustCompile(`(?i)500|internal`),
			},
			{
				PreConfig: func() {
					if got := sb.Metrics()["PUT "+putPattern]; got != retries+1 {
						t.Errorf("the failing package change sent %d PUTs, want max_retries + 1 = %d", got, retries+1)
					}
					sb.ClearFaults()
				},
				Config: cfg("webex_suite"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("ucprov_activation.alan", tfjsonpath.New("package"), knownvalue.StringExact("webex_suite")),
				},
			},
		},
	})
}
