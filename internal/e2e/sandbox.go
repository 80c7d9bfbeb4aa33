package e2e

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/ucprov/terraform-provider-ucprov/internal/client"
)

// SandboxOptions are the ucprov-sandbox flags of a subprocess sandbox.
type SandboxOptions struct {
	// Dir holds the database (sandbox.db), the env file and the log (sandbox.log). Required.
	Dir string
	// Latency is added to every /v1 request; RateLimit is requests per second (0 = unlimited).
	Latency   time.Duration
	RateLimit float64
	// FaultRate is the chance 0..1 of a random fault per /v1 request, FaultSeed its seed.
	FaultRate float64
	FaultSeed uint64
	// Inventory is the number of phone numbers of grp_denver (default and minimum 100); see
	// sandbox.InventoryNumber.
	Inventory int
	// JobTick is the pace of the activation worker (default 50ms).
	JobTick time.Duration
	// ExtraArgs are appended to the command line.
	ExtraArgs []string
	// Platform is the provider's platform for Env ("" = the reference contract, ucprov): with
	// broadworks or wholesale the provider reaches the same store through the sandbox's OCI-P
	// and Webex front-ends, with the credentials the sandbox's env file gives.
	Platform string
}

// Sandbox is a ucprov-sandbox subprocess with the demo seed on a file database. After Kill it can
// be restarted on the same database and the same address.
type Sandbox struct {
	bin  string
	opts SandboxOptions

	// URL is the base URL ("http://127.0.0.1:PORT"), Token the service-provider admin token and
	// EnterpriseID the demo enterprise (ent_acme). They stay the same across restarts.
	URL, Token, EnterpriseID string
	// DB is the database file, Log the sandbox's log (appended to across restarts).
	DB, Log string
	// platformEnv are the env file's lines of the other platforms' front-ends (UCPROV_BROADWORKS_*,
	// WEBEX_*), as read at the last start.
	platformEnv map[string]string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan error
}

// StartSandbox starts the sandbox binary of bins and waits until it listens.
func StartSandbox(ctx context.Context, bins *Binaries, opts SandboxOptions) (*Sandbox, error) {
	if opts.Dir == "" {
		return nil, errors.New("SandboxOptions.Dir is required")
	}
	if opts.JobTick == 0 {
		opts.JobTick = 50 * time.Millisecond
	}
	tok := make([]byte, 16)
	if _, err := rand.Read(tok); err != nil {
		return nil, fmt.Errorf("admin token: %w", err)
	}
	s := &Sandbox{
		bin: bins.Sandbox, opts: opts,
		Token: "sp-e2e-" + hex.EncodeToString(tok),
		DB:    filepath.Join(opts.Dir, "sandbox.db"),
		Log:   filepath.Join(opts.Dir, "sandbox.log"),
	}
	if err := s.start(ctx, "127.0.0.1:0"); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Sandbox) start(ctx context.Context, listen string) error {
	envFile := filepath.Join(s.opts.Dir, "sandbox.env")
	_ = os.Remove(envFile)
	args := []string{
		"--listen", listen, "--db", s.DB, "--seed", "demo", "--env-file", envFile,
		"--job-tick", s.opts.JobTick.String(), "--log-level", "info",
	}
	if s.opts.Latency > 0 {
		args = append(args, "--latency", s.opts.Latency.String())
	}
	if s.opts.RateLimit > 0 {
		args = append(args, "--rate-limit", strconv.FormatFloat(s.opts.RateLimit, 'g', -1, 64))
	}
	if s.opts.FaultRate > 0 {
		args = append(args, "--fault-rate", strconv.FormatFloat(s.opts.FaultRate, 'g', -1, 64),
			"--fault-seed", strconv.FormatUint(s.opts.FaultSeed, 10))
	}
	if s.opts.Inventory > 0 {
		args = append(args, "--inventory", strconv.Itoa(s.opts.Inventory))
	}
	args = append(args, s.opts.ExtraArgs...)

	logf, err := os.OpenFile(s.Log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("sandbox log: %w", err)
	}
	// Not CommandContext: the sandbox outlives the context of the call that starts it.
	cmd := exec.Command(s.bin, args...)
	cmd.Env = append(os.Environ(), "UCPROV_SANDBOX_TOKEN="+s.Token)
	cmd.Stdout = logf
	cmd.Stderr = logf
	if err := cmd.Start(); err != nil {
		_ = logf.Close()
		return fmt.Errorf("start sandbox: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait(); _ = logf.Close() }()
	s.mu.Lock()
	s.cmd, s.done = cmd, done
	s.mu.Unlock()

	deadline := time.NewTimer(30 * time.Second)
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if env, err := readEnvFile(envFile); err == nil && env["UCPROV_ENDPOINT"] != "" {
			s.URL, s.EnterpriseID = env["UCPROV_ENDPOINT"], env["UCPROV_ENTERPRISE_ID"]
			s.platformEnv = map[string]string{}
			for k, v := range env {
				if strings.HasPrefix(k, "UCPROV_BROADWORKS_") || strings.HasPrefix(k, "WEBEX_") {
					s.platformEnv[k] = v
				}
			}
			return nil
		}
		select {
		case err := <-done:
			done <- err
			return fmt.Errorf("sandbox exited before listening (%w); log %s:\n%s", err, s.Log, tail(s.Log))
		case <-ctx.Done():
			_ = s.Kill()
			return ctx.Err()
		case <-deadline.C:
			_ = s.Kill()
			return fmt.Errorf("sandbox did not listen within 30s; log %s:\n%s", s.Log, tail(s.Log))
		case <-tick.C:
		}
	}
}

// PID is the process id of the running sandbox (0 when it is not running).
func (s *Sandbox) PID() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

// Kill sends SIGKILL and waits for the process to exit. Killing a stopped sandbox is a no-op.
func (s *Sandbox) Kill() error { return s.signal(syscall.SIGKILL) }

// Stop sends SIGTERM (a clean shutdown) and waits up to 10 s, then kills.
func (s *Sandbox) Stop() error { return s.signal(syscall.SIGTERM) }

func (s *Sandbox) signal(sig syscall.Signal) error {
	s.mu.Lock()
	cmd, done := s.cmd, s.done
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return nil
	}
	if err := cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("signal sandbox: %w", err)
	}
	select {
	case err := <-done:
		_ = err // the exit status of a signalled process says nothing more
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		err := <-done
		_ = err
	}
	return nil
}

