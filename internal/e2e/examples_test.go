package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ucprov/terraform-provider-ucprov/internal/client"
	"github.com/ucprov/terraform-provider-ucprov/internal/sandbox"
)

// TestExampleOnboardSite validates and applies examples/onboard-site as it is (versions.tf and
// main.tf, for_each and all) with the real CLI against a sandbox: three Paris users with numbers,
// generated passcodes, French E911 addresses without a state and activations, and one group-wide
// invitation that emails the one user still waiting (the demo seed's pending. user). The next plan
// is empty; a new invitation_round emails that user again.
func TestExampleOnboardSite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sb := startSandbox(t, SandboxOptions{})
	wd := workdir(t, sb)
	for _, f := range []string{"versions.tf", "main.tf"} {
		b, err := os.ReadFile(filepath.Join(RepoRoot(), "examples", "onboard-site", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := wd.WriteFile(f, string(b)); err != nil {
			t.Fatal(err)
		}
	}
	must(t)(wd.Exec(ctx, "validate"))
	must(t)(wd.Apply(ctx))
	planEmpty(ctx, t, wd)

	var outputs struct {
		Invitations struct {
			Value struct{ Sent, Skipped, Failed int } `json:"value"`
		} `json:"invitations"`
		Next struct {
			Value []string `json:"value"`
		} `json:"next_free_numbers"`
	}
	out := must(t)(wd.Exec(ctx, "output", "-json"))
	if err := json.Unmarshal([]byte(jsonPart(out.Output)), &outputs); err != nil {
		t.Fatalf("outputs: %v\n%s", err, out.Output)
	}
	if inv := outputs.Invitations.Value; inv.Sent != 1 || inv.Skipped != 2 || inv.Failed != 0 {
		t.Errorf("invitations %+v, want 1 sent (the pending. user), 2 skipped", inv)
	}
	if len(outputs.Next.Value) != 3 || outputs.Next.Value[0] != "+33634333200" || outputs.Next.Value[1] != "+33634333204" {
		t.Errorf("next free numbers %v", outputs.Next.Value)
	}

	c, err := sb.Client()
	if err != nil {
		t.Fatal(err)
	}
	irene, err := c.ListUsers(ctx, sandbox.DemoEnterpriseAcme, client.UserFilter{Email: "pending.irene@acme.example"})
	if err != nil || len(irene) != 1 {
		t.Fatalf("irene: %v %v", irene, err)
	}
	e, err := c.GetE911(ctx, irene[0].ID)
	if err != nil || e.State != "" || e.Country != "FR" || e.Status != "valid" {
		t.Errorf("french address: %+v %v", e, err)
	}
	invited := func() int {
		a, err := c.GetActivation(ctx, irene[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		return a.InvitationsSent
	}
	if n := invited(); n != 1 {
		t.Errorf("irene invited %d times, want 1", n)
	}
	must(t)(wd.Apply(ctx, "-var", "invitation_round=2"))
	if n := invited(); n != 2 {
		t.Errorf("after a new round irene was invited %d times, want 2", n)
	}

	// Marie moves to another number and extension: her voicemail passcode stays (issue 20), the
	// generated passcode is not drawn again and no passcode is written.
	passcodeRoute := sb.Counter(OpSetPasscode)
	before, err := sb.Metrics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := wd.WriteFile("move.auto.tfvars", `people = {
  marie  = { first = "Marie", last = "Curie", email = "marie.curie@acme.example", number = "+33634333204", ext = "3304" }
  pierre = { first = "Pierre", last = "Curie", email = "pierre.curie@acme.example", number = "+33634333202", ext = "3302" }
  irene  = { first = "Irene", last = "Joliot", email = "pending.irene@acme.example", number = "+33634333203", ext = "3303" }
}
`); err != nil {
		t.Fatal(err)
	}
	plan := must(t)(wd.Exec(ctx, "plan", "-no-color"))
	if strings.Contains(plan.Output, `ucprov_generated_passcode.site["marie"] must be replaced`) ||
		strings.Contains(plan.Output, `ucprov_user.site["marie"] will be updated`) {
		t.Errorf("moving marie's number regenerates her passcode:\n%s", plan.Output)
	}
	must(t)(wd.Apply(ctx))
	after, err := sb.Metrics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after[passcodeRoute] != before[passcodeRoute] {
		t.Errorf("moving marie's number wrote %d passcodes", after[passcodeRoute]-before[passcodeRoute])
	}
	users, err := c.ListUsers(ctx, sandbox.DemoEnterpriseAcme, client.UserFilter{Email: "marie.curie@acme.example"})
	if err != nil || len(users) != 1 {
		t.Fatalf("marie: %v %v", users, err)
	}
	if n, err := c.GetNumber(ctx, users[0].ID); err != nil || n.PhoneNumber != "+33634333204" {
		t.Errorf("marie's number: %+v %v", n, err)
	}
}

// jsonPart drops anything the CLI printed before the JSON document (dev_overrides warnings).
func jsonPart(s string) string {
	for i, r := range s {
		if r == '{' {
			return s[i:]
		}
	}
	return s
}
