package provider_test

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ucprov/terraform-provider-ucprov/internal/acctest"
	"github.com/ucprov/terraform-provider-ucprov/internal/client"
)

const syncName = "ucprov_directory_sync.test"

func syncConfig(sb *acctest.Sandbox, run string) string {
	return sb.ProviderConfig() + fmt.Sprintf(`
resource "ucprov_directory_sync" "test" {
  triggers = {
    run = %q
  }
}
`, run)
}

// TestAccDirectorySync: no provisioned user → a clear error and nothing saved; a sync; import;
// empty plan; a triggers change during the 24 h hold → an error naming the next allowed time;
// 24 h later (sandbox clock) the same change runs a new sync.
func TestAccDirectorySync(t *testing.T) {
	sb := acctest.Start(t)
	start := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	sb.SetNow(func() time.Time { return start })
	nextAllowed := start.Add(24 * time.Hour).Format(time.RFC3339)
	var firstJob, secondJob string
	newJob := statecheck.CompareValue(compare.ValuesDiffer()) // a triggers change runs a new sync

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			// Destroy forgets the sync; the backend keeps it.
			ds, err := sb.Client().GetDirectorySync(acctest.Ctx(), acctest.Enterprise)
			if err != nil {
				return err
			}
			if ds.Status != client.JobSucceeded || ds.LastJobID != secondJob {
				return fmt.Errorf("directory sync after destroy: %+v, want the last sync %s", ds, secondJob)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: syncConfig(sb, "1"),
				ExpectError: errRe("Directory sync failed", "No user of enterprise ent_acme is provisioned",
					"no_activated_user", `ucprov_activation with wait_for = "provisioned"`, "apply again"),
			},
			{
				// Nothing was saved: the plan shows the sync again. Provision a user, and it runs.
				PreConfig: func() { actProvision(t, sb, actUser(t, sb, "Ada", "Lovelace", "ada@acme.example")) },
				Config:    syncConfig(sb, "1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(syncName, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(syncName, tfjsonpath.New("status"), knownvalue.StringExact("succeeded")),
					statecheck.ExpectKnownValue(syncName, tfjsonpath.New("enterprise_id"), knownvalue.StringExact(acctest.Enterprise)),
					statecheck.ExpectKnownValue(syncName, tfjsonpath.New("job_id"), knownvalue.StringRegexp(regexp.MustCompile(`^job_`))),
					statecheck.ExpectKnownValue(syncName, tfjsonpath.New("completed_at"), knownvalue.StringExact(start.Format(time.RFC3339))),
					statecheck.CompareValuePairs(syncName, tfjsonpath.New("id"), syncName, tfjsonpath.New("job_id"), compare.ValuesSame()),
					newJob.AddStateValue(syncName, tfjsonpath.New("id")),
				},
				Check: captureID(syncName, &firstJob),
			},
			{
				ResourceName:            syncName,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"triggers", "timeouts"},
			},
			{
				ResourceName: syncName,
				ImportState:  true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					return acctest.Enterprise + "/" + firstJob, nil
				},
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"triggers", "timeouts"},
			},
			{
				Config: syncConfig(sb, "1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				Config: syncConfig(sb, "2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(syncName, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				ExpectError: errRe("Directory sync on hold", "enterprise ent_acme is on hold until "+nextAllowed,
					"rule sync_on_hold", "24 hours after the last completed one"),
			},
			{
				// A day later the same change runs a new sync.
				PreConfig: func() { sb.SetNow(func() time.Time { return start.Add(24*time.Hour + time.Minute) }) },
				Config:    syncConfig(sb, "2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(syncName, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(syncName, tfjsonpath.New("status"), knownvalue.StringExact("succeeded")),
					newJob.AddStateValue(syncName, tfjsonpath.New("id")),
				},
				Check: captureID(syncName, &secondJob),
			},
			{
				Config: syncConfig(sb, "2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}
