// Package acctest is the acceptance-test harness: it starts a sandbox backend in the test process on
// 127.0.0.1 with a fresh in-memory database and wires the provider to it, so that every acceptance
// test runs the real Terraform CLI against real HTTP and a real database.
package acctest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/ucprov/terraform-provider-ucprov/internal/apispec"
	"github.com/ucprov/terraform-provider-ucprov/internal/client"
	"github.com/ucprov/terraform-provider-ucprov/internal/provider"
	"github.com/ucprov/terraform-provider-ucprov/internal/sandbox"
)

// Enterprise and groups of the sandbox's demo seed.
const (
	Enterprise       = "ent_acme"
	OtherEnterprise  = "ent_globex"
	GroupDenver      = "grp_denver"
	GroupParis       = "grp_paris"
	GroupTokyo       = "grp_tokyo"
	AcmeAdminToken   = "acme-admin-token"
	GlobexAdminToken = "globex-admin-token"
)

// ProviderFactories runs the provider in the test process.
var ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"ucprov": func() (tfprotov6.ProviderServer, error) { return provider.NewServer("test", "none")(), nil },
}

// Sandbox is a running sandbox for one test.
type Sandbox struct {
	*sandbox.Server
	t *testing.T
	// proxyURL is the OCI-P checking proxy's SOAP URL once started (ocipcheck.go).
	proxyURL atomic.Pointer[string]
}

// PreCheck skips the test unless TF_ACC is set (the framework also checks this; skipping early avoids
// starting a sandbox for nothing).
func PreCheck(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance tests run only with TF_ACC=1 (make test sets it)")
	}
}

// Start starts a sandbox with the demo seed and a fast job worker; it is closed when the test ends.
// Options may adjust the sandbox's settings.
func Start(t *testing.T, opts ...func(*sandbox.Options)) *Sandbox {
	t.Helper()
	PreCheck(t)
	// Every request of the provider and every answer of the sandbox is checked against
	// api/openapi.yaml; a mismatch fails the test with the route and the error.
	o := sandbox.Options{Seed: "demo", JobTick: 20 * time.Millisecond, Middleware: apispec.Middleware(t, apispec.Conforming)}
	for _, f := range opts {
		f(&o)
	}
	srv, err := sandbox.New(o)
	if err != nil {
		t.Fatalf("start sandbox: %v", err)
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatalf("listen sandbox: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("close sandbox: %v", err)
		}
	})
	return &Sandbox{Server: srv, t: t}
}

// ProviderConfig is a provider block that points at the sandbox with the service-provider token
// and ent_acme as the default enterprise. Retries are quick so fault tests stay fast.
func (s *Sandbox) ProviderConfig() string {
	return fmt.Sprintf(`
provider "ucprov" {
  endpoint      = %q
  token         = %q
  enterprise_id = %q
  max_retries   = 3
}
`, s.URL(), s.AdminToken(), Enterprise)
}

// Client is an API client with the service-provider token, for checks outside Terraform.
func (s *Sandbox) Client() *client.Client {
	s.t.Helper()
	c, err := client.New(client.Config{
		Endpoint: s.URL(), Token: s.AdminToken(), MaxRetries: 2,
		RetryWaitMin: 5 * time.Millisecond, RetryWaitMax: 50 * time.Millisecond,
	})
	if err != nil {
		s.t.Fatalf("client: %v", err)
	}
	return c
}

// CheckNoWrites returns a PreConfig that records the sandbox's write count and a Check that fails
// when it moved, to prove that nothing was written.
func (s *Sandbox) CheckNoWrites() (mark func(), check func(*terraform.State) error) {
	var before int64
	mark = func() { before = s.WriteCount() }
	check = func(*terraform.State) error {
		if got := s.WriteCount(); got != before {
			return fmt.Errorf("expected no write to reach the sandbox, but %d did; metrics: %v", got-before, s.Metrics())
		}
		return nil
	}
	return mark, check
}

// Ctx is a context for API calls made by test checks.
func Ctx() context.Context { return context.Background() }

// ResourceID returns the id attribute of a resource in the state.
func ResourceID(s *terraform.State, name string) (string, error) {
	rs, ok := s.RootModule().Resources[name]
	if !ok {
		return "", fmt.Errorf("resource %s not in state", name)
	}
	return rs.Primary.ID, nil
}

// UserConfig is the HCL of resource "ucprov_user" "test" in the demo seed's Denver group: the
// user most acceptance tests build on. Each extra line (`email = "ada@acme.example"`) goes
// inside the block.
func UserConfig(first, last string, extra ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\nresource \"ucprov_user\" \"test\" {\n  group_id   = %q\n  first_name = %q\n  last_name  = %q\n", GroupDenver, first, last)
	for _, line := range extra {
		b.WriteString("  " + line + "\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// DeleteUserOutOfBand returns a PreConfig that deletes the user *id outside Terraform (as an admin
// would in the portal), failing the test when the backend refuses. id is read when the step runs.
func (s *Sandbox) DeleteUserOutOfBand(t *testing.T, id *string) func() {
	return func() {
		t.Helper()
		if err := s.Client().DeleteUser(Ctx(), *id, client.WriteOptions{}); err != nil {
			t.Fatalf("delete user %s out of band: %v", *id, err)
		}
	}
}
