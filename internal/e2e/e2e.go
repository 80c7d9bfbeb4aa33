// Package e2e is the end-to-end harness of the reliability tests and the benchmarks (internal/bench,
// `make reliability`, `make bench`): it builds the provider and the sandbox binaries, runs the
// sandbox as a subprocess on a file database (and kills and restarts it), generates configurations
// of N users, and drives the real Terraform CLI in working directories with dev_overrides.
//
// A typical run:
//
//	bins, _ := e2e.Build(ctx, t.TempDir())
//	sb, _ := e2e.StartSandbox(ctx, bins, e2e.SandboxOptions{Dir: t.TempDir(), FaultRate: 0.3, FaultSeed: 1})
//	defer sb.Stop()
//	wd, _ := e2e.NewWorkdir(t.TempDir(), bins, sb)
//	_ = wd.WriteConfig(e2e.Config{Users: 50, Number: true, E911: true})
//	res, _ := wd.Apply(ctx)          // res.Duration, res.ExitCode, res.Output
//	changes, _, _ := wd.PlanChanges(ctx)
//
// Only tests, internal/bench and the reliability program import it.
package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// Binaries are the freshly built provider and sandbox.
type Binaries struct {
	// PluginDir holds terraform-provider-ucprov (the dev_overrides directory).
	PluginDir string
	// Provider is the provider binary, Sandbox the ucprov-sandbox binary.
	Provider, Sandbox string
}

// RepoRoot is the repository's root directory (where go.mod is), found from this source file.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Build compiles the provider and the sandbox into dir (go build, with the go on PATH or $GO).
func Build(ctx context.Context, dir string) (*Binaries, error) {
	goBin := os.Getenv("GO")
	if goBin == "" {
		goBin = "go"
	}
	b := &Binaries{
		PluginDir: filepath.Join(dir, "plugins"),
		Sandbox:   filepath.Join(dir, "ucprov-sandbox"),
	}
	b.Provider = filepath.Join(b.PluginDir, "terraform-provider-ucprov")
	for _, step := range []struct{ out, pkg string }{
		{b.Provider, "."},
		{b.Sandbox, "./internal/sandbox/cmd/ucprov-sandbox"},
	} {
		cmd := exec.CommandContext(ctx, goBin, "build", "-o", step.out, step.pkg)
		cmd.Dir = RepoRoot()
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("go build %s: %w\n%s", step.pkg, err, strings.TrimSpace(string(out)))
		}
	}
	return b, nil
}

// TerraformPath is the CLI the harness drives: $TF_ACC_TERRAFORM_PATH, else $TERRAFORM, else
// "terraform" on PATH.
func TerraformPath() (string, error) {
	for _, env := range []string{"TF_ACC_TERRAFORM_PATH", "TERRAFORM"} {
		if p := os.Getenv(env); p != "" {
			return p, nil
		}
	}
	p, err := exec.LookPath("terraform")
	if err != nil {
		return "", fmt.Errorf("no terraform CLI: set TF_ACC_TERRAFORM_PATH or TERRAFORM, or put terraform on PATH: %w", err)
	}
	return p, nil
}
