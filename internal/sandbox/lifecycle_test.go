package sandbox

import (
	"net/http"
	"strings"
	"testing"
)

// TestResetUser: the Spectrum portal's Reset User clears the person and Webex but keeps the line.
func TestResetUser(t *testing.T) {
	e := newManualEnv(t)
	u := e.userWithEmail("grace@example.com", "firstName", "Grace", "lastName", "Hopper", "callingLineIdFirstName", "Amazing")
	e.must(200, e.request("PUT", "/v1/users/"+u+"/number", acmeToken, map[string]any{"phoneNumber": "+17205551230", "extension": "1230"}))
	e.must(200, e.request("PUT", "/v1/users/"+u+"/e911", acmeToken, map[string]any{
		"address1": "1 Main Street", "city": "Denver", "state": "CO", "postalCode": "80202", "country": "US"}))
	e.must(200, e.request("PUT", "/v1/users/"+u+"/services/integrated-imp", acmeToken, map[string]any{"enabled": true}))
	e.must(200, e.request("PUT", "/v1/users/"+u+"/call-forwarding", acmeToken,
		map[string]any{"always": map[string]any{"enabled": true, "destination": "+17205550100"}}))
	jobID := e.activate(u)
	e.tick(1)
	if _, err := e.s.db.Exec(`INSERT INTO call_history (user_id, at) VALUES (?, 'now')`, u); err != nil {
		t.Fatal(err)
	}
	etag := e.must(200, e.request("GET", "/v1/users/"+u, acmeToken, nil)).str(t, "etag")
	e.wantError(e.request("POST", "/v1/users/"+u+"/reset", acmeToken, nil, "If-Match", `"99"`), 412, "etag_mismatch", "")

	got := e.must(200, e.request("POST", "/v1/users/"+u+"/reset", acmeToken, nil, "If-Match", etag)).obj(t)
	for k, v := range map[string]any{"firstName": "Available", "lastName": "User", "callingLineIdFirstName": "Available",
		"callingLineIdLastName": "User", "email": ""} {
		if got[k] != v {
			t.Errorf("user %s = %v, want %v", k, got[k], v)
		}
	}
	if got["etag"] == etag {
		t.Errorf("reset kept the etag %v", etag)
	}
	if imp := e.must(200, e.request("GET", "/v1/users/"+u+"/services/integrated-imp", acmeToken, nil)).obj(t); imp["enabled"] != false {
		t.Errorf("imp %v", imp)
	}
	cf := e.must(200, e.request("GET", "/v1/users/"+u+"/call-forwarding", acmeToken, nil)).obj(t)
	if always, _ := cf["always"].(map[string]any); always["enabled"] != false {
		t.Errorf("call forwarding %v", cf)
	}
	n := e.must(200, e.request("GET", "/v1/users/"+u+"/number", acmeToken, nil)).obj(t)
	if n["phoneNumber"] != "+17205551230" || n["extension"] != "1230" {
		t.Errorf("the line lost its number: %v", n)
	}
	// The line keeps its E911 address too (issue 20).
	if a := e.must(200, e.request("GET", "/v1/users/"+u+"/e911", acmeToken, nil)).obj(t); a["address1"] != "1 Main Street" {
		t.Errorf("the line lost its E911 address: %v", a)
	}
	var rows int
	if err := e.s.db.QueryRow(`SELECT count(*) FROM call_history WHERE user_id = ?`, u).Scan(&rows); err != nil || rows != 0 {
		t.Errorf("call history rows %d (%v)", rows, err)
	}
	e.wantError(e.request("GET", "/v1/users/"+u+"/activation", acmeToken, nil), 404, "not_found", "")
	if j := e.job(jobID); j["status"] != "failed" {
		t.Errorf("job of the reset activation: %v", j)
	}
	// The freed email can be used by someone else.
	e.userWithEmail("grace@example.com")
	e.wantError(e.request("POST", "/v1/users/"+u+"/reset", globexToken, nil), 404, "not_found", "")
}

