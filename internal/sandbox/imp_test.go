package sandbox

import (
	"testing"
)

func TestIntegratedIMP(t *testing.T) {
	e := newManualEnv(t)
	u := e.createUser(acmeToken, nil)["id"].(string)
	path := "/v1/users/" + u + "/services/integrated-imp"
	put := func(body any, headers ...string) resp { return e.request("PUT", path, acmeToken, body, headers...) }

	r := e.must(200, e.request("GET", path, acmeToken, nil))
	if m := r.obj(t); m["enabled"] != false || m["etag"] != `"1"` || len(m) != 2 || r.header.Get("ETag") != `"1"` {
		t.Errorf("default: %s (ETag %q)", r.body, r.header.Get("ETag"))
	}
	e.wantError(put(map[string]any{"enabled": true}), 422, "email_required", "enabled")
	e.wantError(put(map[string]any{}), 422, "required", "enabled")
	e.wantError(put(map[string]any{"enabled": "yes"}), 400, "invalid_request", "enabled")
	e.wantError(put(map[string]any{"enabled": true, "x": 1}), 400, "invalid_request", "x")
	// Disabling what is disabled changes nothing.
	if got := e.must(200, put(map[string]any{"enabled": false})).str(t, "etag"); got != `"1"` {
		t.Errorf("no-op etag %s", got)
	}

	e.must(200, e.request("PATCH", "/v1/users/"+u, acmeToken, map[string]any{"email": "imp@example.com"}))
	e.wantError(put(map[string]any{"enabled": true}, "If-Match", `"7"`), 412, "etag_mismatch", "")
	r = e.must(200, put(map[string]any{"enabled": true}, "If-Match", `"1"`))
	if m := r.obj(t); m["enabled"] != true || m["etag"] != `"2"` || r.header.Get("ETag") != `"2"` {
		t.Errorf("enabled: %s", r.body)
	}
	if got := e.must(200, put(map[string]any{"enabled": true})).str(t, "etag"); got != `"2"` {
		t.Errorf("re-enable etag %s", got)
	}

	t.Run("email cannot change while enabled", func(t *testing.T) {
		e := e.sub(t)
		patch := func(body any) resp { return e.request("PATCH", "/v1/users/"+u, acmeToken, body) }
		e.wantError(patch(map[string]any{"email": "other@example.com"}), 409, "imp_enabled", "email")
		e.wantError(patch(map[string]any{"email": nil}), 409, "imp_enabled", "email")
		e.wantError(patch(map[string]any{"email": "IMP@example.com"}), 409, "imp_enabled", "email")
		// Other fields, and the same email, are fine.
		e.must(200, patch(map[string]any{"email": "imp@example.com", "department": "Sales"}))
		// Disable, change, enable again: the seed's rule.
		e.must(200, put(map[string]any{"enabled": false}))
		e.must(200, patch(map[string]any{"email": "other@example.com"}))
		e.must(200, put(map[string]any{"enabled": true}))
	})

	t.Run("tenancy", func(t *testing.T) {
		e := e.sub(t)
		e.wantError(e.request("GET", path, globexToken, nil), 404, "not_found", "")
		e.wantError(e.request("PUT", path, globexToken, map[string]any{"enabled": false}), 404, "not_found", "")
		e.wantError(e.request("GET", "/v1/users/usr_nope/services/integrated-imp", acmeToken, nil), 404, "not_found", "")
	})
}

