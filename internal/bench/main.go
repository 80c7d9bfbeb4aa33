// Command bench measures the provider at enterprise scale with the real Terraform CLI (see
// README.md in this directory): it builds the provider and the sandbox, starts the sandbox as a
// subprocess on a file database with latency and a rate limit, generates N users, and drives
// terraform through the first apply, a no-change plan, the same plan with -refresh=false, an apply
// that changes 10% of the users, and destroy. For every step it reports wall time, requests by
// route and by status (the sandbox's counters), requests per resource, the provider process's
// peak RSS and the bound requests ÷ rate limit, prints a markdown table and writes it to a file.
//
// It reuses internal/e2e (subprocess sandbox, work directory with dev_overrides, provider
// process sampling).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ucprov/terraform-provider-ucprov/internal/e2e"
	"github.com/ucprov/terraform-provider-ucprov/internal/sandbox"
)

type options struct {
	platform   string
	users      int
	latency    time.Duration
	rateLimit  float64
	out        string
	label      string
	provider   string // a prebuilt provider binary (e.g. an older version) instead of building one
	keep       bool
	bulkRead   string
	appendFile bool
	layout     string
	backend    string
	steps      string // comma-separated, see stepNames
	department string // auto, on or off: whether every user has a department at create
}

func main() {
	o := options{}
	defUsers := 1000
	if v := os.Getenv("BENCH_USERS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "BENCH_USERS=%q is not a positive number\n", v)
			os.Exit(2)
		}
		defUsers = n
	}
	flag.IntVar(&o.users, "users", defUsers, "number of users (default $BENCH_USERS or 1000)")
	flag.DurationVar(&o.latency, "latency", 20*time.Millisecond, "latency the sandbox adds to every request")
	flag.Float64Var(&o.rateLimit, "rate-limit", 100, "the sandbox's rate limit, requests per second")
	flag.StringVar(&o.out, "out", filepath.Join(e2e.RepoRoot(), "internal", "bench", "results.md"), "markdown file to write (\"\" = none): between its latest-run markers if it has them, else the whole file")
	flag.BoolVar(&o.appendFile, "append", false, "append to -out instead of replacing it")
	flag.StringVar(&o.label, "label", "", "a label for this run in the report (e.g. the version)")
	flag.StringVar(&o.provider, "provider", "", "use this provider binary instead of building the current one")
	flag.StringVar(&o.platform, "platform", "ucprov", "the provider's platform: ucprov (the reference contract), broadworks (OCI-P + Webex for BroadWorks) or wholesale (Webex for Wholesale + Webex Calling), each through the sandbox's front-end of that platform")
	flag.StringVar(&o.bulkRead, "bulk-read", "", "provider bulk_read setting (empty = the provider's default)")
	flag.BoolVar(&o.keep, "keep", false, "keep the work directory")
	flag.StringVar(&o.layout, "layout", "module", "configuration layout: module (a user module with for_each) or blocks (resource blocks per user)")
	flag.StringVar(&o.backend, "backend", "http", "Terraform state backend: http (a state server in this program, as a CI pipeline keeps its state) or local (terraform.tfstate)")
	flag.StringVar(&o.department, "department", "auto", "whether every user is created with a department: on, off, or auto (on, except on wholesale: "+
		"the User Hub's users have names, email, number and extension, and Webex for Wholesale's create takes no department, so one costs a read and a "+
		"replace of the person, 2 requests per user); the change step sets a department on one user in ten either way")
	flag.StringVar(&o.steps, "steps", defaultSteps, "steps to run, comma-separated, in this order whatever the order given: "+strings.Join(stepNames, ","))
	flag.Parse()
	if o.backend != "local" && o.backend != "http" {
		fmt.Fprintf(os.Stderr, "-backend %q: want local or http\n", o.backend)
		os.Exit(2)
	}
	if err := o.checkSteps(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if o.layout != "blocks" && o.layout != "module" {
		fmt.Fprintf(os.Stderr, "-layout %q: want blocks or module\n", o.layout)
		os.Exit(2)
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// step is one measured CLI run.
type step struct {
	name     string
	args     []string
	wall     time.Duration
	requests int64
	byRoute  map[string]int64
	byStatus map[string]int64
	peakRSS  int64
	// cpu is the CPU time of terraform with its children, providerCPU the provider processes' part.
	cpu, providerCPU time.Duration
}

func run(o options) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "ucprov-bench-")
	if err != nil {
		return fmt.Errorf("work dir: %w", err)
	}
	if !o.keep {
		defer func() { _ = os.RemoveAll(dir) }()
	}
	fmt.Fprintf(os.Stderr, "bench: building into %s\n", dir)
	bins, err := e2e.Build(ctx, dir)
	if err != nil {
		return err
	}
	if o.provider != "" {
		b, err := os.ReadFile(o.provider)
		if err != nil {
			return fmt.Errorf("provider binary: %w", err)
		}
		if err := os.WriteFile(bins.Provider, b, 0o700); err != nil {
			return fmt.Errorf("provider binary: %w", err)
		}
	}

	main, err := newEnv(ctx, o, bins, filepath.Join(dir, "main"), o.latency, o.rateLimit)
	if err != nil {
		return err
	}
	defer main.stop()
	var steps []step
	for _, st := range []struct {
		key, name string
		changed   bool
		args      []string
	}{
		{"first-plan", "plan of the first apply", false, []string{"plan", "-input=false"}},
		{"apply", "first apply", false, []string{"apply", "-input=false", "-auto-approve"}},
		{"plan", "no-change plan", false, []string{"plan", "-input=false", "-detailed-exitcode"}},
		{"floor", floorPlan, false, []string{"plan", "-input=false", "-refresh=false", "-detailed-exitcode"}},
		{"change", "apply changing 10% of users", true, []string{"apply", "-input=false", "-auto-approve"}},
		{"destroy", "destroy", true, []string{"destroy", "-input=false", "-auto-approve"}},
	} {
		if !o.has(st.key) {
			continue
		}
		s, err := main.measure(ctx, st.name, st.changed, st.args...)
		if err != nil {
			return err
		}
		steps = append(steps, s)
	}
	main.stop()

	if o.has("apply-floor") {
		// The first apply's floor: the same apply against a sandbox without latency or rate limit,
		// what Terraform and the provider cost when the API answers at once.
		free, err := newEnv(ctx, o, bins, filepath.Join(dir, "floor"), 0, 0)
		if err != nil {
			return err
		}
		defer free.stop()
		s, err := free.measure(ctx, floorApply, false, "apply", "-input=false", "-auto-approve")
		if err != nil {
			return err
		}
		steps = append(steps, s)
	}

	report := render(o, main.resources, steps)
	fmt.Println(report)
	if o.out != "" {
		if err := writeReport(o.out, report, o.appendFile); err != nil {
			return err
		}
	}
	return nil
}

