package sandbox

import (
	"testing"
	"time"
)

func TestDirectorySync(t *testing.T) {
	e := newManualEnv(t)
	setClock := func(now time.Time) { e.s.SetNow(func() time.Time { return now }) }
	const path = "/v1/enterprises/ent_acme/directory-sync"
	state := func() map[string]any {
		t.Helper()
		return e.must(200, e.request("GET", path, acmeToken, nil)).obj(t)
	}
	wantState := func(want map[string]any) {
		t.Helper()
		got := state()
		if len(got) != 5 {
			t.Errorf("state keys %v", got)
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("state %s = %v, want %v (all: %v)", k, got[k], v, got)
			}
		}
	}
	wantState(map[string]any{"status": "never", "lastJobId": "", "lastCompletedAt": "", "nextAllowedAt": "", "errorCode": ""})

	// No provisioned user: the job fails.
	first := e.must(202, e.request("POST", path, acmeToken, nil)).obj(t)
	jobID, _ := first["jobId"].(string)
	if first["status"] != "queued" || jobID == "" {
		t.Fatalf("queued: %v", first)
	}
	wantState(map[string]any{"status": "queued", "lastJobId": jobID})
	// While it is queued or running, another POST answers the same job.
	if again := e.must(202, e.request("POST", path, acmeToken, nil)).str(t, "jobId"); again != jobID {
		t.Errorf("second POST queued %s, want %s", again, jobID)
	}
	e.tick(1)
	wantState(map[string]any{"status": "running", "lastJobId": jobID})
	e.tick(1)
	wantState(map[string]any{"status": "failed", "lastJobId": jobID, "errorCode": "no_activated_user", "lastCompletedAt": ""})
	j := e.job(jobID)
	if jerr, _ := j["error"].(map[string]any); j["kind"] != "directory_sync" || j["status"] != "failed" ||
		jerr["code"] != "no_activated_user" || jerr["message"] != "no user of the enterprise is provisioned" {
		t.Errorf("job %v", j)
	}

	// A provisioned user in another enterprise does not count; one in acme does.
	g := e.must(201, e.request("POST", "/v1/enterprises/ent_globex/users", globexToken, map[string]any{
		"groupId": DemoGroupTokyo, "firstName": "Kei", "lastName": "Sato", "email": "kei@example.com"})).str(t, "id")
	e.must(202, e.request("POST", "/v1/users/"+g+"/activation", globexToken, map[string]any{}))
	e.tick(3)
	second := e.must(202, e.request("POST", path, acmeToken, nil)).str(t, "jobId")
	e.tick(2)
	wantState(map[string]any{"status": "failed", "lastJobId": second, "errorCode": "no_activated_user"})

	u := e.userWithEmail("sync@example.com")
	e.activate(u)
	e.tick(3)
	third := e.must(202, e.request("POST", path, acmeToken, nil)).str(t, "jobId")
	setClock(testClock.Add(time.Minute)) // completes a minute later
	e.tick(2)
	completed := testClock.Add(time.Minute)
	wantState(map[string]any{"status": "succeeded", "lastJobId": third, "errorCode": "",
		"lastCompletedAt": completed.Format(time.RFC3339), "nextAllowedAt": completed.Add(24 * time.Hour).Format(time.RFC3339)})
	if j := e.job(third); j["status"] != "succeeded" || j["error"] != nil {
		t.Errorf("job %v", j)
	}

	// The 24 h hold.
	setClock(completed.Add(24*time.Hour - time.Second))
	m := e.wantError(e.request("POST", path, acmeToken, nil), 409, "sync_on_hold", "")
	if m["nextAllowedAt"] != completed.Add(24*time.Hour).Format(time.RFC3339) {
		t.Errorf("nextAllowedAt %v", m["nextAllowedAt"])
	}
	setClock(completed.Add(24 * time.Hour))
	wantState(map[string]any{"status": "succeeded", "nextAllowedAt": "", "lastCompletedAt": completed.Format(time.RFC3339)})
	fourth := e.must(202, e.request("POST", path, acmeToken, nil, "Idempotency-Key", "sync-4")).str(t, "jobId")
	if replay := e.must(202, e.request("POST", path, acmeToken, nil, "Idempotency-Key", "sync-4")).str(t, "jobId"); replay != fourth {
		t.Errorf("replay answered %s, want %s", replay, fourth)
	}
	// A failed sync keeps the last completion time (and starts no hold).
	e.must(204, e.request("DELETE", "/v1/users/"+u, acmeToken, nil))
	e.tick(2)
	wantState(map[string]any{"status": "failed", "lastJobId": fourth, "lastCompletedAt": completed.Format(time.RFC3339), "nextAllowedAt": ""})
	e.must(202, e.request("POST", path, acmeToken, nil))

	t.Run("tenancy", func(t *testing.T) {
		e := e.sub(t)
		e.wantError(e.request("GET", path, globexToken, nil), 404, "not_found", "")
		e.wantError(e.request("POST", path, globexToken, nil), 404, "not_found", "")
		e.wantError(e.request("GET", "/v1/jobs/"+third, globexToken, nil), 404, "not_found", "")
		e.wantError(e.request("POST", "/v1/enterprises/ent_nope/directory-sync", spToken, nil), 404, "not_found", "")
		e.must(200, e.request("GET", "/v1/enterprises/ent_globex/directory-sync", spToken, nil))
	})
}
