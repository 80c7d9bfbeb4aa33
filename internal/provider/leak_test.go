package provider_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ucprov/terraform-provider-ucprov/internal/acctest"
	"github.com/ucprov/terraform-provider-ucprov/internal/sandbox"
)

// lockedBuffer is a bytes.Buffer safe for the sandbox's concurrent log writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestAccNoSecretLeaks applies a canary passcode and password with TF_LOG=TRACE through the real
// CLI and a built provider binary (so the provider's own logs go through Terraform's log), and
// asserts that neither canary nor the API token appears in the Terraform log, the apply, plan or
// `terraform show` output, or any sandbox log line (debug level).
func TestAccNoSecretLeaks(t *testing.T) {
	acctest.PreCheck(t)
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		t.Skip("TF_ACC_TERRAFORM_PATH is not set (make test sets it)")
	}
	const (
		canaryPasscode = "86420975"
		canaryPassword = "Canary!Pw9zQ"
	)
	var sandboxLog lockedBuffer
	sb := acctest.Start(t, func(o *sandbox.Options) {
		o.Logger = slog.New(slog.NewJSONHandler(&sandboxLog, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})

	dir := t.TempDir()
	binDir := filepath.Join(dir, "plugins")
	build := exec.Command("go", "build", "-o", filepath.Join(binDir, "terraform-provider-ucprov"), "../..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the provider: %v\n%s", err, out)
	}
	rc := filepath.Join(dir, "terraformrc")
	// The source "ucprov/ucprov" means registry.terraform.io to Terraform and registry.opentofu.org
	// to OpenTofu: override both, so that the test runs with either CLI.
	writeFile(t, rc, fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n    %q = %q\n  }\n  direct {}\n}\n",
		"registry.terraform.io/ucprov/ucprov", binDir, "registry.opentofu.org/ucprov/ucprov", binDir))
	work := filepath.Join(dir, "work")
	writeFile(t, filepath.Join(work, "main.tf"), fmt.Sprintf(`
terraform {
  required_providers {
    ucprov = { source = "ucprov/ucprov" }
  }
}
provider "ucprov" {
  endpoint      = %q
  enterprise_id = %q
}
resource "ucprov_user" "canary" {
  group_id           = %q
  first_name         = "Tweety"
  last_name          = "Bird"
  email              = "tweety@acme.example"
  voicemail_passcode = %q
  portal_password    = %q
}
`, sb.URL(), acctest.Enterprise, acctest.GroupDenver, canaryPasscode, canaryPassword))

	logPath := filepath.Join(dir, "terraform.log")
	env := append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+rc, "TF_LOG=TRACE", "TF_LOG_PATH="+logPath, "CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1", "UCPROV_TOKEN="+sb.AdminToken())
	run := func(args ...string) string {
		cmd := exec.Command(tf, args...)
		cmd.Dir, cmd.Env = work, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	outputs := map[string]string{
		"terraform apply": run("apply", "-auto-approve", "-input=false", "-no-color"),
		"terraform show":  run("show", "-no-color"),
		"terraform plan":  run("plan", "-input=false", "-no-color"),
	}
	logData, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	outputs["TF_LOG=TRACE log"] = string(logData)
	outputs["sandbox log"] = sandboxLog.String()

	// The logs must be real: the provider's and the sandbox's own lines are there.
	if !strings.Contains(outputs["TF_LOG=TRACE log"], "voicemail passcode set") {
		t.Fatalf("the Terraform log does not contain the provider's log lines; the test would prove nothing")
	}
	if !strings.Contains(outputs["sandbox log"], "/voicemail/passcode") {
		t.Fatalf("the sandbox log does not contain the passcode request; the test would prove nothing")
	}
	if sb.Metrics()[routePasscode] != 1 || sb.Metrics()[routePassword] != 1 {
		t.Fatalf("the canaries were not written: %v", sb.Metrics())
	}
	for where, text := range outputs {
		for name, secret := range map[string]string{"passcode": canaryPasscode, "password": canaryPassword, "token": sb.AdminToken()} {
			if strings.Contains(text, secret) {
				i := strings.Index(text, secret)
				t.Errorf("the %s leaked into the %s: …%s…", name, where, text[max(0, i-200):min(len(text), i+50)])
			}
		}
	}
	run("destroy", "-auto-approve", "-input=false", "-no-color")
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