// Restart starts the sandbox again on the same database and the same address (after Kill or
// Stop; a running sandbox is killed first). Options may change its flags for this and later
// restarts (e.g. turn the faults off).
func (s *Sandbox) Restart(ctx context.Context, opts ...func(*SandboxOptions)) error {
	if err := s.Kill(); err != nil {
		return err
	}
	for _, f := range opts {
		f(&s.opts)
	}
	u, err := url.Parse(s.URL)
	if err != nil {
		return fmt.Errorf("sandbox url %q: %w", s.URL, err)
	}
	// The old port may still be in use for a moment after the kill.
	var lastErr error
	for range 50 {
		if lastErr = s.start(ctx, u.Host); lastErr == nil {
			return nil
		}
		if ctx.Err() != nil {
			return lastErr
		}
		time.Sleep(100 * time.Millisecond)
	}
	return lastErr
}

// Env is the environment the provider reads its configuration from: UCPROV_ENDPOINT, UCPROV_TOKEN
// and UCPROV_ENTERPRISE_ID, and with SandboxOptions.Platform set, UCPROV_PLATFORM and the other
// platforms' settings of the sandbox's env file.
func (s *Sandbox) Env() []string {
	env := []string{"UCPROV_ENDPOINT=" + s.URL, "UCPROV_TOKEN=" + s.Token, "UCPROV_ENTERPRISE_ID=" + s.EnterpriseID}
	if s.opts.Platform == "" {
		return env
	}
	env = append(env, "UCPROV_PLATFORM="+s.opts.Platform)
	keys := make([]string, 0, len(s.platformEnv))
	for k := range s.platformEnv {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		env = append(env, k+"="+s.platformEnv[k])
	}
	return env
}

// Platform is the platform of Env ("" = ucprov).
func (s *Sandbox) Platform() string { return s.opts.Platform }

// Metrics fetches GET /_sandbox/metrics: route pattern (and any other counter the sandbox
// serves) → count, since the sandbox (re)started.
func (s *Sandbox) Metrics(ctx context.Context) (map[string]int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/_sandbox/metrics", nil)
	if err != nil {
		return nil, fmt.Errorf("metrics request: %w", err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("get metrics: %w", err)
	}
	defer func() { _ = res.Body.Close() }()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("get metrics: status %d", res.StatusCode)
	}
	var raw map[string]json.RawMessage
	if err := json.NewDecoder(res.Body).Decode(&raw); err != nil {
		return nil, fmt.Errorf("decode metrics: %w", err)
	}
	// Counters are numbers; anything nested (e.g. counts by status) is flattened as "key/sub".
	out := map[string]int64{}
	for k, v := range raw {
		var n int64
		if json.Unmarshal(v, &n) == nil {
			out[k] = n
			continue
		}
		var sub map[string]int64
		if json.Unmarshal(v, &sub) == nil {
			for sk, sv := range sub {
				out[k+"/"+sk] = sv
			}
		}
	}
	return out, nil
}

// Client is an API client with the admin token (retries on, for checks outside Terraform).
func (s *Sandbox) Client() (*client.Client, error) {
	c, err := client.New(client.Config{
		Endpoint: s.URL, Token: s.Token, MaxRetries: 8,
		RetryWaitMin: 10 * time.Millisecond, RetryWaitMax: 500 * time.Millisecond,
	})
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	return c, nil
}

// readEnvFile parses the sandbox's "export KEY=VALUE" lines (values unquoted).
func readEnvFile(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	// Polled while the sandbox writes it: complete once it ends with the last of its lines.
	if !strings.HasSuffix(string(b), "\n") || !strings.Contains(string(b), "UCPROV_ENTERPRISE_ID=") {
		return nil, fmt.Errorf("%s is incomplete", path)
	}
	env := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimPrefix(sc.Text(), "export "), "=")
		if !ok {
			continue
		}
		if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' {
			v = strings.ReplaceAll(v[1:len(v)-1], `'\''`, `'`)
		}
		env[k] = v
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return env, nil
}

// tail is the end of a log file, for error messages.
func tail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}
