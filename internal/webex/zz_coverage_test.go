package webex

import (
	"flag"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/ucprov/terraform-provider-ucprov/internal/webexspec"
)

// clientOperations are the operations the client calls, as the specs name them.
var clientOperations = []string{
	"GET /broadworks/subscribers", "POST /broadworks/subscribers", "GET /broadworks/subscribers/{subscriberId}",
	"PUT /broadworks/subscribers/{subscriberId}", "DELETE /broadworks/subscribers/{subscriberId}",
	"POST /broadworks/subscribers/validate", "GET /broadworks/enterprises",
	"GET /broadworks/enterprises/{id}/broadworksDirectorySync", "POST /broadworks/enterprises/{id}/broadworksDirectorySync",
	"PUT /broadworks/enterprises/{id}/broadworksDirectorySync",
	"GET /wholesale/customers", "GET /wholesale/customers/{customerId}",
	"GET /wholesale/subscribers", "POST /wholesale/subscribers", "GET /wholesale/subscribers/{subscriberId}",
	"PUT /wholesale/subscribers/{subscriberId}", "DELETE /wholesale/subscribers/{subscriberId}", "POST /wholesale/subscribers/validate",
	"GET /people", "POST /people", "GET /people/{personId}", "PUT /people/{personId}", "DELETE /people/{personId}",
	"POST /identity/organizations/{orgId}/jobs/sendActivationEmails",
	"GET /identity/organizations/{orgId}/jobs/sendActivationEmails/{jobId}/status",
	"GET /identity/organizations/{orgId}/jobs/sendActivationEmails/{jobId}/errors",
	"PUT /telephony/config/people/{personId}/voicemail/passcode",
	"GET /people/{personId}/features/callForwarding", "PUT /people/{personId}/features/callForwarding",
	"GET /people/{personId}/features/numbers", "PUT /telephony/config/people/{personId}/numbers",
	"GET /telephony/config/numbers", "PUT /telephony/config/locations/{locationId}/numbers",
	"GET /locations", "GET /locations/{locationId}",
	"POST /telephony/pstn/locations/{locationId}/emergencyAddress/lookup",
	"PUT /telephony/pstn/numbers/{phoneNumber}/emergencyAddress",
	"POST /access_token",
}

// TestRoutesAreInSpecs: every path the client builds (each pathOf template of the package's
// source) is a path of the Webex specs, or one of the calls webexspec.Unspecified lists.
func TestRoutesAreInSpecs(t *testing.T) {
	c, err := webexspec.Load()
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	call := regexp.MustCompile(`pathOf\("(/[^"]*)"`)
	param := regexp.MustCompile(`\{[^}]*\}`)
	seen := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllStringSubmatch(string(src), -1) {
			seen++
			path := "/v1" + param.ReplaceAllString(m[1], "x")
			found := false
			for _, method := range []string{"GET", "POST", "PUT", "DELETE"} {
				if _, _, ok := c.Route(httptest.NewRequest(method, path, nil)); ok {
					found = true
				}
			}
			for key := range webexspec.Unspecified {
				if _, tmpl, _ := strings.Cut(key, " "); tmpl == m[1] {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: path %s is in no Webex spec", f, m[1])
			}
		}
	}
	if seen < 25 {
		t.Fatalf("found only %d pathOf calls; the scan is broken", seen)
	}
}

// TestZZContractCoverage runs last (file and test order): the package's tests together sent
// every operation of the client through the contract check at least once. It is skipped when
// only some tests run (-run).
func TestZZContractCoverage(t *testing.T) {
	if f := flag.Lookup("test.run"); f != nil && f.Value.String() != "" {
		t.Skip("only part of the tests ran")
	}
	seen := coverage.Seen()
	t.Logf("%d operations went through the contract check", len(seen))
	var missing []string
	for _, op := range clientOperations {
		if seen[op] == 0 {
			missing = append(missing, op)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("operations no test sent through the contract check:\n%s", strings.Join(missing, "\n"))
	}
}
