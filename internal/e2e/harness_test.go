package e2e

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// The harness itself: a small configuration with every per-user resource applies against a
// subprocess sandbox, the next plan is empty, the objects survive a SIGKILL and a restart on the same
// database, and destroy removes them.
func TestHarnessApplyKillRestartDestroy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sb := startSandbox(t, SandboxOptions{Inventory: 150})
	wd := workdir(t, sb)
	cfg := Config{Users: 2, Offset: 120, Number: true, E911: true, IMP: true, Activation: true, CallForwarding: true}
	if err := wd.WriteConfig(cfg); err != nil {
		t.Fatal(err)
	}

	run, err := wd.Start(ctx, "apply", "-input=false", "-auto-approve")
	if err != nil {
		t.Fatal(err)
	}
	// Sample the provider's processes while the apply runs, as the benchmarks do.
	var pids []int
	for deadline := time.Now().Add(time.Minute); len(pids) == 0 && time.Now().Before(deadline); {
		pids = run.ProviderPIDs()
		time.Sleep(20 * time.Millisecond)
	}
	for _, p := range pids {
		if hwm, err := VmHWM(p); err != nil || hwm < 1<<20 {
			t.Logf("VmHWM of provider %d: %d (%v)", p, hwm, err) // the process may just have exited
		}
	}
	res, err := run.Wait()
	must(t)(res, err)
	if res.Duration <= 0 || !strings.Contains(res.Output, "Apply complete! Resources: 12 added") {
		t.Fatalf("apply: %s", res.Output)
	}
	if len(pids) == 0 || len(res.ProviderPIDs) == 0 {
		t.Errorf("no terraform-provider-ucprov child seen during the apply")
	}
	state, err := wd.StateList(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(state) != cfg.Count() {
		t.Errorf("state has %d resources, want %d: %v", len(state), cfg.Count(), state)
	}
	m, err := sb.Metrics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sb.Count(m, OpCreateUser) != 2 {
		t.Errorf("metrics: %v", m)
	}

	if err := sb.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := sb.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	changes, res, err := wd.PlanChanges(ctx)
	if err != nil || changes {
		t.Fatalf("plan after restart: changes=%v err=%v\n%s", changes, err, res.Output)
	}
	if err := CheckBackend(ctx, sb, cfg); err != nil {
		t.Fatal(err)
	}
	// The check sees a missing object and a wrong value.
	bad := cfg
	bad.Users, bad.Department = 3, "Sales"
	if err := CheckBackend(ctx, sb, bad); err == nil || !strings.Contains(err.Error(), "missing") || !strings.Contains(err.Error(), `department "Engineering", want "Sales"`) {
		t.Errorf("CheckBackend of a different configuration: %v", err)
	}

	must(t)(wd.Destroy(ctx))
	if changes, res, err := wd.PlanChanges(ctx); err != nil || !changes {
		t.Fatalf("plan after destroy: changes=%v err=%v\n%s", changes, err, res.Output)
	}
	// No user is left: every one of them is an orphan of an empty configuration.
	empty := cfg
	empty.Users = 0
	if err := CheckBackend(ctx, sb, empty); err != nil {
		t.Errorf("after destroy: %v", err)
	}
}

func TestVmHWMAndChildren(t *testing.T) {
	if _, err := VmHWM(1 << 30); err == nil {
		t.Error("VmHWM of a missing process")
	}
}

func TestProcessCPU(t *testing.T) {
	if _, err := ProcessCPU(1 << 30); err == nil {
		t.Error("ProcessCPU of a missing process")
	}
	before, err := ProcessCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	// Burn CPU until the kernel has counted at least 5 more ticks (50 ms); give up after 10 s.
	deadline := time.Now().Add(10 * time.Second)
	x := 0
	for time.Now().Before(deadline) {
		for i := range 1 << 20 {
			x += i
		}
		after, err := ProcessCPU(os.Getpid())
		if err != nil {
			t.Fatal(err)
		}
		if after-before >= 50*time.Millisecond {
			return
		}
	}
	t.Errorf("ProcessCPU did not grow by 50 ms in 10 s of busy loop (%d)", x)
}

func TestConfigHCL(t *testing.T) {
	cfg := Config{Users: 2, Prefix: "wa", Offset: 100, Number: true, Activation: true}
	hcl := cfg.HCL()
	for _, want := range []string{
		`u100 = { first = "User100", email = "wa100@acme.example", ext = "100100", number = "+17205600000" }`,
		`u101 = {`, `resource "ucprov_user_number" "u"`, `resource "ucprov_activation" "u"`,
		`depends_on = [ucprov_user_number.u]`,
	} {
		if !strings.Contains(hcl, want) {
			t.Errorf("HCL lacks %q:\n%s", want, hcl)
		}
	}
	for _, not := range []string{"ucprov_e911_address", "ucprov_imp_setting", "ucprov_call_forwarding", "u102"} {
		if strings.Contains(hcl, not) {
			t.Errorf("HCL has %q:\n%s", not, hcl)
		}
	}
	if got := cfg.Count(); got != 6 {
		t.Errorf("Count = %d, want 6", got)
	}
}
