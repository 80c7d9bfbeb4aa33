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
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ucprov/terraform-provider-ucprov/internal/e2e"
	"github.com/ucprov/terraform-provider-ucprov/internal/sandbox"
)

type options struct {
	users      int
	latency    time.Duration
	rateLimit  float64
	out        string
	label      string
	provider   string // a prebuilt provider binary (e.g. an older version) instead of building one
	keep       bool
	bulkRead   string
	appendFile bool
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
	flag.StringVar(&o.out, "out", filepath.Join(e2e.RepoRoot(), "internal", "bench", "results.md"), "markdown file to write (\"\" = none)")
	flag.BoolVar(&o.appendFile, "append", false, "append to -out instead of replacing it")
	flag.StringVar(&o.label, "label", "", "a label for this run in the report (e.g. the version)")
	flag.StringVar(&o.provider, "provider", "", "use this provider binary instead of building the current one")
	flag.StringVar(&o.bulkRead, "bulk-read", "", "provider bulk_read setting (empty = the provider's default)")
	flag.BoolVar(&o.keep, "keep", false, "keep the work directory")
	flag.Parse()
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
	if err := os.MkdirAll(filepath.Join(dir, "sandbox"), 0o700); err != nil {
		return fmt.Errorf("sandbox dir: %w", err)
	}
	sb, err := e2e.StartSandbox(ctx, bins, e2e.SandboxOptions{
		Dir: filepath.Join(dir, "sandbox"), Latency: o.latency, RateLimit: o.rateLimit,
		Inventory: max(100, o.users+10), JobTick: 200 * time.Millisecond,
	})
	if err != nil {
		return err
	}
	defer func() { _ = sb.Stop() }()
	wd, err := e2e.NewWorkdir(filepath.Join(dir, "work"), bins, sb)
	if err != nil {
		return err
	}
	resources := 0
	write := func(changed bool) error {
		root, module, n := configHCL(o.users, changed, o.bulkRead)
		resources = n
		if err := os.MkdirAll(filepath.Join(wd.Dir, "user"), 0o700); err != nil {
			return fmt.Errorf("module dir: %w", err)
		}
		if err := wd.WriteFile(filepath.Join("user", "main.tf"), module); err != nil {
			return err
		}
		return wd.WriteFile("main.tf", root)
	}
	if err := write(false); err != nil {
		return err
	}
	// terraform get installs the local user module (the provider comes from dev_overrides, and
	// init would try the registry).
	if res, err := wd.Exec(ctx, "get"); err != nil {
		return err
	} else if err := res.Err(); err != nil {
		return err
	}

	var steps []step
	measure := func(name string, args ...string) error {
		fmt.Fprintf(os.Stderr, "bench: %s (terraform %s)\n", name, strings.Join(args, " "))
		before, err := counters(ctx, sb)
		if err != nil {
			return err
		}
		r, err := wd.Start(ctx, args...)
		if err != nil {
			return err
		}
		var peak int64
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
			return err
		}
		if err := res.Err(); err != nil {
			return err
		}
		after, err := counters(ctx, sb)
		if err != nil {
			return err
		}
		s := step{name: name, args: args, wall: res.Duration, byRoute: map[string]int64{}, byStatus: map[string]int64{}, peakRSS: peak}
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
		steps = append(steps, s)
		fmt.Fprintf(os.Stderr, "bench: %s: %s, %d requests\n", name, s.wall.Round(time.Millisecond), s.requests)
		return nil
	}

	if err := measure("first apply", "apply", "-input=false", "-auto-approve"); err != nil {
		return err
	}
	if err := measure("no-change plan", "plan", "-input=false", "-detailed-exitcode"); err != nil {
		return err
	}
	if err := measure("plan -refresh=false (floor)", "plan", "-input=false", "-refresh=false", "-detailed-exitcode"); err != nil {
		return err
	}
	if err := write(true); err != nil {
		return err
	}
	if err := measure("apply changing 10% of users", "apply", "-input=false", "-auto-approve"); err != nil {
		return err
	}
	if err := measure("destroy", "destroy", "-input=false", "-auto-approve"); err != nil {
		return err
	}

	report := render(o, resources, steps)
	fmt.Println(report)
	if o.out != "" {
		flags := os.O_CREATE | os.O_WRONLY | os.O_TRUNC
		if o.appendFile {
			flags = os.O_CREATE | os.O_WRONLY | os.O_APPEND
		}
		f, err := os.OpenFile(o.out, flags, 0o644)
		if err != nil {
			return fmt.Errorf("write %s: %w", o.out, err)
		}
		defer func() { _ = f.Close() }()
		if _, err := f.WriteString(report + "\n"); err != nil {
			return fmt.Errorf("write %s: %w", o.out, err)
		}
	}
	return nil
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
	return s, nil
}

