package sandbox

import (
	"net/http"
	"testing"
	"time"
)

// newManualEnv is newEnv whose background worker never ticks on its own: the test moves jobs
// one step at a time with tick, so every state is observable.
func newManualEnv(t *testing.T, opts ...func(*Options)) *env {
	t.Helper()
	return newEnv(t, append([]func(*Options){func(o *Options) { o.JobTick = time.Hour }}, opts...)...)
}

// tick runs every background ticker n times, failing the test on an error.
func (e *env) tick(n int) {
	e.t.Helper()
	for range n {
		for _, f := range tickers {
			if err := f(e.t.Context(), e.s); err != nil {
				e.t.Fatalf("ticker: %v", err)
			}
		}
	}
}

// userWithEmail creates an acme user with email and returns its id.
func (e *env) userWithEmail(email string, fields ...any) string {
	e.t.Helper()
	f := map[string]any{"email": email}
	for i := 0; i+1 < len(fields); i += 2 {
		f[fields[i].(string)] = fields[i+1]
	}
	return e.createUser(acmeToken, f)["id"].(string)
}

// activate queues the user's activation and returns the job id.
func (e *env) activate(userID string) string {
	e.t.Helper()
	r := e.must(http.StatusAccepted, e.request("POST", "/v1/users/"+userID+"/activation", acmeToken, map[string]any{}))
	m := r.obj(e.t)
	if m["status"] != "queued" || m["jobId"] == "" {
		e.t.Fatalf("activation answer %s", r.body)
	}
	return m["jobId"].(string)
}

// job reads a job with the acme token.
func (e *env) job(id string) map[string]any {
	e.t.Helper()
	return e.must(200, e.request("GET", "/v1/jobs/"+id, acmeToken, nil)).obj(e.t)
}

func (e *env) activationStatus(userID string) string {
	e.t.Helper()
	return e.must(200, e.request("GET", "/v1/users/"+userID+"/activation", acmeToken, nil)).str(e.t, "status")
}

func TestJobs(t *testing.T) {
	e := newManualEnv(t)
	u := e.userWithEmail("jobs@example.com")
	id := e.activate(u)

	j := e.job(id)
	want := map[string]any{"id": id, "kind": "activation", "status": "queued", "error": nil, "result": nil,
		"createdAt": "2026-01-02T03:04:05Z", "updatedAt": "2026-01-02T03:04:05Z"}
	if len(j) != len(want) {
		t.Errorf("job has keys %v", j)
	}
	for k, v := range want {
		if got, ok := j[k]; !ok || got != v {
			t.Errorf("%s = %v, want %v", k, got, v)
		}
	}
	e.tick(1)
	if st := e.job(id)["status"]; st != "running" {
		t.Errorf("after one tick: %v", st)
	}

	t.Run("tenancy", func(t *testing.T) {
		e := e.sub(t)
		e.wantError(e.request("GET", "/v1/jobs/"+id, globexToken, nil), 404, "not_found", "")
		e.must(200, e.request("GET", "/v1/jobs/"+id, spToken, nil))
		e.wantError(e.request("GET", "/v1/jobs/job_nope", spToken, nil), 404, "not_found", "")
		e.wantError(e.request("GET", "/v1/jobs/"+id, "", nil), 401, "unauthorized", "")
	})
}

// TestWorkerRunsJobs runs the real background worker at a fast pace (the acceptance tests'
// setting) and waits for an activation and a directory sync to finish.
func TestWorkerRunsJobs(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.JobTick = 5 * time.Millisecond })
	u := e.userWithEmail("worker@example.com")
	wait := func(jobID, want string) map[string]any {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			j := e.job(jobID)
			if j["status"] == want {
				return j
			}
			if time.Now().After(deadline) || j["status"] == "failed" || j["status"] == "succeeded" {
				t.Fatalf("job %v, want status %s", j, want)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	wait(e.activate(u), "succeeded")
	if st := e.activationStatus(u); st != "provisioned" {
		t.Errorf("activation %s", st)
	}
	sync := e.must(202, e.request("POST", "/v1/enterprises/ent_acme/directory-sync", acmeToken, nil)).str(t, "jobId")
	if j := wait(sync, "succeeded"); j["kind"] != "directory_sync" {
		t.Errorf("sync job %v", j)
	}
}
