package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/ucprov/terraform-provider-ucprov/internal/client"
	"github.com/ucprov/terraform-provider-ucprov/internal/ocip"
	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
	"github.com/ucprov/terraform-provider-ucprov/internal/platform/broadworks"
	"github.com/ucprov/terraform-provider-ucprov/internal/sandbox"
	"github.com/ucprov/terraform-provider-ucprov/internal/webex"
)

// broadworksPlatform is the broadworks platform over the sandbox's OCI-P (SOAP) and Webex for
// BroadWorks front-ends, with the credentials of its env file: what a new provider process has.
func broadworksPlatform(t *testing.T, sb *Sandbox) *broadworks.Platform {
	t.Helper()
	env := sb.platformEnv
	p, err := broadworks.New(broadworks.Config{
		OCIP: ocip.Config{Endpoint: env["UCPROV_BROADWORKS_ENDPOINT"], Username: env["UCPROV_BROADWORKS_USERNAME"],
			Password: env["UCPROV_BROADWORKS_PASSWORD"], RetryWaitMin: 10 * time.Millisecond, RetryWaitMax: 200 * time.Millisecond},
		Webex:             webex.Config{BaseURL: env["WEBEX_BASE_URL"], Token: env["WEBEX_ACCESS_TOKEN"], MaxRetries: 4},
		ServiceProviderID: sb.EnterpriseID,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close(context.Background()) })
	return p
}

// Item 4 on BroadWorks, the mechanism (issue 18 item 6): OCI-P has no idempotency keys, so a user
// add committed just before a SIGKILL, whose answer the provider never got, is resolved by its
// natural key. After the restart a new provider process creates the same user again: the add
// with the same derived user id meets "[Error 4200] User already exists" and the user read in the
// same document is the one asked for (group, names, email), so it is adopted: same user id,
// nothing new. A different person whose derived id is taken gets the next candidate instead.
func TestReliabilityLostOCIPAddSurvivesKill(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sb := startSandbox(t, SandboxOptions{Platform: platform.NameBroadWorks})
	in := platform.UserInput{GroupID: sandbox.DemoGroupDenver, FirstName: "Kill", LastName: "Nine", Email: "kill9@acme.example"}
	first, err := broadworksPlatform(t, sb).CreateUser(ctx, sb.EnterpriseID, in)
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := sb.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	m0, err := sb.Metrics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	again, err := broadworksPlatform(t, sb).CreateUser(ctx, sb.EnterpriseID, in)
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != first.ID {
		t.Errorf("the create after the restart made %q, want %q (the user the first add committed)", again.ID, first.ID)
	}
	m1, err := sb.Metrics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if adds := m1[sandbox.OCIPCommandMetric("UserAddRequest22V2")] - m0[sandbox.OCIPCommandMetric("UserAddRequest22V2")]; adds != 1 {
		t.Errorf("%d user adds sent after the restart, want 1 (refused 4200, then adopted)", adds)
	}
	c, err := sb.Client()
	if err != nil {
		t.Fatal(err)
	}
	users, err := c.ListUsers(ctx, sb.EnterpriseID, client.UserFilter{Email: in.Email})
	if err != nil || len(users) != 1 {
		t.Errorf("users with the email after the second create: %d (%v), want 1", len(users), err)
	}

	// Another person whose derived id is the same (same email local part, another domain and
	// names) is not taken for the lost create: a second user, with the next candidate id.
	other := platform.UserInput{GroupID: sandbox.DemoGroupDenver, FirstName: "Other", LastName: "Person", Email: "kill9@elsewhere.example"}
	u, err := broadworksPlatform(t, sb).CreateUser(ctx, sb.EnterpriseID, other)
	if err != nil {
		t.Fatal(err)
	}
	if u.ID == first.ID || u.FirstName != "Other" {
		t.Errorf("the other person's create returned %+v, want a new user (not %s)", u, first.ID)
	}
}