// TestResendInvitation: the activation counts invitations; a resend adds one until provisioned.
func TestResendInvitation(t *testing.T) {
	e := newManualEnv(t)
	u := e.userWithEmail("ada@example.com")
	path := "/v1/users/" + u + "/activation"
	e.wantError(e.request("POST", path+"/invitation", acmeToken, nil), 404, "not_found", "")
	e.activate(u) // sendActivationEmail false: no invitation yet
	if a := e.must(200, e.request("GET", path, acmeToken, nil)).obj(t); a["invitationsSent"] != float64(0) || a["lastInvitedAt"] != "" {
		t.Errorf("fresh activation %v", a)
	}
	a := e.must(200, e.request("POST", path+"/invitation", acmeToken, nil)).obj(t)
	if a["invitationsSent"] != float64(1) || a["lastInvitedAt"] != "2026-01-02T03:04:05Z" {
		t.Errorf("after a resend %v", a)
	}
	e.must(200, e.request("POST", path+"/invitation", acmeToken, map[string]any{}))
	if a := e.must(200, e.request("GET", path, acmeToken, nil)).obj(t); a["invitationsSent"] != float64(2) {
		t.Errorf("after two resends %v", a)
	}
	e.wantError(e.request("POST", path+"/invitation", acmeToken, map[string]any{"x": 1}), 400, "invalid_request", "x")
	e.tick(3)
	e.wantError(e.request("POST", path+"/invitation", acmeToken, nil), 409, "already_provisioned", "")
}

// TestValidateActivation: the precheck answers the codes an activation would fail with and
// writes nothing.
func TestValidateActivation(t *testing.T) {
	e := newManualEnv(t)
	u := e.userWithEmail("ada@example.com")
	e.userWithEmail("grace@example.com")
	noEmail := e.createUser(acmeToken, nil)["id"].(string)
	path := "/v1/users/" + u + "/activation/validate"
	codes := func(r resp) string {
		m := r.obj(t)
		var cs []string
		for _, p := range m["errors"].([]any) {
			cs = append(cs, p.(map[string]any)["code"].(string))
		}
		if ok := m["ok"].(bool); ok != (len(cs) == 0) {
			t.Errorf("ok %v with errors %v", ok, cs)
		}
		return strings.Join(cs, ",")
	}
	before := e.s.WriteCount()
	for _, c := range []struct {
		user string
		body map[string]any
		want string
	}{
		{u, nil, ""},
		{u, map[string]any{"email": "ADA@example.com", "package": "webex_suite"}, ""},
		{u, map[string]any{"email": DemoExternalWebexAccount}, "email_conflict"},
		{u, map[string]any{"email": "Grace@Example.com"}, "email_in_use"},
		{u, map[string]any{"email": "not an email"}, "email_invalid"},
		{u, map[string]any{"package": "webex_gold"}, "package_invalid"},
		{noEmail, map[string]any{}, "email_required"},
	} {
		var body any // no body at all for the nil map (a typed nil would send "null")
		if c.body != nil {
			body = c.body
		}
		if got := codes(e.must(200, e.request("POST", "/v1/users/"+c.user+"/activation/validate", acmeToken, body))); got != c.want {
			t.Errorf("%v: codes %q, want %q", c.body, got, c.want)
		}
	}
	if n := e.countUsers("email_norm = ?", strings.ToLower(DemoExternalWebexAccount)); n != 0 {
		t.Errorf("validate wrote a user")
	}
	var activations int
	if err := e.s.db.QueryRow(`SELECT count(*) FROM activations`).Scan(&activations); err != nil || activations != 0 {
		t.Errorf("validate wrote %d activations (%v)", activations, err)
	}
	_ = before
	e.wantError(e.request("POST", path, globexToken, nil), 404, "not_found", "")
}

