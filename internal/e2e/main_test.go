package e2e

import (
	"context"
	"os"
	"sync"
	"testing"
)

// The binaries are built once per test binary, on first use.
var (
	buildOnce sync.Once
	builtBins *Binaries
	buildErr  error
	buildDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// binaries skips the test without TF_ACC (it drives the real CLI) and returns the built binaries.
func binaries(t *testing.T) *Binaries {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("end-to-end tests run only with TF_ACC=1 (make test sets it)")
	}
	if _, err := TerraformPath(); err != nil {
		t.Skip(err)
	}
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "ucprov-e2e-bin-")
		if buildErr == nil {
			builtBins, buildErr = Build(context.Background(), buildDir)
		}
	})
	if buildErr != nil {
		t.Fatalf("build: %v", buildErr)
	}
	return builtBins
}

// startSandbox starts a subprocess sandbox that is stopped when the test ends.
func startSandbox(t *testing.T, opts SandboxOptions) *Sandbox {
	t.Helper()
	bins := binaries(t)
	if opts.Dir == "" {
		opts.Dir = t.TempDir()
	}
	if opts.Platform == "" {
		// make reliability runs the scenarios once per platform (UCPROV_E2E_PLATFORM).
		opts.Platform = os.Getenv("UCPROV_E2E_PLATFORM")
	}
	sb, err := StartSandbox(context.Background(), bins, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := sb.Stop(); err != nil {
			t.Errorf("stop sandbox: %v", err)
		}
		if t.Failed() {
			t.Logf("sandbox log %s (tail):\n%s", sb.Log, tail(sb.Log))
		}
	})
	return sb
}

func workdir(t *testing.T, sb *Sandbox) *Workdir {
	t.Helper()
	wd, err := NewWorkdir(t.TempDir(), binaries(t), sb)
	if err != nil {
		t.Fatal(err)
	}
	return wd
}

// must fails the test on a run error or an unexpected exit code: must(t)(wd.Apply(ctx)).
func must(t *testing.T) func(*Result, error) *Result {
	return func(res *Result, err error) *Result {
		t.Helper()
		if err == nil {
			err = res.Err()
		}
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
}
