package provider_test

import (
	"encoding/csv"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ucprov/terraform-provider-ucprov/internal/acctest"
	"github.com/ucprov/terraform-provider-ucprov/internal/client"
)

// csvHeader is the header row of the portal's Export.
var csvHeader = []string{"User ID", "Group ID", "Location", "License", "Service Type", "Service ID", "Extension",
	"First Name", "Last Name", "Email", "Status"}

// statusRowFields are the attributes of a users row, in the CSV's column order.
var statusRowFields = []string{"user_id", "group_id", "location", "license", "service_type", "service_id", "extension",
	"first_name", "last_name", "email", "status"}

func TestAccActivationStatusDataSource(t *testing.T) {
	sb := acctest.Start(t)
	c := sb.Client()

	// A provisioned Denver user with a number and a name that needs CSV quoting.
	pj := actUser(t, sb, `Pat "PJ"`, "O'Brien, Jr.", "pj@acme.example")
	if _, err := c.PutNumber(acctest.Ctx(), pj, client.NumberInput{PhoneNumber: "+17205551230", Extension: "1230"}, client.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	actProvision(t, sb, pj)
	// A provisioned Paris user.
	marie, err := c.CreateUser(acctest.Ctx(), acctest.Enterprise, client.UserInput{
		GroupID: acctest.GroupParis, FirstName: "Marie", LastName: "Curie", Email: "marie@acme.example",
	})
	if err != nil {
		t.Fatal(err)
	}
	actProvision(t, sb, marie.ID)
	// A Denver user whose activation failed: the email is another organisation's Webex account.
	if err := sb.AddExternalWebexAccount("grace@partner.example"); err != nil {
		t.Fatal(err)
	}
	grace := actUser(t, sb, "Grace", "Hopper", "grace@partner.example")
	if _, err := c.CreateActivation(acctest.Ctx(), grace, client.ActivationInput{}, client.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	actWaitStatus(t, sb, grace, client.ActivationError)
	// A Denver user whose Webex account was deleted by disabling IM&P: pending_email_input.
	alan := actUser(t, sb, "Alan", "Turing", "alan@acme.example")
	if _, err := c.SetIMP(acctest.Ctx(), alan, true, client.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	actProvision(t, sb, alan)
	if _, err := c.SetIMP(acctest.Ctx(), alan, false, client.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	actWaitStatus(t, sb, alan, client.ActivationPendingEmailInput)
	// A user without an activation is not in the report.
	actUser(t, sb, "Edsger", "Dijkstra", "edsger@acme.example")
	want := map[string]int{"queued": 0, "pending_email_input": 1, "pending_email_validation": 0,
		"provisioning": 0, "provisioned": 2, "error": 1}
	total := 4
	wantTwo := map[string]int{"queued": 0, "pending_email_input": 1, "pending_email_validation": 0,
		"provisioning": 0, "provisioned": 0, "error": 1}

	cfg := sb.ProviderConfig() + `
data "ucprov_activation_status" "all" {}

data "ucprov_activation_status" "two" {
  status = ["error", "pending_email_input"]
}

data "ucprov_activation_status" "error" {
  status = ["error"]
}

data "ucprov_activation_status" "paris" {
  group_id = "grp_paris"
}

data "ucprov_activation_status" "search" {
  search = "o'brien"
}

data "ucprov_activation_status" "open" {
  exclude_provisioned = true
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.ucprov_activation_status.all", tfjsonpath.New("id"), knownvalue.StringExact(acctest.Enterprise)),
				statecheck.ExpectKnownValue("data.ucprov_activation_status.all", tfjsonpath.New("enterprise_id"), knownvalue.StringExact(acctest.Enterprise)),
				statecheck.ExpectKnownValue("data.ucprov_activation_status.all", tfjsonpath.New("users"), knownvalue.ListSizeExact(total)),
				statecheck.ExpectKnownValue("data.ucprov_activation_status.all", tfjsonpath.New("counts"), statusCounts(want)),
				statecheck.ExpectKnownValue("data.ucprov_activation_status.all", tfjsonpath.New("users"), knownvalue.ListSizeExact(statusCountsSum(want))), // the counts add up to the rows

				statecheck.ExpectKnownValue("data.ucprov_activation_status.two", tfjsonpath.New("users"), knownvalue.ListSizeExact(2)),
				statecheck.ExpectKnownValue("data.ucprov_activation_status.two", tfjsonpath.New("counts"), statusCounts(wantTwo)),
				statecheck.ExpectKnownValue("data.ucprov_activation_status.two", tfjsonpath.New("users"), knownvalue.ListSizeExact(statusCountsSum(wantTwo))), // the counts add up to the rows

				statecheck.ExpectKnownValue("data.ucprov_activation_status.error", tfjsonpath.New("users"), knownvalue.ListSizeExact(1)),
				statecheck.ExpectKnownValue("data.ucprov_activation_status.error", tfjsonpath.New("users").AtSliceIndex(0).AtMapKey("user_id"), knownvalue.StringExact(grace)),
				statecheck.ExpectKnownValue("data.ucprov_activation_status.error", tfjsonpath.New("counts").AtMapKey("error"), knownvalue.Int64Exact(1)),
				statecheck.ExpectKnownValue("data.ucprov_activation_status.error", tfjsonpath.New("counts").AtMapKey("provisioned"), knownvalue.Int64Exact(0)),

				statecheck.ExpectKnownValue("data.ucprov_activation_status.paris", tfjsonpath.New("users"), knownvalue.ListSizeExact(1)),
				statecheck.ExpectKnownValue("data.ucprov_activation_status.paris", tfjsonpath.New("users").AtSliceIndex(0).AtMapKey("user_id"), knownvalue.StringExact(marie.ID)),
				statecheck.ExpectKnownValue("data.ucprov_activation_status.paris", tfjsonpath.New("users").AtSliceIndex(0).AtMapKey("location"), knownvalue.StringExact("Paris")),

				statecheck.ExpectKnownValue("data.ucprov_activation_status.search", tfjsonpath.New("users"), knownvalue.ListSizeExact(1)),
				statecheck.ExpectKnownValue("data.ucprov_activation_status.search", tfjsonpath.New("users").AtSliceIndex(0).AtMapKey("user_id"), knownvalue.StringExact(pj)),

				statecheck.ExpectKnownValue("data.ucprov_activation_status.open", tfjsonpath.New("users"), knownvalue.ListSizeExact(2)),
				statecheck.ExpectKnownValue("data.ucprov_activation_status.open", tfjsonpath.New("counts").AtMapKey("provisioned"), knownvalue.Int64Exact(0)),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				statusCheckCSV(sb, "data.ucprov_activation_status.all", client.ActivationFilter{}),
				statusCheckRows("data.ucprov_activation_status.all", func(rows []map[string]string) error {
					for _, r := range rows {
						if r["user_id"] != pj {
							continue
						}
						wantPJ := map[string]string{"user_id": pj, "group_id": acctest.GroupDenver, "location": "Denver",
							"license": "webex_calling", "service_type": "Webex Calling", "service_id": "+17205551230",
							"extension": "1230", "first_name": `Pat "PJ"`, "last_name": "O'Brien, Jr.",
							"email": "pj@acme.example", "status": "provisioned"}
						if !reflect.DeepEqual(r, wantPJ) {
							return fmt.Errorf("row of %s:\n got %v\nwant %v", pj, r, wantPJ)
						}
						return nil
					}
					return fmt.Errorf("no row for %s in %v", pj, rows)
				}),
				statusCheckCSV(sb, "data.ucprov_activation_status.two", client.ActivationFilter{Statuses: []string{"error", "pending_email_input"}}),
				statusCheckCSV(sb, "data.ucprov_activation_status.error", client.ActivationFilter{Statuses: []string{"error"}}),
				statusCheckCSV(sb, "data.ucprov_activation_status.paris", client.ActivationFilter{GroupID: acctest.GroupParis}),
				statusCheckCSV(sb, "data.ucprov_activation_status.search", client.ActivationFilter{Search: "o'brien"}),
				statusCheckCSV(sb, "data.ucprov_activation_status.open", client.ActivationFilter{ExcludeProvisioned: true}),
			),
		}},
	})
}

func TestAccActivationStatusDataSource_invalid(t *testing.T) {
	sb := acctest.Start(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: sb.ProviderConfig() + `
data "ucprov_activation_status" "bad" {
  status = ["done"]
}
`,
			ExpectError: errRe("status", "value must be one of"),
		}},
	})
}

// statusRows returns the users rows of a data source from the flat state.
func statusRows(s *terraform.State, name string) ([]map[string]string, error) {
	rs, ok := s.RootModule().Resources[name]
	if !ok {
		return nil, fmt.Errorf("%s not in state", name)
	}
	attrs := rs.Primary.Attributes
	n, err := strconv.Atoi(attrs["users.#"])
	if err != nil {
		return nil, fmt.Errorf("%s: users.# = %q", name, attrs["users.#"])
	}
	rows := make([]map[string]string, n)
	for i := range rows {
		rows[i] = map[string]string{}
		for _, f := range statusRowFields {
			rows[i][f] = attrs[fmt.Sprintf("users.%d.%s", i, f)]
		}
	}
	return rows, nil
}

func statusCheckRows(name string, f func([]map[string]string) error) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rows, err := statusRows(s, name)
		if err != nil {
			return err
		}
		return f(rows)
	}
}

// statusCounts is the value of counts: exactly the six statuses with the wanted numbers (every
// status, zero included).
func statusCounts(want map[string]int) knownvalue.Check {
	m := make(map[string]knownvalue.Check, len(want))
	for status, n := range want {
		m[status] = knownvalue.Int64Exact(int64(n))
	}
	return knownvalue.MapExact(m)
}

// statusCountsSum is the number of users rows the counts add up to.
func statusCountsSum(want map[string]int) int {
	sum := 0
	for _, n := range want {
		sum += n
	}
	return sum
}

// statusCheckCSV parses csv with encoding/csv and checks the header, that the rows equal the
// users rows, the CRLF line ends, and that it is the backend's export verbatim.
func statusCheckCSV(sb *acctest.Sandbox, name string, f client.ActivationFilter) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rows, err := statusRows(s, name)
		if err != nil {
			return err
		}
		got := s.RootModule().Resources[name].Primary.Attributes["csv"]
		backend, err := sb.Client().ActivationsCSV(acctest.Ctx(), acctest.Enterprise, f)
		if err != nil {
			return err
		}
		if got != backend {
			return fmt.Errorf("%s: csv differs from the backend's export:\n got %q\nwant %q", name, got, backend)
		}
		if !strings.HasSuffix(got, "\r\n") || strings.Count(got, "\r\n") != len(rows)+1 {
			return fmt.Errorf("%s: want %d CRLF-terminated lines, got %q", name, len(rows)+1, got)
		}
		r := csv.NewReader(strings.NewReader(got))
		r.FieldsPerRecord = len(csvHeader)
		records, err := r.ReadAll()
		if err != nil {
			return fmt.Errorf("%s: csv does not parse: %w\n%s", name, err, got)
		}
		if !reflect.DeepEqual(records[0], csvHeader) {
			return fmt.Errorf("%s: csv header %q, want %q", name, records[0], csvHeader)
		}
		if len(records)-1 != len(rows) {
			return fmt.Errorf("%s: csv has %d rows, users has %d", name, len(records)-1, len(rows))
		}
		for i, rec := range records[1:] {
			for j, field := range statusRowFields {
				if rec[j] != rows[i][field] {
					return fmt.Errorf("%s: csv row %d column %q = %q, users[%d].%s = %q", name, i+1, csvHeader[j], rec[j], i, field, rows[i][field])
				}
			}
		}
		return nil
	}
}

// TestAccActivationStatusDataSource_csvInjection: a name that a spreadsheet would run as a formula
// is neutralised in csv (a leading '), while users keeps it as it is and a plain E.164 number stays.
func TestAccActivationStatusDataSource_csvInjection(t *testing.T) {
	sb := acctest.Start(t)
	evil := actUser(t, sb, `=HYPERLINK("http://evil.example","x")`, "@Sum", "evil@acme.example")
	if _, err := sb.Client().PutNumber(acctest.Ctx(), evil, client.NumberInput{PhoneNumber: "+17205551231", Extension: "1231"}, client.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	actProvision(t, sb, evil)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: sb.ProviderConfig() + `data "ucprov_activation_status" "all" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.ucprov_activation_status.all", tfjsonpath.New("users").AtSliceIndex(0).AtMapKey("first_name"), knownvalue.StringExact(`=HYPERLINK("http://evil.example","x")`)),
			},
			Check: func(s *terraform.State) error {
				got := s.RootModule().Resources["data.ucprov_activation_status.all"].Primary.Attributes["csv"]
				recs, err := csv.NewReader(strings.NewReader(got)).ReadAll()
				if err != nil || len(recs) != 2 {
					return fmt.Errorf("csv %q (%w)", got, err)
				}
				if recs[1][7] != `'=HYPERLINK("http://evil.example","x")` || recs[1][8] != "'@Sum" || recs[1][5] != "+17205551231" {
					return fmt.Errorf("csv row not neutralised as expected: %q", recs[1])
				}
				return nil
			},
		}},
	})
}
