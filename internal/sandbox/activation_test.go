package sandbox

import (
	"net/http"
	"testing"
)

func TestActivationLifecycle(t *testing.T) {
	e := newManualEnv(t)
	u := e.userWithEmail("ada@example.com")
	path := "/v1/users/" + u + "/activation"

	e.wantError(e.request("GET", path, acmeToken, nil), 404, "not_found", "")
	e.wantError(e.request("POST", path, acmeToken, map[string]any{"package": "webex_gold"}), 422, "package_invalid", "package")
	e.wantError(e.request("POST", path, acmeToken, map[string]any{"color": "red"}), 400, "invalid_request", "color")
	noEmail := e.createUser(acmeToken, nil)["id"].(string)
	e.wantError(e.request("POST", "/v1/users/"+noEmail+"/activation", acmeToken, map[string]any{}), 422, "email_required", "")

	r := e.must(http.StatusAccepted, e.request("POST", path, acmeToken, map[string]any{
		"package": "webex_suite", "sendActivationEmail": true, "emailSubject": "Welcome", "emailBody": "Hi"}))
	jobID := r.str(t, "jobId")
	got := e.must(200, e.request("GET", path, acmeToken, nil))
	a := got.obj(t)
	if tag, _ := a["etag"].(string); tag == "" || got.header.Get("ETag") != tag {
		t.Errorf("activation etag %q, header %q", a["etag"], got.header.Get("ETag"))
	}
	delete(a, "etag")
	want := map[string]any{"status": "queued", "email": "ada@example.com", "package": "webex_suite", "errorCode": "",
		"errorText": "", "updatedAt": "2026-01-02T03:04:05Z", "jobId": jobID,
		"invitationsSent": float64(1), "lastInvitedAt": "2026-01-02T03:04:05Z"}
	if len(a) != len(want) {
		t.Errorf("activation keys: %v", a)
	}
	for k, v := range want {
		if a[k] != v {
			t.Errorf("%s = %v, want %v", k, a[k], v)
		}
	}
	e.wantError(e.request("POST", path, acmeToken, map[string]any{}), 409, "already_activated", "")
	e.wantError(e.request("POST", path+"/retry", acmeToken, nil), 409, "not_in_error", "")

	for i, st := range []struct{ activation, job string }{
		{"pending_email_validation", "running"},
		{"provisioning", "running"},
		{"provisioned", "succeeded"},
		{"provisioned", "succeeded"},
	} {
		e.tick(1)
		if got := e.activationStatus(u); got != st.activation {
			t.Errorf("tick %d: activation %s, want %s", i+1, got, st.activation)
		}
		if got := e.job(jobID)["status"]; got != st.job {
			t.Errorf("tick %d: job %v, want %s", i+1, got, st.job)
		}
	}
	if j := e.job(jobID); j["error"] != nil {
		t.Errorf("succeeded job has an error: %v", j)
	}

	t.Run("refresh", func(t *testing.T) {
		e := e.sub(t)
		if st := e.must(200, e.request("POST", path+"/refresh", acmeToken, nil)).str(t, "status"); st != "provisioned" {
			t.Errorf("refresh: %s", st)
		}
		e.wantError(e.request("POST", "/v1/users/"+noEmail+"/activation/refresh", acmeToken, nil), 404, "not_found", "")
	})
	t.Run("package", func(t *testing.T) {
		e := e.sub(t)
		patch := func(body any) resp { return e.request("PATCH", path, acmeToken, body) }
		if p := e.must(200, patch(map[string]any{"package": "webex_voice"})).obj(t); p["package"] != "webex_voice" || p["status"] != "provisioned" {
			t.Errorf("patch: %v", p)
		}
		e.wantError(patch(map[string]any{"package": "nope"}), 422, "package_invalid", "package")
		e.wantError(patch(map[string]any{}), 422, "required", "package")
		e.wantError(e.request("PATCH", "/v1/users/"+noEmail+"/activation", acmeToken, map[string]any{"package": "webex_voice"}),
			404, "not_found", "")
	})
	t.Run("tenancy", func(t *testing.T) {
		e := e.sub(t)
		pkg := map[string]any{"package": "webex_voice"}
		for _, m := range []struct {
			method, path string
			body         any
		}{
			{"GET", path, nil}, {"POST", path, pkg}, {"PATCH", path, pkg}, {"DELETE", path, nil},
			{"POST", path + "/retry", nil}, {"POST", path + "/refresh", nil},
		} {
			e.wantError(e.request(m.method, m.path, globexToken, m.body), 404, "not_found", "")
		}
	})
}

