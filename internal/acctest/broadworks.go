package acctest

import (
	"fmt"
	"testing"
	"time"

	"github.com/ucprov/terraform-provider-ucprov/internal/apispec"
	"github.com/ucprov/terraform-provider-ucprov/internal/ocip"
	"github.com/ucprov/terraform-provider-ucprov/internal/sandbox"
	"github.com/ucprov/terraform-provider-ucprov/internal/webexspec"
)

// OCI-P transports of BroadWorksConfig.
const (
	OCIPOverSOAP = "soap" // http://127.0.0.1:PORT/webservice/services/ProvisioningService
	OCIPOverTCP  = "tcp"  // tcp://127.0.0.1:PORT (the sandbox's OCI-P listener)
)

// StartBroadWorks starts a sandbox with the demo seed, its OCI-P TCP listener and a fast job
// worker. Every Webex request of the provider and every answer of the sandbox is checked against
// Cisco's Webex specs (api/specs/webex), every reference-contract exchange against api/openapi.yaml.
func StartBroadWorks(t *testing.T, opts ...func(*sandbox.Options)) *Sandbox {
	t.Helper()
	PreCheck(t)
	all := append([]func(*sandbox.Options){func(o *sandbox.Options) {
		o.OCIPListen = "127.0.0.1:0"
		o.Middleware = webexspec.Middleware(t, webexspec.Conforming, apispec.Middleware(t, apispec.Conforming))
	}}, opts...)
	return Start(t, all...)
}

// BroadWorksConfig is a provider block for the broadworks platform of the sandbox: OCI-P over
// transport (OCIPOverSOAP or OCIPOverTCP) with the demo service provider administrator, Webex for
// BroadWorks with the demo partner token, ent_acme as the service provider.
func (s *Sandbox) BroadWorksConfig(transport string) string {
	return s.BroadWorksConfigAs(transport, sandbox.DemoOCIPAdmin, sandbox.DemoOCIPPassword, sandbox.DemoWebexToken)
}

// BroadWorksConfigAs is BroadWorksConfig with another OCI-P login and Webex token.
func (s *Sandbox) BroadWorksConfigAs(transport, username, password, webexToken string) string {
	return fmt.Sprintf(`
provider "ucprov" {
  platform    = "broadworks"
  max_retries = 3
  broadworks {
    endpoint            = %q
    username            = %q
    password            = %q
    service_provider_id = %q
  }
  webex {
    base_url = %q
    token    = %q
  }
}
`, s.OCIPEndpoint(transport), username, password, Enterprise, s.URL()+"/v1", webexToken)
}

// OCIPEndpoint is the provider's OCI-P endpoint for transport: the sandbox's TCP listener, or for
// SOAP the checking proxy in front of the sandbox (every document checked against the R25 schema,
// ocipcheck.go).
func (s *Sandbox) OCIPEndpoint(transport string) string {
	if transport == OCIPOverTCP {
		return "tcp://" + s.OCIPAddr()
	}
	return s.ocipCheckingProxy()
}

// OCIP is an OCI-P client (SOAP) logged in as the demo system administrator, for changes and
// checks outside Terraform.
func (s *Sandbox) OCIP() *ocip.Client {
	s.t.Helper()
	c, err := ocip.New(ocip.Config{Endpoint: s.OCIPSOAPURL(), Username: sandbox.DemoOCIPSystemAdmin,
		Password: sandbox.DemoOCIPSystemPassword, MaxRetries: 2, RetryWaitMin: 5 * time.Millisecond, RetryWaitMax: 50 * time.Millisecond})
	if err != nil {
		s.t.Fatalf("ocip client: %v", err)
	}
	return c
}

// BWUser reads BroadWorks user id outside Terraform.
func (s *Sandbox) BWUser(id string) (*ocip.UserGetResponse23V2, error) {
	return ocip.Call[*ocip.UserGetResponse23V2](Ctx(), s.OCIP(), ocip.UserGetRequest23V2{UserId: id})
}

// BWExec runs OCI-P requests outside Terraform (as an administrator would in the portal), failing
// the test when one is refused.
func (s *Sandbox) BWExec(t *testing.T, reqs ...ocip.Request) {
	t.Helper()
	resps, err := s.OCIP().Do(Ctx(), reqs...)
	if err != nil {
		t.Fatalf("oci-p: %v", err)
	}
	for _, r := range resps {
		if err := ocip.Err(r); err != nil {
			t.Fatalf("oci-p: %v", err)
		}
	}
}