// TestInvitationsJob: one job per enterprise emails every user of the scope waiting for an
// invitation, and counts sent, skipped and failed.
func TestInvitationsJob(t *testing.T) {
	e := newManualEnv(t)
	// Denver: one waiting for validation, one in error (external account), one provisioned, one
	// without activation; Paris: one waiting.
	waiting := e.userWithEmail("pending.ada@example.com")
	inError := e.userWithEmail(DemoExternalWebexAccount)
	done := e.userWithEmail("done@example.com")
	e.userWithEmail("none@example.com")
	paris := e.createUser(acmeToken, map[string]any{"groupId": DemoGroupParis, "email": "pending.marie@example.com"})["id"].(string)
	for _, id := range []string{waiting, inError, done, paris} {
		e.activate(id)
	}
	e.tick(1)
	if err := e.s.AcceptInvitation(done); err != nil {
		t.Fatal(err)
	}
	e.tick(3)
	for id, want := range map[string]string{waiting: "pending_email_validation", inError: "error", done: "provisioned",
		paris: "pending_email_validation"} {
		if st := e.activationStatus(id); st != want {
			t.Fatalf("%s: %s, want %s", id, st, want)
		}
	}

	path := "/v1/enterprises/" + DemoEnterpriseAcme + "/invitations"
	e.wantError(e.request("POST", path, acmeToken, map[string]any{"groupId": DemoGroupTokyo}), 422, "group_not_found", "groupId")
	e.wantError(e.request("POST", path, acmeToken, map[string]any{"groupId": "grp_nope"}), 422, "group_not_found", "groupId")
	e.wantError(e.request("POST", "/v1/enterprises/"+DemoEnterpriseGlobex+"/invitations", acmeToken, nil), 404, "not_found", "")

	jobID := e.must(http.StatusAccepted, e.request("POST", path, acmeToken, map[string]any{"groupId": DemoGroupDenver})).str(t, "jobId")
	conflict := e.wantError(e.request("POST", path, acmeToken, nil), 409, "job_in_progress", "")
	if conflict["jobId"] != jobID || !strings.Contains(conflict["message"].(string), "retry once it has finished") {
		t.Errorf("409 does not say which job and when to retry: %v", conflict)
	}
	// Another enterprise is not blocked.
	e.must(http.StatusAccepted, e.request("POST", "/v1/enterprises/"+DemoEnterpriseGlobex+"/invitations", globexToken, nil))
	e.tick(2)
	j := e.job(jobID)
	res, _ := j["result"].(map[string]any)
	if j["kind"] != "invitations" || j["status"] != "succeeded" || res["sent"] != float64(2) || res["skipped"] != float64(2) ||
		res["failed"] != float64(0) || res["groupId"] != DemoGroupDenver {
		t.Errorf("job %v", j)
	}
	for id, want := range map[string]float64{waiting: 1, inError: 1, done: 0, paris: 0} {
		if a := e.must(200, e.request("GET", "/v1/users/"+id+"/activation", acmeToken, nil)).obj(t); a["invitationsSent"] != want {
			t.Errorf("%s: invitationsSent %v, want %v", id, a["invitationsSent"], want)
		}
	}
	// The whole enterprise, now that the first job has finished.
	all := e.must(http.StatusAccepted, e.request("POST", path, acmeToken, nil)).str(t, "jobId")
	e.tick(2)
	if res, _ := e.job(all)["result"].(map[string]any); res["sent"] != float64(3) || res["groupId"] != "" {
		t.Errorf("enterprise job %v", res)
	}
}

// TestAcceptInvitation: with the demo seed a pending. user waits in pending_email_validation
// until the knob; a new email needs a new acceptance.
func TestAcceptInvitation(t *testing.T) {
	e := newManualEnv(t)
	u := e.userWithEmail("pending.ada@example.com")
	plain := e.userWithEmail("ada@example.com")
	e.activate(u)
	e.activate(plain)
	e.tick(5)
	if st := e.activationStatus(u); st != "pending_email_validation" {
		t.Fatalf("pending user: %s", st)
	}
	if st := e.activationStatus(plain); st != "provisioned" {
		t.Fatalf("plain user: %s", st)
	}
	e.wantError(e.request("POST", "/_sandbox/users/"+plain+"x/accept-invitation", spToken, nil), 404, "not_found", "")
	e.must(200, e.request("POST", "/_sandbox/users/"+u+"/accept-invitation", spToken, nil))
	e.tick(2)
	if st := e.activationStatus(u); st != "provisioned" {
		t.Fatalf("after accepting: %s", st)
	}

	// Without the demo seed the prefix means nothing.
	bare := newManualEnv(t, func(o *Options) { o.Seed = "" })
	if bare.s.awaitsAcceptance("pending.x@example.com", "") {
		t.Error("the knob is on without the demo seed")
	}
	if !e.s.awaitsAcceptance("Pending.X@example.com", "pending.y@example.com") || e.s.awaitsAcceptance("pending.x@example.com", "pending.x@example.com") {
		t.Error("acceptance is per email")
	}
}