func TestActivationEmailInput(t *testing.T) {
	e := newManualEnv(t)
	u := e.userWithEmail("later@example.com")
	jobID := e.activate(u)
	// The email goes before the worker picks the activation up: it waits for one.
	e.must(200, e.request("PATCH", "/v1/users/"+u, acmeToken, map[string]any{"email": ""}))
	e.tick(2)
	if st := e.activationStatus(u); st != "pending_email_input" {
		t.Fatalf("status %s", st)
	}
	if st := e.job(jobID)["status"]; st != "running" {
		t.Errorf("job %v", st)
	}
	e.must(200, e.request("PATCH", "/v1/users/"+u, acmeToken, map[string]any{"email": "later@example.com"}))
	e.tick(1)
	if st := e.activationStatus(u); st != "pending_email_validation" {
		t.Errorf("status %s", st)
	}
	e.tick(2)
	if st := e.job(jobID)["status"]; st != "succeeded" {
		t.Errorf("job %v", st)
	}
}

func TestActivationEmailConflict(t *testing.T) {
	e := newManualEnv(t)
	u := e.userWithEmail("Taken@Webex.example")
	path := "/v1/users/" + u + "/activation"
	jobID := e.activate(u)
	e.tick(1)
	a := e.must(200, e.request("GET", path, acmeToken, nil)).obj(t)
	if a["status"] != "error" || a["errorCode"] != "email_conflict" ||
		a["errorText"] != "the email address is already used by another Webex account" {
		t.Fatalf("activation %v", a)
	}
	j := e.job(jobID)
	if jerr, _ := j["error"].(map[string]any); j["status"] != "failed" || jerr["code"] != "email_conflict" || jerr["message"] != a["errorText"] {
		t.Errorf("job %v", j)
	}

	// A retry with the same email fails again.
	again := e.must(202, e.request("POST", path+"/retry", acmeToken, nil)).str(t, "jobId")
	if again == jobID {
		t.Error("retry reused the job")
	}
	if st := e.activationStatus(u); st != "queued" {
		t.Errorf("after retry: %s", st)
	}
	e.tick(1)
	if st := e.activationStatus(u); st != "error" {
		t.Errorf("after retry with the same email: %s", st)
	}

	t.Run("retry validates the new email like PATCH", func(t *testing.T) {
		e := e.sub(t)
		e.wantError(e.request("POST", path+"/retry", acmeToken, map[string]any{"email": "bad"}), 422, "email_invalid", "email")
		e.userWithEmail("holder@example.com")
		e.wantError(e.request("POST", path+"/retry", acmeToken, map[string]any{"email": "HOLDER@example.com"}), 409, "email_in_use", "email")
		e.wantError(e.request("POST", path+"/retry", acmeToken, map[string]any{"email": "x@example.com", "y": 1}), 400, "invalid_request", "y")
		if st := e.activationStatus(u); st != "error" {
			t.Errorf("a refused retry changed the status: %s", st)
		}
	})

	// A retry with a free email sets it on the user and goes through.
	final := e.must(202, e.request("POST", path+"/retry", acmeToken, map[string]any{"email": "free@example.com"},
		"Idempotency-Key", "retry-1")).str(t, "jobId")
	if got := e.must(200, e.request("GET", "/v1/users/"+u, acmeToken, nil)).obj(t); got["email"] != "free@example.com" || got["etag"] != `"2"` {
		t.Errorf("user after retry: %v", got)
	}
	replay := e.must(202, e.request("POST", path+"/retry", acmeToken, map[string]any{"email": "free@example.com"}, "Idempotency-Key", "retry-1"))
	if replay.str(t, "jobId") != final || replay.header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("replay %s", replay.body)
	}
	e.tick(3)
	a = e.must(200, e.request("GET", path, acmeToken, nil)).obj(t)
	if a["status"] != "provisioned" || a["errorCode"] != "" || a["errorText"] != "" || a["email"] != "free@example.com" {
		t.Errorf("after a retry with a free email: %v", a)
	}
	if st := e.job(final)["status"]; st != "succeeded" {
		t.Errorf("job %v", st)
	}

	t.Run("retry with a new email is refused while IM&P is enabled", func(t *testing.T) {
		e := e.sub(t)
		v := e.userWithEmail("v-user@example.com")
		if err := e.s.AddExternalWebexAccount("Also.Taken@webex.example"); err != nil {
			t.Fatal(err)
		}
		if err := e.s.AddExternalWebexAccount("not an email"); err == nil {
			t.Error("invalid email accepted")
		}
		e.must(200, e.request("PATCH", "/v1/users/"+v, acmeToken, map[string]any{"email": "also.taken@WEBEX.example"}))
		e.must(200, e.request("PUT", "/v1/users/"+v+"/services/integrated-imp", acmeToken, map[string]any{"enabled": true}))
		e.activate(v)
		e.tick(1)
		if st := e.activationStatus(v); st != "error" {
			t.Fatalf("status %s", st)
		}
		e.wantError(e.request("POST", "/v1/users/"+v+"/activation/retry", acmeToken, map[string]any{"email": "v@example.com"}),
			409, "imp_enabled", "email")
		// POST again from error replaces the activation.
		e.must(202, e.request("POST", "/v1/users/"+v+"/activation", acmeToken, map[string]any{"package": "webex_meetings"}))
		if a := e.must(200, e.request("GET", "/v1/users/"+v+"/activation", acmeToken, nil)).obj(t); a["status"] != "queued" || a["package"] != "webex_meetings" {
			t.Errorf("re-post: %v", a)
		}
	})
}

