package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Workdir is a Terraform working directory whose CLI configuration points the provider
// registry.terraform.io/ucprov/ucprov at the freshly built binary (dev_overrides: no init needed,
// nothing downloaded) and whose environment points the provider at a sandbox.
type Workdir struct {
	Dir       string
	Terraform string
	// Env is added to the CLI's environment (the sandbox's UCPROV_* and TF_* settings).
	Env []string
}

// NewWorkdir prepares dir (created if missing) for bins' provider and sb's sandbox, with the CLI of
// TerraformPath.
func NewWorkdir(dir string, bins *Binaries, sb *Sandbox) (*Workdir, error) {
	tf, err := TerraformPath()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("work dir: %w", err)
	}
	rc := filepath.Join(dir, ".terraformrc")
	if err := os.WriteFile(rc, []byte(fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/ucprov/ucprov" = %q
  }
  direct {}
}
`, bins.PluginDir)), 0o600); err != nil {
		return nil, fmt.Errorf("cli config: %w", err)
	}
	env := []string{
		"TF_CLI_CONFIG_FILE=" + rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0",
	}
	if sb != nil {
		env = append(env, sb.Env()...)
	}
	return &Workdir{Dir: dir, Terraform: tf, Env: env}, nil
}

// WriteConfig writes c.HCL() as main.tf.
func (w *Workdir) WriteConfig(c Config) error { return w.WriteFile("main.tf", c.HCL()) }

// WriteFile writes a file of the configuration (e.g. an extra .tf file).
func (w *Workdir) WriteFile(name, content string) error {
	if err := os.WriteFile(filepath.Join(w.Dir, name), []byte(content), 0o600); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// Result is one finished CLI run.
type Result struct {
	Args     []string
	Duration time.Duration // wall time
	ExitCode int
	Output   string // stdout and stderr, interleaved
	// ProviderPIDs are the terraform-provider-ucprov processes seen while it ran (see Run.Sample).
	ProviderPIDs []int
	// CPU is the CPU time (user + system) of the terraform process and of the children it waited
	// for: the provider processes among them.
	CPU time.Duration
}

// Err is nil for exit code 0 (or 2 for plan -detailed-exitcode), else an error with the output's tail.
func (r *Result) Err() error {
	if r.ExitCode == 0 || (r.ExitCode == 2 && contains(r.Args, "-detailed-exitcode")) {
		return nil
	}
	out := r.Output
	if len(out) > 6000 {
		out = "…" + out[len(out)-6000:]
	}
	return fmt.Errorf("terraform %s: exit code %d\n%s", strings.Join(r.Args, " "), r.ExitCode, out)
}

// Run is a CLI run in progress.
type Run struct {
	Cmd   *exec.Cmd
	start time.Time
	out   *syncBuffer
	res   *Result
	pids  map[int]bool
}

// Start starts `terraform args...` in the working directory (-no-color is added).
func (w *Workdir) Start(ctx context.Context, args ...string) (*Run, error) {
	args = append(append([]string{}, args...), "-no-color")
	cmd := exec.CommandContext(ctx, w.Terraform, args...)
	cmd.Dir = w.Dir
	cmd.Env = append(os.Environ(), w.Env...)
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	// On cancellation, interrupt terraform first (it stops the provider and saves the state).
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGINT) }
	cmd.WaitDelay = 30 * time.Second
	r := &Run{Cmd: cmd, start: time.Now(), out: out, res: &Result{Args: args}, pids: map[int]bool{}}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start terraform: %w", err)
	}
	return r, nil
}

// Wait waits for the run to end. A non-zero exit code is not an error here (see Result.Err).
func (r *Run) Wait() (*Result, error) {
	err := r.Cmd.Wait()
	r.res.Duration = time.Since(r.start)
	r.res.Output = r.out.String()
	r.res.ExitCode = r.Cmd.ProcessState.ExitCode()
	r.res.CPU = r.Cmd.ProcessState.UserTime() + r.Cmd.ProcessState.SystemTime()
	for pid := range r.pids {
		r.res.ProviderPIDs = append(r.res.ProviderPIDs, pid)
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return r.res, fmt.Errorf("terraform %s: %w", strings.Join(r.res.Args, " "), err)
	}
	return r.res, nil
}

// Output is what the CLI printed so far.
func (r *Run) Output() string { return r.out.String() }

// ProviderPIDs lists the running terraform-provider-ucprov processes started by this run
// (children of the CLI), e.g. to sample their memory with VmHWM while the run lasts.
func (r *Run) ProviderPIDs() []int {
	pids := childrenNamed(r.Cmd.Process.Pid, "terraform-provider-ucprov")
	for _, p := range pids {
		r.pids[p] = true
	}
	return pids
}

// Signal sends sig to the CLI (SIGINT to cancel an apply the way Ctrl-C does).
func (r *Run) Signal(sig os.Signal) error {
	if err := r.Cmd.Process.Signal(sig); err != nil {
		return fmt.Errorf("signal terraform: %w", err)
	}
	return nil
}

// Exec runs `terraform args...` to the end.
func (w *Workdir) Exec(ctx context.Context, args ...string) (*Result, error) {
	r, err := w.Start(ctx, args...)
	if err != nil {
		return nil, err
	}
	return r.Wait()
}

// Init runs terraform init (not needed with dev_overrides unless the configuration uses other
// providers).
func (w *Workdir) Init(ctx context.Context) (*Result, error) {
	return w.Exec(ctx, "init", "-input=false")
}

// Plan runs terraform plan -out=planFile ("" = no saved plan).
func (w *Workdir) Plan(ctx context.Context, planFile string) (*Result, error) {
	args := []string{"plan", "-input=false"}
	if planFile != "" {
		args = append(args, "-out="+planFile)
	}
	return w.Exec(ctx, args...)
}

// Apply runs terraform apply -auto-approve, or applies a saved plan when args name one.
func (w *Workdir) Apply(ctx context.Context, args ...string) (*Result, error) {
	if len(args) == 1 && !strings.HasPrefix(args[0], "-") {
		return w.Exec(ctx, "apply", "-input=false", args[0])
	}
	return w.Exec(ctx, append([]string{"apply", "-input=false", "-auto-approve"}, args...)...)
}

// PlanChanges runs terraform plan -detailed-exitcode: changes reports whether the plan is not
// empty; a failed plan is an error.
func (w *Workdir) PlanChanges(ctx context.Context) (changes bool, res *Result, err error) {
	res, err = w.Exec(ctx, "plan", "-input=false", "-detailed-exitcode")
	if err != nil {
		return false, res, err
	}
	if err := res.Err(); err != nil {
		return false, res, err
	}
	return res.ExitCode == 2, res, nil
}

// Destroy runs terraform destroy -auto-approve.
func (w *Workdir) Destroy(ctx context.Context) (*Result, error) {
	return w.Exec(ctx, "destroy", "-input=false", "-auto-approve")
}

// StateList is `terraform state list`.
func (w *Workdir) StateList(ctx context.Context) ([]string, error) {
	res, err := w.Exec(ctx, "state", "list")
	if err != nil {
		return nil, err
	}
	if err := res.Err(); err != nil {
		return nil, err
	}
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(res.Output), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out, nil
}

// VmHWM is the peak resident set size of a process in bytes (VmHWM of /proc/PID/status; Linux).
func VmHWM(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("read status of %d: %w", pid, err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(v) // "12345 kB"
			if len(f) >= 1 {
				kb, err := strconv.ParseInt(f[0], 10, 64)
				if err != nil {
					return 0, fmt.Errorf("VmHWM of %d: %w", pid, err)
				}
				return kb * 1024, nil
			}
		}
	}
	return 0, fmt.Errorf("no VmHWM for process %d", pid)
}

// ProcessCPU is the CPU time (user + system) process pid has used so far (Linux /proc; the kernel
// counts in ticks of 1/100 s).
func ProcessCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("read stat of %d: %w", pid, err)
	}
	// The command name (field 2) is in parentheses and may hold spaces: count from after it.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0, fmt.Errorf("stat of %d: no command name", pid)
	}
	f := strings.Fields(string(b[i+1:])) // f[0] is field 3 (state); utime and stime are fields 14 and 15
	if len(f) < 13 {
		return 0, fmt.Errorf("stat of %d: %d fields", pid, len(f))
	}
	var ticks int64
	for _, v := range f[11:13] {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("stat of %d: %w", pid, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * (time.Second / 100), nil
}

// childrenNamed lists the descendants of pid whose command name starts with name (Linux /proc).
func childrenNamed(pid int, name string) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	parent := map[int]int{}
	comm := map[int]string{}
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...; comm may contain spaces and parentheses.
		s := string(b)
		open, closing := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || closing < open {
			continue
		}
		f := strings.Fields(s[closing+1:])
		if len(f) < 2 {
			continue
		}
		pp, _ := strconv.Atoi(f[1])
		parent[p], comm[p] = pp, s[open+1:closing]
	}
	var out []int
	for p, c := range comm {
		// /proc's comm is cut to 15 characters ("terraform-provi").
		if !strings.HasPrefix(name, c) && !strings.HasPrefix(c, name) {
			continue
		}
		for a, hops := parent[p], 0; a > 1 && hops < 10; a, hops = parent[a], hops+1 {
			if a == pid {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// syncBuffer is a bytes.Buffer safe for the CLI's two output streams and concurrent readers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p) //nolint:wrapcheck // bytes.Buffer.Write never fails
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
