package acctest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ucprov/terraform-provider-ucprov/internal/apispec"
	"github.com/ucprov/terraform-provider-ucprov/internal/sandbox"
	"github.com/ucprov/terraform-provider-ucprov/internal/webex"
	"github.com/ucprov/terraform-provider-ucprov/internal/webexspec"
)

// The wholesale platform in acceptance tests: the sandbox's Webex for Wholesale and Webex Calling
// front-ends, ent_acme as the demo wholesale customer with its Webex Calling locations Denver (US)
// and Paris (France, +33 numbers, an address without a state).
var (
	// WholesaleCustomer is the Webex customer id of ent_acme (enterprise_id on wholesale).
	WholesaleCustomer = sandbox.WebexID("CUSTOMER", Enterprise)
	// WholesaleOtherCustomer is the customer id of ent_globex.
	WholesaleOtherCustomer = sandbox.WebexID("CUSTOMER", OtherEnterprise)
	// LocationDenver and LocationParis are the Webex Calling location ids of the demo groups.
	LocationDenver = sandbox.DemoWebexLocation(GroupDenver)
	LocationParis  = sandbox.DemoWebexLocation(GroupParis)
)

// StartWholesale starts a sandbox like Start whose every Webex request and answer is checked
// against Cisco's specs in api/specs/webex (and the reference routes against api/openapi.yaml).
func StartWholesale(t *testing.T, opts ...func(*sandbox.Options)) *Sandbox {
	t.Helper()
	mw := webexspec.Middleware(t, webexspec.Conforming, apispec.Middleware(t, apispec.Conforming))
	return Start(t, append([]func(*sandbox.Options){func(o *sandbox.Options) { o.Middleware = mw }}, opts...)...)
}

// WebexBaseURL is the sandbox's Webex base URL (…/v1).
func (s *Sandbox) WebexBaseURL() string { return strings.TrimSuffix(s.URL(), "/") + "/v1" }

// WholesaleProviderConfig is a provider block for platform "wholesale" with the demo Webex partner
// token and ent_acme's customer as the default enterprise. Retries are quick.
func (s *Sandbox) WholesaleProviderConfig() string {
	return fmt.Sprintf(`
provider "ucprov" {
  platform      = "wholesale"
  enterprise_id = %q
  max_retries   = 3
  webex {
    base_url = %q
    token    = %q
  }
}
`, WholesaleCustomer, s.WebexBaseURL(), sandbox.DemoWebexToken)
}

// Webex is a Webex client with the demo partner token, for checks and out-of-band changes.
func (s *Sandbox) Webex() *webex.Client {
	s.t.Helper()
	c, err := webex.New(webex.Config{BaseURL: s.WebexBaseURL(), Token: sandbox.DemoWebexToken, MaxRetries: 2,
		RetryWaitMin: 5 * time.Millisecond, RetryWaitMax: 50 * time.Millisecond})
	if err != nil {
		s.t.Fatalf("webex client: %v", err)
	}
	return c
}

// WholesaleUserConfig is the HCL of resource "ucprov_user" "test" at the Paris location (a
// wholesale subscriber needs an email). Each extra line goes inside the block.
func WholesaleUserConfig(first, last, email string, extra ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\nresource \"ucprov_user\" \"test\" {\n  group_id   = %q\n  first_name = %q\n  last_name  = %q\n  email      = %q\n",
		LocationParis, first, last, email)
	for _, line := range extra {
		b.WriteString("  " + line + "\n")
	}
	b.WriteString("}\n")
	return b.String()
}