// TestIMPAndActivation: disabling IM&P deletes the Webex account (the activation goes back to
// pending_email_input and stays there); enabling it again queues a new activation job.
func TestIMPAndActivation(t *testing.T) {
	e := newManualEnv(t)
	u := e.userWithEmail("webex@example.com")
	path := "/v1/users/" + u + "/services/integrated-imp"
	e.must(200, e.request("PUT", path, acmeToken, map[string]any{"enabled": true}))
	first := e.activate(u)
	e.tick(3)
	if st := e.activationStatus(u); st != "provisioned" {
		t.Fatalf("status %s", st)
	}

	e.must(200, e.request("PUT", path, acmeToken, map[string]any{"enabled": false}))
	if st := e.activationStatus(u); st != "pending_email_input" {
		t.Errorf("after disabling: %s", st)
	}
	e.tick(3)
	if st := e.activationStatus(u); st != "pending_email_input" {
		t.Errorf("the worker moved a deleted account on: %s", st)
	}
	if st := e.job(first)["status"]; st != "succeeded" {
		t.Errorf("finished job changed: %v", st)
	}
	// POST is refused (the activation exists and is not in error).
	e.wantError(e.request("POST", "/v1/users/"+u+"/activation", acmeToken, map[string]any{}), 409, "already_activated", "")

	e.must(200, e.request("PUT", path, acmeToken, map[string]any{"enabled": true}))
	a := e.must(200, e.request("GET", "/v1/users/"+u+"/activation", acmeToken, nil)).obj(t)
	if a["status"] != "queued" || a["jobId"] == first {
		t.Fatalf("after enabling: %v", a)
	}
	e.tick(3)
	if st := e.activationStatus(u); st != "provisioned" {
		t.Errorf("re-created account: %s", st)
	}
	if st := e.job(a["jobId"].(string))["status"]; st != "succeeded" {
		t.Errorf("new job %v", st)
	}

	// The seed's rule for an activation that failed on a taken email while IM&P is enabled.
	failed := func(e *env, email string) (id, impPath string) {
		id = e.userWithEmail(email)
		impPath = "/v1/users/" + id + "/services/integrated-imp"
		e.must(200, e.request("PUT", impPath, acmeToken, map[string]any{"enabled": true}))
		e.activate(id)
		e.tick(1)
		if st := e.activationStatus(id); st != "error" {
			e.t.Fatalf("status %s", st)
		}
		return id, impPath
	}
	t.Run("disable IM&P, retry with a new email", func(t *testing.T) {
		e := e.sub(t)
		if err := e.s.AddExternalWebexAccount("taken1@webex.example"); err != nil {
			t.Fatal(err)
		}
		v, p := failed(e, "taken1@webex.example")
		retry := func() resp {
			return e.request("POST", "/v1/users/"+v+"/activation/retry", acmeToken, map[string]any{"email": "free1@example.com"})
		}
		e.wantError(retry(), 409, "imp_enabled", "email")
		e.must(200, e.request("PUT", p, acmeToken, map[string]any{"enabled": false}))
		if st := e.activationStatus(v); st != "error" {
			t.Errorf("an activation in error has no account to delete, status %s", st)
		}
		e.must(202, retry())
		e.tick(3)
		if st := e.activationStatus(v); st != "provisioned" {
			t.Errorf("status %s", st)
		}
	})
	t.Run("disable IM&P, change the email, enable IM&P", func(t *testing.T) {
		e := e.sub(t)
		if err := e.s.AddExternalWebexAccount("taken2@webex.example"); err != nil {
			t.Fatal(err)
		}
		v, p := failed(e, "taken2@webex.example")
		e.must(200, e.request("PUT", p, acmeToken, map[string]any{"enabled": false}))
		e.must(200, e.request("PATCH", "/v1/users/"+v, acmeToken, map[string]any{"email": "free2@example.com"}))
		e.must(200, e.request("PUT", p, acmeToken, map[string]any{"enabled": true}))
		if st := e.activationStatus(v); st != "queued" {
			t.Errorf("enabling IM&P did not queue the failed activation: %s", st)
		}
		e.tick(3)
		if st := e.activationStatus(v); st != "provisioned" {
			t.Errorf("status %s", st)
		}
	})
	t.Run("disabling while the job runs fails the job", func(t *testing.T) {
		e := e.sub(t)
		v := e.userWithEmail("midway@example.com")
		p := "/v1/users/" + v + "/services/integrated-imp"
		e.must(200, e.request("PUT", p, acmeToken, map[string]any{"enabled": true}))
		j := e.activate(v)
		e.tick(1)
		e.must(200, e.request("PUT", p, acmeToken, map[string]any{"enabled": false}))
		job := e.job(j)
		jerr, _ := job["error"].(map[string]any)
		if job["status"] != "failed" || jerr["code"] != "webex_account_deleted" {
			t.Errorf("job %v", job)
		}
		e.tick(2)
		if st := e.activationStatus(v); st != "pending_email_input" {
			t.Errorf("status %s", st)
		}
	})
}