// configHCL is the benchmark's configuration: n users, each with a number (extension and a phone
// number from the sandbox's inventory) and an E911 address; one user in ten also with IM&P and
// a Webex activation. changed sets a new department on one user in ten. It returns the root
// module, the user module (written to user/main.tf) and the number of resource instances.
//
// The users are instances of a module (module "user" with for_each), as an enterprise's
// configuration is usually written: inside an instance, every reference names one resource
// instance (ucprov_user.this.id). The first version of this configuration used for_each resources
// that referenced each other as ucprov_user.u[each.key].id; Terraform evaluates the whole
// ucprov_user.u object for each such reference, which is quadratic in N: at N = 1,000 it spent
// 22 minutes and 2.5 GB planning the first apply before most requests were made.
func configHCL(n int, changed bool, bulkRead string) (root, module string, resources int) {
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
	b.WriteString("}\n\nlocals {\n  users = {\n")
	for i := range n {
		dept := "Engineering"
		if changed && i%10 == 0 {
			dept = "Support"
		}
		fmt.Fprintf(&b, "    b%d = { email = \"bench%d@acme.example\", ext = \"%d\", number = %q, dept = %q, imp = %t }\n",
			i, i, 200000+i, sandbox.InventoryNumber(i), dept, i%10 == 0)
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
	imp := (n + 9) / 10
	return b.String(), userModule, 3*n + 2*imp
}

// userModule is one user with a number and an E911 address, and, when imp is true, IM&P and a
// Webex activation. Each resource takes user_id from the one that must come first.
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
  department = var.department
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

// render is the markdown report of one run.
func render(o options, resources int, steps []step) string {
	var b strings.Builder
	label := o.label
	if label == "" {
		label = "current"
	}
	fmt.Fprintf(&b, "### %s: N = %d users, %d resources, latency %s, rate limit %g req/s%s\n\n", label, o.users, resources,
		o.latency, o.rateLimit, map[bool]string{true: ", bulk_read = " + o.bulkRead, false: ""}[o.bulkRead != ""])
	fmt.Fprintf(&b, "Run %s on %s.\n\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"), machine())
	b.WriteString("| step | wall | requests | req/resource | bound (req ÷ limit) | wall ÷ bound | 429s | provider peak RSS | KB/resource |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	var floor time.Duration
	for _, s := range steps {
		if strings.Contains(s.name, "refresh=false") {
			floor = s.wall
		}
	}
	for _, s := range steps {
		bound := time.Duration(float64(s.requests) / o.rateLimit * float64(time.Second))
		ratio := "–"
		if bound > 0 {
			ratio = fmt.Sprintf("%.2f", s.wall.Seconds()/bound.Seconds())
		}
		fmt.Fprintf(&b, "| %s | %.1fs | %d | %.3f | %.1fs | %s | %d | %.1f MB | %.1f |\n", s.name, s.wall.Seconds(), s.requests,
			float64(s.requests)/float64(resources), bound.Seconds(), ratio, s.byStatus["429"],
			float64(s.peakRSS)/(1<<20), float64(s.peakRSS)/1024/float64(resources))
	}
	if floor > 0 {
		for _, s := range steps {
			if s.name == "no-change plan" {
				fmt.Fprintf(&b, "\nNo-change plan ÷ `-refresh=false` floor: %.2f×.\n", s.wall.Seconds()/floor.Seconds())
			}
		}
	}
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
