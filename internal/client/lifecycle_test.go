package client_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/ucprov/terraform-provider-ucprov/internal/client"
	"github.com/ucprov/terraform-provider-ucprov/internal/sandbox"
)

// TestSandboxLifecycle drives the lifecycle endpoints through the client against a sandbox:
// invitations counted and resent, the precheck, the one-per-enterprise invitations job and its
// counts, and Reset User with If-Match.
func TestSandboxLifecycle(t *testing.T) {
	srv, err := sandbox.New(sandbox.Options{Seed: sandbox.SeedDemo, JobTick: 250 * time.Millisecond}) // slow enough that the first invitations job is still running when the second is asked for
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	c, err := client.New(client.Config{Endpoint: srv.URL(), Token: sandbox.DemoAcmeToken})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	u, err := c.CreateUser(ctx, sandbox.DemoEnterpriseAcme, client.UserInput{GroupID: sandbox.DemoGroupDenver,
		FirstName: "Ada", LastName: "Lovelace", Email: "pending.ada@example.com"})
	if err != nil {
		t.Fatal(err)
	}

	v, err := c.ValidateActivation(ctx, u.ID, client.ActivationValidateInput{Email: sandbox.DemoExternalWebexAccount})
	if err != nil || v.OK || len(v.Errors) != 1 || v.Errors[0].Code != "email_conflict" || v.Errors[0].Field != "email" {
		t.Fatalf("validate a foreign webex account: %+v, %v", v, err)
	}
	if v, err := c.ValidateActivation(ctx, u.ID, client.ActivationValidateInput{}); err != nil || !v.OK || len(v.Errors) != 0 {
		t.Fatalf("validate the user's own email: %+v, %v", v, err)
	}

	if _, err := c.CreateActivation(ctx, u.ID, client.ActivationInput{SendActivationEmail: true}, client.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	a, err := c.WaitActivation(ctx, u.ID, client.ActivationWait{Poll: 10 * time.Millisecond,
		Until: func(a *client.Activation) bool { return a.Status == client.ActivationPendingEmailValidation }})
	if err != nil || a.InvitationsSent != 1 || a.LastInvitedAt == "" {
		t.Fatalf("activation after create: %+v, %v", a, err)
	}
	if a, err = c.ResendInvitation(ctx, u.ID); err != nil || a.InvitationsSent != 2 {
		t.Fatalf("resend: %+v, %v", a, err)
	}

	ref, err := c.StartInvitations(ctx, sandbox.DemoEnterpriseAcme, sandbox.DemoGroupDenver)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.StartInvitations(ctx, sandbox.DemoEnterpriseAcme, "")
	if apiErr, ok := client.AsAPIError(err); !ok || !client.IsConflict(err) || apiErr.Code != "job_in_progress" || apiErr.JobID != ref.JobID {
		t.Fatalf("second invitations job: %v", err)
	}
	j, err := c.WaitJob(ctx, ref.JobID, 10*time.Millisecond, nil)
	if err != nil || j.Kind != "invitations" || j.Status != client.JobSucceeded || j.Result == nil ||
		j.Result.Sent != 1 || j.Result.GroupID != sandbox.DemoGroupDenver {
		t.Fatalf("invitations job: %+v (%+v), %v", j, j.Result, err)
	}
	if _, err := c.StartInvitations(ctx, sandbox.DemoEnterpriseAcme, sandbox.DemoGroupTokyo); err == nil {
		t.Fatal("a group of another enterprise was accepted")
	}

	_, err = c.ResetUser(ctx, u.ID, client.WriteOptions{IfMatch: `"999"`})
	if apiErr, ok := client.AsAPIError(err); !ok || apiErr.Status != http.StatusPreconditionFailed {
		t.Fatalf("reset with a stale etag: %v", err)
	}
	r, err := c.ResetUser(ctx, u.ID, client.WriteOptions{IfMatch: u.ETag})
	if err != nil || r.FirstName != "Available" || r.LastName != "User" || r.Email != "" {
		t.Fatalf("reset: %+v, %v", r, err)
	}
	if _, err := c.GetActivation(ctx, u.ID); !client.IsNotFound(err) {
		t.Fatalf("activation after reset: %v", err)
	}
}
