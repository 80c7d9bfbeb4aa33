package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ucprov/terraform-provider-ucprov/internal/acctest"
)

// TestAccGroupsDataSource: an enterprise's groups with ids, names and time zones, ordered by name;
// the provider's enterprise by default; an enterprise that is not visible fails naming it.
func TestAccGroupsDataSource(t *testing.T) {
	sb := acctest.Start(t)
	group := func(id, name, tz string) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"id": knownvalue.StringExact(id), "name": knownvalue.StringExact(name), "time_zone": knownvalue.StringExact(tz),
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: sb.ProviderConfig() + `
data "ucprov_groups" "acme" {}
data "ucprov_groups" "globex" {
  enterprise_id = "ent_globex"
}
output "denver" {
  value = { for g in data.ucprov_groups.acme.groups : g.name => g.id }["Denver"]
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.ucprov_groups.acme", tfjsonpath.New("enterprise_id"), knownvalue.StringExact("ent_acme")),
					statecheck.ExpectKnownValue("data.ucprov_groups.acme", tfjsonpath.New("groups"), knownvalue.ListExact([]knownvalue.Check{
						group("grp_denver", "Denver", "America/Denver"), group("grp_paris", "Paris", "Europe/Paris"),
					})),
					statecheck.ExpectKnownValue("data.ucprov_groups.globex", tfjsonpath.New("groups"), knownvalue.ListExact([]knownvalue.Check{
						group("grp_tokyo", "Tokyo", "Asia/Tokyo"),
					})),
					statecheck.ExpectKnownOutputValue("denver", knownvalue.StringExact("grp_denver")),
				},
			},
			{
				Config: sb.ProviderConfig() + `
data "ucprov_groups" "nope" {
  enterprise_id = "ent_nope"
}
`,
				ExpectError: errRe("ent_nope"),
			},
		},
	})
}
