package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ucprov/terraform-provider-ucprov/internal/acctest"
	"github.com/ucprov/terraform-provider-ucprov/internal/client"
)

func TestAccAvailableNumbersDataSource(t *testing.T) {
	sb := acctest.Start(t)
	cfg := sb.ProviderConfig() + `
data "ucprov_available_numbers" "denver" {
  group_id = "grp_denver"
}
data "ucprov_available_numbers" "paris" {
  group_id      = "grp_paris"
  enterprise_id = "ent_acme"
}
`
	const ds = "data.ucprov_available_numbers.denver"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("numbers").AtSliceIndex(0), knownvalue.StringExact("+17205551200")),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("numbers"), knownvalue.ListSizeExact(100)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("enterprise_id"), knownvalue.StringExact("ent_acme")),
					statecheck.ExpectKnownValue("data.ucprov_available_numbers.paris", tfjsonpath.New("numbers").AtSliceIndex(0), knownvalue.StringExact("+33634333200")),
				},
			},
			{
				// A number assigned elsewhere disappears from the list.
				PreConfig: func() {
					c := sb.Client()
					u, err := c.CreateUser(acctest.Ctx(), acctest.Enterprise, client.UserInput{GroupID: acctest.GroupDenver, FirstName: "A", LastName: "B"})
					if err != nil {
						t.Fatal(err)
					}
					if _, err := c.PutNumber(acctest.Ctx(), u.ID, client.NumberInput{PhoneNumber: "+17205551200"}, client.WriteOptions{}); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("numbers").AtSliceIndex(0), knownvalue.StringExact("+17205551201")),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("numbers"), knownvalue.ListSizeExact(99)),
				},
			},
		},
	})
}
