package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// newcomerConfig is what issue 20's newcomer wrote: two users with numbers, one with write-only
// secrets, IM&P, email_change_strategy = "cycle_imp" and an activation that does not name the
// user's email (as the quick start writes it).
const newcomerConfig = `
terraform {
  required_providers {
    ucprov = {
      source = "ucprov/ucprov"
    }
  }
}

provider "ucprov" {}

variable "ada_email" { type = string }
variable "ext_ada" { type = string }
variable "ext_bob" { type = string }

resource "ucprov_user" "ada" {
  group_id                      = "grp_denver"
  first_name                    = "Ada"
  last_name                     = "Lovelace"
  email                         = var.ada_email
  email_change_strategy         = "cycle_imp"
  voicemail_passcode_wo         = "135790"
  voicemail_passcode_wo_version = 1
  portal_password_wo            = "Str0ng!pass"
  portal_password_wo_version    = 1
}

resource "ucprov_imp_setting" "ada" {
  user_id = ucprov_user.ada.id
  enabled = true
}

resource "ucprov_activation" "ada" {
  user_id    = ucprov_user.ada.id
  wait_for   = "provisioned"
  depends_on = [ucprov_imp_setting.ada]
}

resource "ucprov_user" "bob" {
  group_id   = "grp_denver"
  first_name = "Bob"
  last_name  = "Babbage"
}

resource "ucprov_user_number" "ada" {
  user_id   = ucprov_user.ada.id
  extension = var.ext_ada
}

resource "ucprov_user_number" "bob" {
  user_id   = ucprov_user.bob.id
  extension = var.ext_bob
}
`

// TestNewcomerPlanSaysSo drives issue 20's newcomer with the real CLI (write-only attributes:
// Terraform >= 1.11): two new users given one extension get a plan warning naming it, two existing
// users an error; an email change with cycle_imp warns that the Webex account is re-created,
// plans the activation's update and converges in one apply; `terraform state rm` + `import` of
// the user with write-only secrets plans a warning and applies (no passcode_reused), and the plan
// after is empty.
func TestNewcomerPlanSaysSo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sb := startSandbox(t, SandboxOptions{})
	wd := workdir(t, sb)
	if v := must(t)(wd.Exec(ctx, "version")); !cliAtLeast(v.Output, 1, 11) {
		t.Skipf("write-only attributes need Terraform >= 1.11: %s", strings.SplitN(v.Output, "\n", 2)[0])
	}
	vars := func(email, extAda, extBob string) {
		t.Helper()
		if err := wd.WriteFile("terraform.tfvars", fmt.Sprintf("ada_email = %q\next_ada = %q\next_bob = %q\n", email, extAda, extBob)); err != nil {
			t.Fatal(err)
		}
	}
	if err := wd.WriteFile("main.tf", newcomerConfig); err != nil {
		t.Fatal(err)
	}
	wantIn := func(out string, parts ...string) {
		t.Helper()
		flat := strings.Join(strings.Fields(strings.ReplaceAll(out, "│", " ")), " ")
		for _, p := range parts {
			if !strings.Contains(flat, p) {
				t.Errorf("output lacks %q:\n%s", p, out)
			}
		}
	}

	// Two new users, one extension: a warning before anything is written.
	vars("ada@acme.example", "1420", "1420")
	plan := must(t)(wd.Exec(ctx, "plan", "-no-color", "-input=false"))
	wantIn(plan.Output, "Warning: Extension 1420 is claimed by another resource of this plan", "a user created in this apply")

	vars("ada@acme.example", "1420", "1421")
	must(t)(wd.Apply(ctx))
	planEmpty(ctx, t, wd)

	// Two existing users of one enterprise, one extension: an error.
	vars("ada@acme.example", "1421", "1421")
	bad, err := wd.Exec(ctx, "plan", "-no-color", "-input=false")
	if err != nil {
		t.Fatal(err)
	}
	if bad.ExitCode == 0 {
		t.Fatalf("the plan giving 1421 to both users succeeded:\n%s", bad.Output)
	}
	wantIn(bad.Output, "Error: Extension 1421 is claimed by another resource of this plan", "Both users are in one enterprise")

	// cycle_imp: the plan says the Webex account is re-created and updates the activation; one
	// apply converges.
	vars("countess@acme.example", "1420", "1421")
	plan = must(t)(wd.Exec(ctx, "plan", "-no-color", "-input=false"))
	wantIn(plan.Output, "Warning: The user's Webex account will be re-created", "ucprov_activation.ada will be updated in-place")
	must(t)(wd.Apply(ctx))
	planEmpty(ctx, t, wd)

	// terraform state rm + import of the user with write-only secrets.
	must(t)(wd.Exec(ctx, "state", "rm", "ucprov_user.ada"))
	must(t)(wd.Exec(ctx, "import", "-input=false", "ucprov_user.ada", "countess@acme.example"))
	plan = must(t)(wd.Exec(ctx, "plan", "-no-color", "-input=false"))
	wantIn(plan.Output, "Warning: Secret not sent after import", "change voicemail_passcode_wo_version (for example to 2)")
	before, err := sb.Metrics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	must(t)(wd.Apply(ctx))
	after, err := sb.Metrics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, route := range []string{sb.Counter(OpSetPasscode), sb.Counter(OpSetPassword)} {
		if after[route] != before[route] {
			t.Errorf("the apply after the import sent %d requests %s", after[route]-before[route], route)
		}
	}
	planEmpty(ctx, t, wd)
}

// cliAtLeast reads "Terraform v1.11.4" (or "OpenTofu v1.12.0") from `version` output.
func cliAtLeast(out string, major, minor int) bool {
	var maj, mnr int
	for _, f := range strings.Fields(out) {
		if _, err := fmt.Sscanf(f, "v%d.%d", &maj, &mnr); err == nil {
			return maj > major || (maj == major && mnr >= minor)
		}
	}
	return false
}
