package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/ucprov/terraform-provider-ucprov/internal/client"
)

// TestBulkReadTargetImportDrift (issue 8): with bulk reads on (the default) and enough resources
// for the provider to read the enterprise from its users list, the plan right after an apply is
// empty; changes made out of band show as drift; -target plans and applies only the target; an
// imported resource reads back to an empty plan. The sandbox's counters prove the list was used.
func TestBulkReadTargetImportDrift(t *testing.T) {
	sb := startSandbox(t, SandboxOptions{})
	ctx := context.Background()
	wd, err := NewWorkdir(t.TempDir(), binaries(t), sb)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Users: 10, Prefix: "bulk", Number: true, E911: true} // 30 resources
	if err := wd.WriteConfig(cfg); err != nil {
		t.Fatal(err)
	}
	mustRun := func(args ...string) *Result {
		t.Helper()
		res, err := wd.Exec(ctx, args...)
		if err == nil {
			err = res.Err()
		}
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	listRoute := "GET /v1/enterprises/{ent}/users"
	count := func(route string) int64 {
		t.Helper()
		m, err := sb.Metrics(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return m[route]
	}
	mustRun("apply", "-input=false", "-auto-approve")

	lists := count(listRoute)
	gets := count("GET /v1/users/{usr}") + count("GET /v1/users/{usr}/number") + count("GET /v1/users/{usr}/e911")
	if changes, res, err := wd.PlanChanges(ctx); err != nil || changes {
		t.Fatalf("plan after apply: changes %v, %v\n%s", changes, err, res.Output)
	}
	lists, gets = count(listRoute)-lists, count("GET /v1/users/{usr}")+count("GET /v1/users/{usr}/number")+count("GET /v1/users/{usr}/e911")-gets
	if lists < 1 || gets >= 30 {
		t.Fatalf("no-change plan of 30 resources: %d list requests, %d single GETs (want the list used)", lists, gets)
	}

	// Out of band: two users' departments.
	admin, err := sb.Client()
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, i := range []int{3, 7} {
		us, err := admin.ListUsers(ctx, sb.EnterpriseID, client.UserFilter{Email: cfg.Email(i)})
		if err != nil || len(us) != 1 {
			t.Fatalf("user %d: %v %v", i, us, err)
		}
		ids[us[0].ID] = cfg.Email(i)
		dept := "Changed Out Of Band"
		if _, err := admin.UpdateUser(ctx, us[0].ID, client.UserPatch{Department: &dept}, client.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	res := mustRun("plan", "-input=false", "-detailed-exitcode")
	if res.ExitCode != 2 || !strings.Contains(res.Output, `ucprov_user.u["u3"] will be updated`) ||
		!strings.Contains(res.Output, `ucprov_user.u["u7"] will be updated`) || !strings.Contains(res.Output, "2 to change") {
		t.Fatalf("drift not shown:\n%s", res.Output)
	}

	// -target: only u3.
	res = mustRun("plan", "-input=false", "-detailed-exitcode", `-target=ucprov_user.u["u3"]`)
	if res.ExitCode != 2 || !strings.Contains(res.Output, "1 to change") || strings.Contains(res.Output, `ucprov_user.u["u7"] will be updated`) {
		t.Fatalf("targeted plan:\n%s", res.Output)
	}
	mustRun("apply", "-input=false", "-auto-approve", `-target=ucprov_user.u["u3"]`)
	res = mustRun("plan", "-input=false", "-detailed-exitcode")
	if res.ExitCode != 2 || !strings.Contains(res.Output, "1 to change") || !strings.Contains(res.Output, `ucprov_user.u["u7"] will be updated`) {
		t.Fatalf("after the targeted apply, only u7 is left:\n%s", res.Output)
	}

	// Import: forget u5's E911 address and import it again.
	var u5 string
	us, err := admin.ListUsers(ctx, sb.EnterpriseID, client.UserFilter{Email: cfg.Email(5)})
	if err != nil || len(us) != 1 {
		t.Fatalf("user 5: %v %v", us, err)
	}
	u5 = us[0].ID
	mustRun("state", "rm", `ucprov_e911_address.u["u5"]`)
	mustRun("import", "-input=false", `ucprov_e911_address.u["u5"]`, u5)
	mustRun("apply", "-input=false", "-auto-approve")
	if changes, res, err := wd.PlanChanges(ctx); err != nil || changes {
		t.Fatalf("plan after import and apply: changes %v, %v\n%s", changes, err, res.Output)
	}
	if err := CheckBackend(ctx, sb, cfg); err != nil {
		t.Fatal(err)
	}
}