// The markers of the section of results.md that a run replaces, leaving the rest of the file (the
// analysis, earlier runs) as it is.
const (
	latestBegin = "<!-- make bench: latest run (replaced by each run) -->"
	latestEnd   = "<!-- make bench: end of latest run -->"
)

// writeReport writes report to path: appended with appendMode; else between the markers if the
// file has them; else as the whole file.
func writeReport(path, report string, appendMode bool) error {
	if appendMode {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		if _, err := f.WriteString(report + "\n"); err != nil {
			_ = f.Close()
			return fmt.Errorf("write %s: %w", path, err)
		}
		return f.Close()
	}
	content := report + "\n"
	if old, err := os.ReadFile(path); err == nil {
		s := string(old)
		i, j := strings.Index(s, latestBegin), strings.Index(s, latestEnd)
		if i >= 0 && j > i {
			content = s[:i+len(latestBegin)] + "\n\n" + report + "\n" + s[j:]
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("read %s: %w", path, err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// The steps, in the order they run (-steps picks some). first-plan, the plan a pipeline shows
// before the first apply, is not run by default.
var stepNames = []string{"first-plan", "apply", "plan", "floor", "change", "destroy", "apply-floor"}

const defaultSteps = "apply,plan,floor,change,destroy,apply-floor"

// has reports whether -steps names step.
func (o options) has(step string) bool {
	for _, s := range strings.Split(o.steps, ",") {
		if strings.TrimSpace(s) == step {
			return true
		}
	}
	return false
}

// checkSteps rejects unknown steps, and steps that need the first apply's state without it.
func (o options) checkSteps() error {
	for _, s := range strings.Split(o.steps, ",") {
		if !slices.Contains(stepNames, strings.TrimSpace(s)) {
			return fmt.Errorf("-steps: unknown step %q; the steps are %s", s, strings.Join(stepNames, ","))
		}
	}
	for _, s := range []string{"plan", "floor", "change", "destroy"} {
		if o.has(s) && !o.has("apply") {
			return fmt.Errorf("-steps: %s needs the state of the first apply: add apply", s)
		}
	}
	if !slices.Contains([]string{"auto", "on", "off"}, o.department) {
		return fmt.Errorf("-department: %q is not auto, on or off", o.department)
	}
	return nil
}

// The names of the two floor steps.
const (
	floorPlan  = "plan -refresh=false (floor)"
	floorApply = "first apply, no latency or rate limit (floor)"
)

// env is a sandbox subprocess and a Terraform work directory with the benchmark's configuration.
type env struct {
	o         options
	sb        *e2e.Sandbox
	wd        *e2e.Workdir
	changed   bool
	resources int
	stopped   bool
	state     *http.Server // the http backend's state server, if any
}

func newEnv(ctx context.Context, o options, bins *e2e.Binaries, dir string, latency time.Duration, rate float64) (*env, error) {
	if err := os.MkdirAll(filepath.Join(dir, "sandbox"), 0o700); err != nil {
		return nil, fmt.Errorf("sandbox dir: %w", err)
	}
	sb, err := e2e.StartSandbox(ctx, bins, e2e.SandboxOptions{
		Dir: filepath.Join(dir, "sandbox"), Latency: latency, RateLimit: rate,
		Inventory: max(100, o.users+10), JobTick: 200 * time.Millisecond, Platform: o.platform,
	})
	if err != nil {
		return nil, err
	}
	e := &env{o: o, sb: sb}
	if e.wd, err = e2e.NewWorkdir(filepath.Join(dir, "work"), bins, sb); err != nil {
		e.stop()
		return nil, err
	}
	if err := e.write(false); err != nil {
		e.stop()
		return nil, err
	}
	// terraform get installs the local user module (the provider comes from dev_overrides, and
	// init would try the registry). The http backend needs init: the provider is installed from a
	// local mirror of the same binary (dev_overrides still picks it at run time).
	args := []string{"get"}
	if o.backend == "http" {
		if args, err = e.httpBackend(bins, dir); err != nil {
			e.stop()
			return nil, err
		}
	}
	res, err := e.wd.Exec(ctx, args...)
	if err == nil {
		err = res.Err()
	}
	if err != nil {
		e.stop()
		return nil, err
	}
	return e, nil
}

func (e *env) stop() {
	if !e.stopped {
		e.stopped = true
		_ = e.sb.Stop()
		if e.state != nil {
			_ = e.state.Close()
		}
	}
}

// httpBackend serves Terraform's state over HTTP from memory (GET, POST, DELETE of /state, no
// locking), writes backend.tf for it, and returns the init command that installs the provider from
// a local mirror. With a remote backend Terraform keeps the state in memory during an apply and
// persists it every 20 s, where the local backend rewrites terraform.tfstate after every resource.
func (e *env) httpBackend(bins *e2e.Binaries, dir string) ([]string, error) {
	var mu sync.Mutex
	var state []byte
	mux := http.NewServeMux()
	mux.HandleFunc("/state", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch r.Method {
		case http.MethodGet:
			if state == nil {
				w.WriteHeader(http.StatusNotFound)
				return
			}
			_, _ = w.Write(state)
		case http.MethodPost:
			b, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			state = b
		case http.MethodDelete:
			state = nil
		default:
			w.WriteHeader(http.StatusMethodNotAllowed)
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("state server: %w", err)
	}
	e.state = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = e.state.Serve(ln) }()
	if err := e.wd.WriteFile("backend.tf", fmt.Sprintf("terraform {\n  backend \"http\" {\n    address = \"http://%s/state\"\n  }\n}\n", ln.Addr())); err != nil {
		return nil, err
	}
	mirror := filepath.Join(dir, "mirror")
	bin := filepath.Join(mirror, "registry.terraform.io", "ucprov", "ucprov", "0.0.1", runtime.GOOS+"_"+runtime.GOARCH)
	if err := os.MkdirAll(bin, 0o700); err != nil {
		return nil, fmt.Errorf("provider mirror: %w", err)
	}
	b, err := os.ReadFile(bins.Provider)
	if err != nil {
		return nil, fmt.Errorf("provider mirror: %w", err)
	}
	if err := os.WriteFile(filepath.Join(bin, "terraform-provider-ucprov_v0.0.1"), b, 0o700); err != nil {
		return nil, fmt.Errorf("provider mirror: %w", err)
	}
	return []string{"init", "-input=false", "-plugin-dir=" + mirror}, nil
}

// write writes the configuration; changed gives one user in ten another department.
func (e *env) write(changed bool) error {
	root, module, n := configHCL(e.o.users, changed, e.o.bulkRead, e.o.layout, e.o.platform, e.o.withDepartment())
	e.resources, e.changed = n, changed
	if module == "" {
		return e.wd.WriteFile("main.tf", root)
	}
	if err := os.MkdirAll(filepath.Join(e.wd.Dir, "user"), 0o700); err != nil {
		return fmt.Errorf("module dir: %w", err)
	}
	if err := e.wd.WriteFile(filepath.Join("user", "main.tf"), module); err != nil {
		return err
	}
	return e.wd.WriteFile("main.tf", root)
}

// measure runs one terraform command on the configuration (changed or not) and returns its wall
// time, the requests it caused by route and by status, and the provider's peak RSS.
func (e *env) measure(ctx context.Context, name string, changed bool, args ...string) (step, error) {
	if changed != e.changed {
		if err := e.write(changed); err != nil {
			return step{}, err
		}
	}
	fmt.Fprintf(os.Stderr, "bench: %s (terraform %s)\n", name, strings.Join(args, " "))
	before, err := counters(ctx, e.sb)
	if err != nil {
		return step{}, err
	}
	r, err := e.wd.Start(ctx, args...)
	if err != nil {
		return step{}, err
	}
	var peak int64
	providerCPU := map[int]time.Duration{} // last CPU time seen per provider process
	var mu sync.Mutex
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { // sample the provider processes' peak RSS while the CLI runs
		defer close(done)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			for _, pid := range r.ProviderPIDs() {
				if hwm, err := e2e.VmHWM(pid); err == nil {
					mu.Lock()
					peak = max(peak, hwm)
					mu.Unlock()
				}
				if cpu, err := e2e.ProcessCPU(pid); err == nil {
					mu.Lock()
					providerCPU[pid] = max(providerCPU[pid], cpu)
					mu.Unlock()
				}
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	res, err := r.Wait()
	close(stop)
	<-done
	if err != nil {
		return step{}, err
	}
	if err := res.Err(); err != nil {
		return step{}, err
	}
	after, err := counters(ctx, e.sb)
	if err != nil {
		return step{}, err
	}
	s := step{name: name, args: args, wall: res.Duration, byRoute: map[string]int64{}, byStatus: map[string]int64{}, peakRSS: peak, cpu: res.CPU}
	for _, c := range providerCPU {
		s.providerCPU += c // sampled every 100 ms: the last tenth of a second of each process is missed
	}
	for k, v := range after.routes {
		if d := v - before.routes[k]; d > 0 {
			s.byRoute[k] = d
			s.requests += d
		}
	}
	for k, v := range after.statuses {
		if d := v - before.statuses[k]; d > 0 {
			s.byStatus[k] = d
		}
	}
	fmt.Fprintf(os.Stderr, "bench: %s: %s, %d requests, CPU %s (provider %s)\n", name, s.wall.Round(time.Millisecond), s.requests,
		s.cpu.Round(10*time.Millisecond), s.providerCPU.Round(10*time.Millisecond))
	return s, nil
}

type snapshot struct{ routes, statuses map[string]int64 }

// counters reads the sandbox's request counters by route and by status code.
func counters(ctx context.Context, sb *e2e.Sandbox) (snapshot, error) {
	var s snapshot
	for _, q := range []struct {
		by  string
		dst *map[string]int64
	}{{"route", &s.routes}, {"status", &s.statuses}} {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, sb.URL+"/_sandbox/metrics?by="+q.by, nil)
		if err != nil {
			return s, fmt.Errorf("metrics: %w", err)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return s, fmt.Errorf("metrics: %w", err)
		}
		err = json.NewDecoder(res.Body).Decode(q.dst)
		_ = res.Body.Close()
		if err != nil {
			return s, fmt.Errorf("metrics by %s: %w", q.by, err)
		}
	}
	// The sandbox also counts the OCI-P commands inside the documents ("OCIP <command>"): the
	// documents are the requests (counted by their route, "OCIP ocip-tcp" for TCP), not these.
	for k := range s.routes {
		if strings.HasPrefix(k, "OCIP ") && k != "OCIP "+sandbox.OCIPTCPPattern {
			delete(s.routes, k)
		}
	}
	return s, nil
}

// configHCL is the benchmark's configuration: n users, each with a number (extension and a phone
// number from the sandbox's inventory) and an E911 address; one user in ten also with IM&P and
// a Webex activation. changed sets a new department on one user in ten. It returns the root
// module, the user module (for the module layout, written to user/main.tf) and the number of
// resource instances.
//
// Two layouts. "module" (the default): the users are instances of a module (module "user" with
// for_each), as an enterprise's configuration is usually written; inside an instance every
// reference names one resource instance (ucprov_user.this.id). "blocks": each user's resources are
// their own blocks (ucprov_user.b17, ucprov_user_number.b17, ...), as a generator might write
// them from a spreadsheet; Terraform's per-block costs make its plans slower (at N = 1,000 the
// -refresh=false plan took 51 s with blocks, 22 s with the module). The first version of this
// configuration used for_each resources referencing each other as ucprov_user.u[each.key].id,
// which makes Terraform evaluate the whole ucprov_user.u object for each instance (quadratic): at
// N = 1,000 it spent 22 minutes and 2.5 GB planning the first apply.
func configHCL(n int, changed bool, bulkRead, layout, platform string, department bool) (root, module string, resources int) {
	// Platform differences: on wholesale the group is the Webex Calling location of grp_denver and
	// there is no Integrated IM&P (so no user gets IM&P and an activation).
	withIMP := func(i int) bool { return i%10 == 0 && platform != "wholesale" }
	mod := userModule
	if platform == "wholesale" {
		mod = strings.Replace(mod, `group_id   = "grp_denver"`, fmt.Sprintf("group_id   = %q", sandbox.DemoWebexLocation(sandbox.DemoGroupDenver)), 1)
	}
	var b strings.Builder
	b.WriteString(`terraform {
  required_providers {
    ucprov = { source = "registry.terraform.io/ucprov/ucprov" }
  }
}

provider "ucprov" {
  max_retries = 10
`)
	if bulkRead != "" {
		fmt.Fprintf(&b, "  bulk_read   = %q\n", bulkRead)
	}
	b.WriteString("}\n")
	imp := 0
	for i := range n {
		if withIMP(i) {
			imp++
		}
	}
	resources = 3*n + 2*imp
	dept := func(i int) string {
		switch {
		case changed && i%10 == 0:
			return "Support"
		case department:
			return "Engineering"
		}
		return "" // none (null in the configuration)
	}
	if layout == "blocks" {
		for i := range n {
			body := mod[strings.Index(mod, "resource "):]
			if !withIMP(i) {
				body = body[:strings.Index(body, "resource \"ucprov_imp_setting\"")]
			}
			r := strings.NewReplacer(
				`"this"`, fmt.Sprintf(`"b%d"`, i), ".this.", fmt.Sprintf(".b%d.", i), ".this[0].", fmt.Sprintf(".b%d.", i),
				"  count   = var.imp ? 1 : 0\n", "",
				"var.key", fmt.Sprintf("%q", fmt.Sprintf("b%d", i)),
				"var.email", fmt.Sprintf("%q", fmt.Sprintf("bench%d@acme.example", i)),
				"var.department", fmt.Sprintf("%q", dept(i)),
				"var.extension", fmt.Sprintf("%q", fmt.Sprint(200000+i)),
				"var.number", fmt.Sprintf("%q", sandbox.InventoryNumber(i)),
			)
			b.WriteString("\n")
			b.WriteString(r.Replace(body))
		}
		return b.String(), "", resources
	}
	b.WriteString("\nlocals {\n  users = {\n")
	for i := range n {
		fmt.Fprintf(&b, "    b%d = { email = \"bench%d@acme.example\", ext = \"%d\", number = %q, dept = %q, imp = %t }\n",
			i, i, 200000+i, sandbox.InventoryNumber(i), dept(i), withIMP(i))
	}
	b.WriteString(`  }
}

module "user" {
  source   = "./user"
  for_each = local.users

  key        = each.key
  email      = each.value.email
  department = each.value.dept
  extension  = each.value.ext
  number     = each.value.number
  imp        = each.value.imp
}
`)
	return b.String(), mod, resources
}

// userModule is one user with a number and an E911 address, and, when imp is true, IM&P and a
// Webex activation. Each resource takes user_id from the one that must come first. The blocks
// layout instantiates its resource blocks per user.
const userModule = `terraform {
  required_providers {
    ucprov = { source = "registry.terraform.io/ucprov/ucprov" }
  }
}

variable "key" { type = string }
variable "email" { type = string }
variable "department" { type = string }
variable "extension" { type = string }
variable "number" { type = string }
variable "imp" { type = bool }

resource "ucprov_user" "this" {
  group_id   = "grp_denver"
  first_name = var.key
  last_name  = "Bench"
  email      = var.email
  department = var.department != "" ? var.department : null
}

resource "ucprov_user_number" "this" {
  user_id      = ucprov_user.this.id
  phone_number = var.number
  extension    = var.extension
}

resource "ucprov_e911_address" "this" {
  user_id     = ucprov_user_number.this.user_id # after the number
  address1    = "1700 Lincoln Street"
  city        = "Denver"
  state       = "CO"
  postal_code = "80203"
  country     = "US"
}

resource "ucprov_imp_setting" "this" {
  count   = var.imp ? 1 : 0
  user_id = ucprov_user_number.this.user_id
  enabled = true
}

resource "ucprov_activation" "this" {
  count   = var.imp ? 1 : 0
  user_id = ucprov_imp_setting.this[0].user_id
}
`

// withDepartment reports whether the users are created with a department (-department).
func (o options) withDepartment() bool {
	switch o.department {
	case "on":
		return true
	case "off":
		return false
	}
	return o.platform != "wholesale"
}

// render is the markdown report of one run.
func render(o options, resources int, steps []step) string {
	var b strings.Builder
	label := o.label
	if label == "" {
		label = "current"
	}
	fmt.Fprintf(&b, "### %s: platform %s, N = %d users, %d resources, %s layout, %s state, latency %s, rate limit %g req/s%s%s\n\n", label, o.platform, o.users, resources,
		o.layout, o.backend, o.latency, o.rateLimit, map[bool]string{true: ", bulk_read = " + o.bulkRead, false: ""}[o.bulkRead != ""],
		map[bool]string{true: ", users created with a department", false: ", users created without a department"}[o.withDepartment()])
	fmt.Fprintf(&b, "Run %s on %s.\n\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"), machine())
	b.WriteString("| step | wall | requests | req/resource | bound (req ÷ limit) | wall ÷ bound | 429s | provider peak RSS | KB/resource |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	walls := map[string]time.Duration{}
	for _, s := range steps {
		walls[s.name] = s.wall
	}
	for _, s := range steps {
		bound := time.Duration(float64(s.requests) / o.rateLimit * float64(time.Second))
		if s.name == floorApply {
			bound = 0 // no rate limit in that step
		}
		ratio := "–"
		if bound > 0 {
			ratio = fmt.Sprintf("%.2f", s.wall.Seconds()/bound.Seconds())
		}
		fmt.Fprintf(&b, "| %s | %.1fs | %d | %.3f | %.1fs | %s | %d | %.1f MB | %.1f |\n", s.name, s.wall.Seconds(), s.requests,
			float64(s.requests)/float64(resources), bound.Seconds(), ratio, s.byStatus["429"],
			float64(s.peakRSS)/(1<<20), float64(s.peakRSS)/1024/float64(resources))
	}
	b.WriteString("\n")
	if f, p := walls[floorPlan], walls["no-change plan"]; f > 0 && p > 0 {
		fmt.Fprintf(&b, "- No-change plan ÷ `-refresh=false` floor: %.2f×.\n", p.Seconds()/f.Seconds())
	}
	for _, s := range steps {
		if s.name != "first apply" || walls[floorApply] == 0 {
			continue
		}
		bound := time.Duration(float64(s.requests) / o.rateLimit * float64(time.Second))
		fl := walls[floorApply]
		fmt.Fprintf(&b, "- First apply ÷ its floor (the same apply with an API that answers at once): %.2f×; "+
			"first apply ÷ max(bound %.1fs, floor %.1fs): %.2f×.\n",
			s.wall.Seconds()/fl.Seconds(), bound.Seconds(), fl.Seconds(), s.wall.Seconds()/max(bound, fl).Seconds())
	}
	b.WriteString("- CPU seconds, Terraform itself / the provider processes (sampled): ")
	for i, s := range steps {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s %.1f / %.1f", s.name, (s.cpu - s.providerCPU).Seconds(), s.providerCPU.Seconds())
	}
	b.WriteString(".\n")
	b.WriteString("\n<details><summary>Requests by route and by status</summary>\n\n")
	for _, s := range steps {
		fmt.Fprintf(&b, "- **%s**: ", s.name)
		b.WriteString(top(s.byRoute, 8))
		b.WriteString("; status: ")
		b.WriteString(top(s.byStatus, 6))
		b.WriteString("\n")
	}
	b.WriteString("\n</details>\n")
	return b.String()
}

func top(m map[string]int64, n int) string {
	type kv struct {
		k string
		v int64
	}
	var l []kv
	for k, v := range m {
		l = append(l, kv{k, v})
	}
	sort.Slice(l, func(i, j int) bool { return l[i].v > l[j].v || (l[i].v == l[j].v && l[i].k < l[j].k) })
	var parts []string
	for i, e := range l {
		if i == n {
			parts = append(parts, fmt.Sprintf("… %d more", len(l)-n))
			break
		}
		parts = append(parts, fmt.Sprintf("`%s` %d", e.k, e.v))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// machine describes the host: CPU model and count, memory, OS.
func machine() string {
	model := ""
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
		_ = f.Close()
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "MemTotal:"); ok {
				if kb, err := strconv.ParseInt(strings.Fields(v)[0], 10, 64); err == nil {
					mem = fmt.Sprintf(", %.1f GB RAM", float64(kb)/(1<<20))
				}
			}
		}
	}
	return fmt.Sprintf("%d CPUs (%s)%s, %s/%s, %s", runtime.NumCPU(), model, mem, runtime.GOOS, runtime.GOARCH, runtime.Version())
}
