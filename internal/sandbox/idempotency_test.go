package sandbox

import (
	"testing"
	"time"
)

func TestIdempotencyKey(t *testing.T) {
	e := newEnv(t)
	body := map[string]any{"groupId": "grp_denver", "firstName": "Idem", "lastName": "Potent", "email": "idem@example.com"}
	post := func(body any, key, token string) resp {
		return e.request("POST", "/v1/enterprises/ent_acme/users", token, body, "Idempotency-Key", key)
	}
	first := e.must(201, post(body, "key-1", acmeToken))
	if first.header.Get("Idempotent-Replayed") != "" {
		t.Error("first response marked as replayed")
	}
	second := e.must(201, post(body, "key-1", acmeToken))
	if second.str(t, "id") != first.str(t, "id") || second.header.Get("Location") != first.header.Get("Location") ||
		second.header.Get("ETag") != first.header.Get("ETag") || string(second.body) != string(first.body) {
		t.Errorf("replay differs:\n%s\n%s", first.body, second.body)
	}
	if second.header.Get("Idempotent-Replayed") != "true" {
		t.Error("replay not marked")
	}
	if n := e.countUsers("last_name = 'Potent'"); n != 1 {
		t.Errorf("%d users, want 1", n)
	}
	// Same key, different body → 422.
	other := map[string]any{"groupId": "grp_denver", "firstName": "Other", "lastName": "Potent"}
	e.wantError(post(other, "key-1", acmeToken), 422, "idempotency_key_reused", "")
	// Same key, different path → 422.
	e.wantError(e.request("POST", "/v1/users/"+first.str(t, "id")+"/number/activate", acmeToken, nil, "Idempotency-Key", "key-1"),
		422, "idempotency_key_reused", "")
	// Keys are per token: the SP token's key-1 is another key (the email is taken, so 409, which
	// is not stored: a retry runs again).
	e.wantError(post(body, "key-1", spToken), 409, "email_in_use", "email")
	e.wantError(post(body, "key-1", spToken), 409, "email_in_use", "email")
	// Without a key every POST creates.
	e.must(201, e.request("POST", "/v1/enterprises/ent_acme/users", acmeToken, other))
	e.must(201, e.request("POST", "/v1/enterprises/ent_acme/users", acmeToken, other))
	if n := e.countUsers("last_name = 'Potent'"); n != 3 {
		t.Errorf("%d users, want 3", n)
	}

	t.Run("keys expire after 24h", func(t *testing.T) {
		e := e.sub(t)
		now := testClock
		e.s.SetNow(func() time.Time { return now })
		b := map[string]any{"groupId": "grp_denver", "firstName": "Exp", "lastName": "Ires"}
		id1 := e.must(201, post(b, "key-exp", acmeToken)).str(t, "id")
		now = now.Add(23 * time.Hour)
		if id := e.must(201, post(b, "key-exp", acmeToken)).str(t, "id"); id != id1 {
			t.Error("key forgotten before 24h")
		}
		now = now.Add(2 * time.Hour)
		if id := e.must(201, post(b, "key-exp", acmeToken)).str(t, "id"); id == id1 {
			t.Error("key remembered after 24h")
		}
	})
	t.Run("errors are not stored", func(t *testing.T) {
		e := e.sub(t)
		bad := map[string]any{"groupId": "grp_denver", "firstName": "", "lastName": "x"}
		e.wantError(post(bad, "key-bad", acmeToken), 422, "required", "firstName")
		e.wantError(post(bad, "key-bad", acmeToken), 422, "required", "firstName")
		var n int
		if err := e.s.db.QueryRow(`SELECT count(*) FROM idempotency_keys WHERE key = 'key-bad'`).Scan(&n); err != nil || n != 0 {
			t.Errorf("stored %d records (%v)", n, err)
		}
	})
}

// TestFaultAfterCommitThenRetry is the scenario the idempotency store exists for: the write
// commits, the response is lost, the client retries with the same key.
func TestFaultAfterCommitThenRetry(t *testing.T) {
	for _, kind := range []FaultKind{FaultAfterCommit, FaultAfterCommitReset} {
		t.Run(kind.String(), func(t *testing.T) {
			e := newEnv(t)
			body := map[string]any{"groupId": "grp_denver", "firstName": "Once", "lastName": "Only"}
			e.s.InjectFault(Fault{Method: "POST", Pattern: "/v1/enterprises/{ent}/users", Kind: kind})
			first := e.request("POST", "/v1/enterprises/ent_acme/users", acmeToken, body, "Idempotency-Key", "retry-1")
			if kind == FaultAfterCommit {
				e.wantError(first, 500, "internal_error", "")
			} else if first.err == nil && first.status != 201 {
				// The transport may retry a reset idempotent request by itself; either way no error status.
				t.Fatalf("after-commit reset: status %d", first.status)
			}
			if n := e.countUsers("last_name = 'Only'"); n != 1 {
				t.Fatalf("%d users after the fault, want 1 (committed)", n)
			}
			retry := e.must(201, e.request("POST", "/v1/enterprises/ent_acme/users", acmeToken, body, "Idempotency-Key", "retry-1"))
			if retry.header.Get("Idempotent-Replayed") != "true" {
				t.Error("retry not replayed")
			}
			if n := e.countUsers("last_name = 'Only'"); n != 1 {
				t.Errorf("%d users after the retry, want 1", n)
			}
			var id string
			if err := e.s.db.QueryRow(`SELECT id FROM users WHERE last_name = 'Only'`).Scan(&id); err != nil || id != retry.str(t, "id") {
				t.Errorf("replayed id %s, stored %s (%v)", retry.str(t, "id"), id, err)
			}
		})
	}
}
