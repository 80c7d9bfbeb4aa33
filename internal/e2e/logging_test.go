package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The provider logs nothing when the CLI would drop its lines (main.quietUnlessKept), and logs as
// before when TF_LOG or TF_LOG_PROVIDER asks for them.
func TestProviderLogsWhenAskedFor(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sb := startSandbox(t, SandboxOptions{})
	for _, env := range []string{"TF_LOG=trace", "TF_LOG_PROVIDER=trace"} {
		t.Run(env, func(t *testing.T) {
			wd := workdir(t, sb)
			if err := wd.WriteFile("main.tf", Config{Users: 1, Prefix: "lg"}.HCL()); err != nil {
				t.Fatal(err)
			}
			logPath := filepath.Join(t.TempDir(), "terraform.log")
			wd.Env = append(wd.Env, env, "TF_LOG_PATH="+logPath)
			must(t)(wd.Exec(ctx, "plan", "-input=false"))
			b, err := os.ReadFile(logPath)
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{
				"configured the platform",    // the provider's own line (tflog.Debug in Configure)
				"Sending request downstream", // terraform-plugin-go's, at TRACE (TF_LOG_SDK)
			} {
				if !strings.Contains(string(b), want) {
					t.Errorf("with %s the log has no %q line", env, want)
				}
			}
		})
	}
}