func TestDeactivation(t *testing.T) {
	e := newManualEnv(t)
	u := e.userWithEmail("grace@example.com", "firstName", "Grace", "lastName", "Hopper", "callingLineIdFirstName", "Amazing")
	path := "/v1/users/" + u + "/activation"
	e.must(200, e.request("PUT", "/v1/users/"+u+"/services/integrated-imp", acmeToken, map[string]any{"enabled": true}))
	jobID := e.activate(u)
	e.tick(1)
	if _, err := e.s.db.Exec(`INSERT INTO call_history (user_id, direction, number, at) VALUES (?, 'in', '+17205550100', 'now'), (?, 'out', '1234', 'now')`, u, u); err != nil {
		t.Fatal(err)
	}

	// DELETE removes Webex only: the name, email, IM&P and call history stay.
	e.must(204, e.request("DELETE", path, acmeToken, nil))
	got := e.must(200, e.request("GET", "/v1/users/"+u, acmeToken, nil)).obj(t)
	for k, v := range map[string]any{"firstName": "Grace", "lastName": "Hopper", "callingLineIdFirstName": "Amazing",
		"email": "grace@example.com", "etag": `"1"`} {
		if got[k] != v {
			t.Errorf("user %s = %v, want %v", k, got[k], v)
		}
	}
	if imp := e.must(200, e.request("GET", "/v1/users/"+u+"/services/integrated-imp", acmeToken, nil)).obj(t); imp["enabled"] != true {
		t.Errorf("imp %v", imp)
	}
	var n int
	if err := e.s.db.QueryRow(`SELECT count(*) FROM call_history WHERE user_id = ?`, u).Scan(&n); err != nil || n != 2 {
		t.Errorf("call history rows %d (%v)", n, err)
	}
	job := e.job(jobID)
	if jerr, _ := job["error"].(map[string]any); job["status"] != "failed" || jerr["code"] != "cancelled" {
		t.Errorf("job of the removed activation: %v", job)
	}
	e.wantError(e.request("GET", path, acmeToken, nil), 404, "not_found", "")
	e.wantError(e.request("DELETE", path, acmeToken, nil), 404, "not_found", "")
	e.tick(2)     // the worker does not trip over the cancelled job
	e.activate(u) // the user can be activated again
}

