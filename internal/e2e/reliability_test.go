package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ucprov/terraform-provider-ucprov/internal/client"
)

// The reliability tests (issue 9): faults, restart and two working directories at once. `make test`
// runs a short version of each; `make reliability` (UCPROV_RELIABILITY=full) the full one.
func full() bool { return os.Getenv("UCPROV_RELIABILITY") == "full" }

// applyConverges applies, and re-applies at most twice when an apply fails; it fails the test
// when the third apply fails too, and returns how many applies it took.
func applyConverges(ctx context.Context, t *testing.T, wd *Workdir) int {
	t.Helper()
	var last *Result
	for attempt := 1; attempt <= 3; attempt++ {
		res, err := wd.Apply(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("apply %d: exit %d in %s", attempt, res.ExitCode, res.Duration.Round(time.Millisecond))
		if res.ExitCode == 0 {
			return attempt
		}
		t.Logf("apply %d failed on:\n%s", attempt, errorLines(res.Output))
		last = res
	}
	t.Fatalf("the apply did not converge in three tries: %v", last.Err())
	return 0
}

// errorLines is the diagnostics of a failed run: each "Error:" line with the resource it names
// and the first line of its detail (what a re-apply had to finish).
func errorLines(out string) string {
	var b strings.Builder
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if !strings.Contains(l, "Error:") {
			continue
		}
		b.WriteString(strings.TrimSpace(l))
		for j, shown := i+1, 0; j < len(lines) && shown < 2; j++ {
			if t := strings.TrimSpace(lines[j]); t != "" && !strings.HasPrefix(t, "on ") && !strings.Contains(t, ": resource") && !strings.Contains(t, ":   ") {
				b.WriteString(" | " + t)
				shown++
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

// planEmpty fails the test unless terraform plan shows no changes.
func planEmpty(ctx context.Context, t *testing.T, wd *Workdir) {
	t.Helper()
	changes, res, err := wd.PlanChanges(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if changes {
		t.Fatalf("the plan after the apply is not empty:\n%s", res.Output)
	}
}

// Item 2: 30% of the requests fail (429 with Retry-After, 500, 503, connection reset, and on
// writes 500 or reset after the commit): the apply succeeds or at most two re-applies finish it,
// the next plan is empty (faults still on), and the backend holds exactly the configured objects.
func TestReliabilityFaults(t *testing.T) {
	t.Parallel()
	seeds, users := []uint64{1}, 10
	if full() {
		seeds, users = []uint64{1, 2, 3, 4, 5}, 50
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			sb := startSandbox(t, SandboxOptions{FaultRate: 0.3, FaultSeed: seed})
			wd := workdir(t, sb)
			cfg := Config{Users: users, Number: true, E911: true, IMP: true, Activation: true, CallForwarding: true}
			if err := wd.WriteConfig(cfg); err != nil {
				t.Fatal(err)
			}
			applyConverges(ctx, t, wd)
			planEmpty(ctx, t, wd)
			m, err := sb.Metrics(ctx)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("metrics under faults: %v", m)

			// The checks through the API, without faults.
			if err := sb.Restart(ctx, func(o *SandboxOptions) { o.FaultRate = 0 }); err != nil {
				t.Fatal(err)
			}
			if err := CheckBackend(ctx, sb, cfg); err != nil {
				t.Fatal(err)
			}
			planEmpty(ctx, t, wd)
			if !full() && os.Getenv("UCPROV_RELIABILITY") != "update" {
				return
			}

			// Updates under faults: every user's department changes (PATCH with If-Match, where a
			// write that committed but lost its answer meets its own new etag on the retry).
			if err := sb.Restart(ctx, func(o *SandboxOptions) { o.FaultRate = 0.3 }); err != nil {
				t.Fatal(err)
			}
			cfg.Department = "Sales"
			if err := wd.WriteConfig(cfg); err != nil {
				t.Fatal(err)
			}
			applyConverges(ctx, t, wd)
			planEmpty(ctx, t, wd)
			if err := sb.Restart(ctx, func(o *SandboxOptions) { o.FaultRate = 0 }); err != nil {
				t.Fatal(err)
			}
			if err := CheckBackend(ctx, sb, cfg); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// Item 4: the sandbox is killed with SIGKILL in the middle of an apply and restarted on the same
// database: no committed user is lost, and the re-apply converges with no duplicate (the
// idempotency keys of POSTs in flight survive the restart).
func TestReliabilityRestart(t *testing.T) {
	t.Parallel()
	users := 10
	if full() {
		users = 50
	}
	ctx := context.Background()
	sb := startSandbox(t, SandboxOptions{Latency: 30 * time.Millisecond})
	wd := workdir(t, sb)
	cfg := Config{Users: users, Number: true, E911: true, IMP: true, Activation: true, CallForwarding: true}
	if err := wd.WriteConfig(cfg); err != nil {
		t.Fatal(err)
	}
	c, err := sb.Client()
	if err != nil {
		t.Fatal(err)
	}
	run, err := wd.Start(ctx, "apply", "-input=false", "-auto-approve")
	if err != nil {
		t.Fatal(err)
	}
	// Kill once about half of the users are committed (the creates are still going on). Counted
	// from the backend's users, not from the requests received: a burst of POSTs is received
	// (and counted) before any of them commits.
	var before []client.User
	for deadline := time.Now().Add(3 * time.Minute); ; {
		before, err = c.ListUsers(ctx, sb.EnterpriseID, client.UserFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(before) >= users/2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the apply did not create %d users in 3 minutes (%d so far)\n%s", users/2, len(before), run.Output())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := sb.Kill(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second) // requests in flight fail, retries meet a closed port
	if err := sb.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := run.Wait()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("the interrupted apply: exit %d in %s", res.ExitCode, res.Duration.Round(time.Millisecond))
	if res.ExitCode != 0 {
		applyConverges(ctx, t, wd)
	}
	planEmpty(ctx, t, wd)

	after, err := c.ListUsers(ctx, sb.EnterpriseID, client.UserFilter{})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, u := range after {
		ids[u.ID] = true
	}
	for _, u := range before {
		if !ids[u.ID] {
			t.Errorf("user %s (%s), committed before the kill, is gone", u.ID, u.Email)
		}
	}
	if len(before) == 0 {
		t.Error("no user was committed before the kill: the test proves nothing")
	}
	if err := CheckBackend(ctx, sb, cfg); err != nil {
		t.Fatal(err)
	}
}

// Item 6: two working directories apply to the same enterprise and group at once, one changing
// its users, the other creating users: both converge and nothing is lost.
func TestReliabilityTwoWorkdirs(t *testing.T) {
	t.Parallel()
	users := 5
	if full() {
		users = 25
	}
	ctx := context.Background()
	sb := startSandbox(t, SandboxOptions{Latency: 5 * time.Millisecond})
	a := Config{Users: users, Prefix: "wa", Number: true, E911: true, IMP: true, CallForwarding: true}
	b := Config{Users: users, Prefix: "wb", Offset: users, Number: true, E911: true, IMP: true, CallForwarding: true}
	wa, wb := workdir(t, sb), workdir(t, sb)
	if err := wa.WriteConfig(a); err != nil {
		t.Fatal(err)
	}
	applyConverges(ctx, t, wa)

	// A changes every user (department and an extra resource per user), B creates its users.
	a.Department, a.Activation = "Sales", true
	if err := wa.WriteConfig(a); err != nil {
		t.Fatal(err)
	}
	if err := wb.WriteConfig(b); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	results := make([]*Result, 2)
	errs := make([]error, 2)
	for i, wd := range []*Workdir{wa, wb} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = wd.Apply(ctx)
		}()
	}
	wg.Wait()
	for i, name := range []string{"a", "b"} {
		if errs[i] == nil {
			errs[i] = results[i].Err()
		}
		if errs[i] != nil {
			t.Errorf("concurrent apply of %s: %v", name, errs[i])
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	planEmpty(ctx, t, wa)
	planEmpty(ctx, t, wb)
	if err := CheckBackend(ctx, sb, a, b); err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if !strings.Contains(r.Output, "Apply complete!") {
			t.Errorf("apply output: %s", r.Output)
		}
	}
}

// Item 4, the mechanism: a POST committed just before a SIGKILL is answered again from its
// Idempotency-Key after the restart (same user, nothing new), so a client that lost the answer
// and retries creates no duplicate.
func TestReliabilityIdempotencyKeySurvivesKill(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sb := startSandbox(t, SandboxOptions{})
	post := func() (int, string) {
		t.Helper()
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, sb.URL+"/v1/enterprises/ent_acme/users",
			strings.NewReader(`{"groupId":"grp_denver","firstName":"Kill","lastName":"Nine","email":"kill9@acme.example"}`))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+sb.Token)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", "6f1d3c1e-0000-4000-8000-000000000009")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = res.Body.Close() }()
		var u struct{ ID string }
		if err := json.NewDecoder(res.Body).Decode(&u); err != nil {
			t.Fatal(err)
		}
		return res.StatusCode, u.ID
	}
	status, first := post()
	if status != http.StatusCreated || first == "" {
		t.Fatalf("create: %d %q", status, first)
	}
	if err := sb.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := sb.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	status, again := post()
	if status != http.StatusCreated || again != first {
		t.Errorf("the retry after the restart: %d %q, want 201 %q (the first answer)", status, again, first)
	}
	c, err := sb.Client()
	if err != nil {
		t.Fatal(err)
	}
	users, err := c.ListUsers(ctx, sb.EnterpriseID, client.UserFilter{Email: "kill9@acme.example"})
	if err != nil || len(users) != 1 {
		t.Errorf("users with the email after the retry: %d (%v)", len(users), err)
	}
}
