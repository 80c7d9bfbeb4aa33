package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
	"github.com/ucprov/terraform-provider-ucprov/internal/sandbox"
)

// TestBulkReadTargetImportDrift (issue 8): with bulk reads on (the default) and enough resources
// for the provider to read the enterprise in bulk, the plan right after an apply is empty and uses
// the bulk read; changes made out of band, through the platform's own wire API, show as drift;
// -target plans and applies only the target; an imported resource reads back to an empty plan.
// The sandbox's counters prove the bulk read was used. One subtest per platform (e2ePlatforms).
func TestBulkReadTargetImportDrift(t *testing.T) {
	forEachPlatform(t, SandboxOptions{}, testBulkReadTargetImportDrift)
}

func testBulkReadTargetImportDrift(t *testing.T, sb *Sandbox) {
	ctx := context.Background()
	wd := workdir(t, sb)
	// 30 resources; on broadworks 60: the read-ahead starts once 15 users of an enterprise were
	// read (internal/platform/broadworks/readahead.go), below that its reads are only batched.
	users := 10
	if sb.Platform() == platform.NameBroadWorks {
		users = 20
	}
	cfg := Config{Users: users, Prefix: "bulk", Number: true, E911: true, Platform: sb.Platform()}
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
	metrics := func() map[string]int64 {
		t.Helper()
		m, err := sb.Metrics(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	mustRun("apply", "-input=false", "-auto-approve")

	before := metrics()
	if changes, res, err := wd.PlanChanges(ctx); err != nil || changes {
		t.Fatalf("plan after apply: changes %v, %v\n%s", changes, err, res.Output)
	}
	plan := delta(before, metrics())
	t.Logf("no-change plan of %d resources: %v", cfg.Count(), plan)
	checkBulkPlan(t, sb.Platform(), cfg, plan)

	// Out of band, through the platform's own API: two users' departments.
	ids := stateIDs(t, wd, "ucprov_user", "u")
	wire := wirePlatform(t, sb)
	for _, k := range []string{"u3", "u7"} {
		dept := "Changed Out Of Band"
		if _, err := wire.UpdateUser(ctx, ids[k], platform.UserPatch{Department: &dept}, platform.WriteOptions{}); err != nil {
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

	// Import: forget u5's E911 address and import it again by its user's id.
	mustRun("state", "rm", `ucprov_e911_address.u["u5"]`)
	mustRun("import", "-input=false", `ucprov_e911_address.u["u5"]`, ids["u5"])
	mustRun("apply", "-input=false", "-auto-approve")
	if changes, res, err := wd.PlanChanges(ctx); err != nil || changes {
		t.Fatalf("plan after import and apply: changes %v, %v\n%s", changes, err, res.Output)
	}
	if err := CheckBackend(ctx, sb, cfg); err != nil {
		t.Fatal(err)
	}
}

// checkBulkPlan asserts that the no-change plan (its requests by route: plan) read the
// configuration's users in bulk on the platform.
func checkBulkPlan(t *testing.T, name string, cfg Config, plan map[string]int64) {
	t.Helper()
	users := int64(cfg.Users)
	switch name {
	case platform.NameBroadWorks:
		// The enterprise's user list (UserGetListInServiceProviderRequest: the numbers, and the
		// users the read-ahead reads next), one UserGetRequest23V2 per user answering the user, its
		// number and its E911 address, in shared documents of up to 15 commands: the documents
		// (the requests) are a fraction of the users, not one per user or per resource.
		// Measured 2026-12-07: 20 users, 7 to 9 documents (how many reads share a document varies
		// with timing), 20 UserGetRequest23V2; the bound is 4 documents (the login, the service
		// provider, the group, the list) and one per two users, where reading users one by one
		// would cost one document per user at least.
		lists := plan[sandbox.OCIPCommandMetric("UserGetListInServiceProviderRequest")]
		gets := plan[sandbox.OCIPCommandMetric("UserGetRequest23V2")]
		docs := plan["POST "+sandbox.OCIPSOAPPath]
		if lists < 1 || gets > users || docs > 4+users/2 {
			t.Fatalf("no-change plan of %d users: %d user lists, %d UserGetRequest23V2 (want at most one per user), %d OCI-P documents (want at most %d)",
				users, lists, gets, docs, 4+users/2)
		}
	case platform.NameWholesale:
		// One snapshot of the customer (internal/platform/wholesale/users.go): its subscribers, its
		// organisation's people with their calling data, and its numbers, a page each at this
		// size; no read of a single subscriber, person or number. Measured 2026-12-07: 4 requests
		// (the customer, and the three lists).
		var single, total int64
		for route, n := range plan {
			total += n
			if strings.HasPrefix(route, "GET ") && (strings.Contains(route, "{personId}") ||
				strings.Contains(route, "{subscriberId}") || strings.Contains(route, "{phoneNumber}")) {
				single += n
			}
		}
		for _, list := range []string{"GET /v1/wholesale/subscribers", "GET /v1/people", "GET /v1/telephony/config/numbers"} {
			if plan[list] < 1 {
				t.Errorf("no-change plan: %s not used (the bulk read)", list)
			}
		}
		if single != 0 || total > 8 {
			t.Fatalf("no-change plan of %d users: %d reads of single objects (want 0), %d requests (want at most 8, whatever the users)", users, single, total)
		}
	default:
		lists := plan["GET /v1/enterprises/{ent}/users"]
		gets := sumRoutes(plan, "GET /v1/users/{usr}", "GET /v1/users/{usr}/number", "GET /v1/users/{usr}/e911")
		if lists < 1 || gets >= int64(cfg.Count()) {
			t.Fatalf("no-change plan of %d resources: %d list requests, %d single GETs (want the list used)", cfg.Count(), lists, gets)
		}
	}
}