// TestUserDeleteRemovesServices checks that deleting a user removes every phase-2 row of it
// (foreign keys ON DELETE CASCADE).
func TestUserDeleteRemovesServices(t *testing.T) {
	e := newManualEnv(t)
	u := e.userWithEmail("gone@example.com")
	other := e.userWithEmail("stays@example.com")
	for _, id := range []string{u, other} {
		e.must(200, e.request("PUT", "/v1/users/"+id+"/services/integrated-imp", acmeToken, map[string]any{"enabled": true}))
		e.activate(id)
		e.must(200, e.request("PUT", "/v1/users/"+id+"/call-forwarding", acmeToken,
			map[string]any{"always": map[string]any{"enabled": true, "destination": "+17205550100"}}))
		e.must(204, e.request("PUT", "/v1/users/"+id+"/voicemail/passcode", acmeToken, map[string]any{"passcode": "837261"}))
		e.must(204, e.request("PUT", "/v1/users/"+id+"/portal-password", acmeToken, map[string]any{"password": "Sh1ny&New"}))
		if _, err := e.s.db.Exec(`INSERT INTO call_history (user_id, at) VALUES (?, 'now')`, id); err != nil {
			t.Fatal(err)
		}
	}
	tables := []string{"imp_settings", "activations", "jobs", "call_forwarding", "voicemail_passcodes", "portal_passwords", "call_history"}
	count := func(table, id string) int {
		var n int
		if err := e.s.db.QueryRow(`SELECT count(*) FROM `+table+` WHERE user_id = ?`, id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, table := range tables {
		if count(table, u) != 1 {
			t.Fatalf("%s has no row of the user before the delete", table)
		}
	}
	e.must(204, e.request("DELETE", "/v1/users/"+u, acmeToken, nil))
	for _, table := range tables {
		if n := count(table, u); n != 0 {
			t.Errorf("%s keeps %d rows of the deleted user", table, n)
		}
		if n := count(table, other); n != 1 {
			t.Errorf("%s lost the other user's row", table)
		}
	}
	e.tick(3) // the worker goes on with the other user
	if st := e.activationStatus(other); st != "provisioned" {
		t.Errorf("other user's activation %s", st)
	}
}

func TestActivationIdempotency(t *testing.T) {
	e := newManualEnv(t)
	u := e.userWithEmail("idem@example.com")
	post := func() resp {
		return e.request("POST", "/v1/users/"+u+"/activation", acmeToken, map[string]any{"package": "webex_calling"}, "Idempotency-Key", "act-1")
	}
	first := e.must(202, post())
	second := e.must(202, post())
	if first.str(t, "jobId") != second.str(t, "jobId") || second.header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("replay: %s / %s", first.body, second.body)
	}
	var n int
	if err := e.s.db.QueryRow(`SELECT count(*) FROM jobs WHERE user_id = ?`, u).Scan(&n); err != nil || n != 1 {
		t.Errorf("%d jobs (%v)", n, err)
	}
}

// The activation's etag changes with every change of the object (the worker's status steps
// included), and PATCH, DELETE and retry honour If-Match: a stale one is a 412 that changes nothing.
func TestActivationIfMatch(t *testing.T) {
	e := newEnv(t)
	id := e.createUser(acmeToken, map[string]any{"email": "ifmatch@example.com"})["id"].(string)
	path := "/v1/users/" + id + "/activation"
	e.must(http.StatusAccepted, e.request("POST", path, acmeToken, map[string]any{}))
	etag := func() string { return e.must(200, e.request("GET", path, acmeToken, nil)).str(t, "etag") }
	queued := etag()
	if again := etag(); again != queued {
		t.Fatalf("etag changed without a change: %s, %s", queued, again)
	}
	e.tick(1)
	stepped := etag()
	if stepped == queued {
		t.Fatalf("etag did not change with the status step: %s", stepped)
	}
	e.wantError(e.request("PATCH", path, acmeToken, map[string]any{"package": "webex_suite"}, "If-Match", queued),
		412, "etag_mismatch", "")
	if pkg := e.must(200, e.request("GET", path, acmeToken, nil)).str(t, "package"); pkg != "webex_calling" {
		t.Errorf("a refused PATCH changed the package to %s", pkg)
	}
	r := e.must(200, e.request("PATCH", path, acmeToken, map[string]any{"package": "webex_suite"}, "If-Match", stepped))
	if r.str(t, "etag") == stepped || r.header.Get("ETag") != r.str(t, "etag") {
		t.Errorf("PATCH answered etag %s (header %s), the one before was %s", r.str(t, "etag"), r.header.Get("ETag"), stepped)
	}
	e.wantError(e.request("POST", path+"/retry", acmeToken, nil, "If-Match", stepped), 412, "etag_mismatch", "")
	e.wantError(e.request("DELETE", path, acmeToken, nil, "If-Match", stepped), 412, "etag_mismatch", "")
	e.must(200, e.request("GET", path, acmeToken, nil))
	e.must(204, e.request("DELETE", path, acmeToken, nil, "If-Match", r.str(t, "etag")))
}

// PUT /number with activate assigns and activates in one request.
func TestPutNumberActivate(t *testing.T) {
	e := newEnv(t)
	id := e.createUser(acmeToken, nil)["id"].(string)
	path := "/v1/users/" + id + "/number"
	r := e.must(200, e.request("PUT", path, acmeToken, map[string]any{"phoneNumber": "+17205551200", "activate": true}))
	if st := r.str(t, "numberState"); st != "active" {
		t.Errorf("numberState = %s, want active", st)
	}
	r = e.must(200, e.request("PUT", path, acmeToken, map[string]any{"phoneNumber": "+17205551201"}))
	if st := r.str(t, "numberState"); st != "inactive" {
		t.Errorf("without activate: numberState = %s, want inactive", st)
	}
	tag := r.str(t, "etag")
	r = e.must(200, e.request("PUT", path, acmeToken, map[string]any{"phoneNumber": "+17205551201", "activate": true}, "If-Match", tag))
	if st := r.str(t, "numberState"); st != "active" || r.str(t, "etag") == tag {
		t.Errorf("activate on the same number: numberState %s, etag %s (was %s)", st, r.str(t, "etag"), tag)
	}
	e.wantError(e.request("POST", path+"/activate", acmeToken, nil, "If-Match", tag), 412, "etag_mismatch", "")
	e.must(200, e.request("PUT", path, acmeToken, map[string]any{"extension": "1288", "activate": true}))
}
