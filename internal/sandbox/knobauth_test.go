package sandbox

import (
	"net/http"
	"strings"
	"testing"
)

// Every state-changing sandbox-only route (a /_sandbox/* route that is not a GET) needs the
// service-provider admin token: none is 401, an enterprise-admin token (the demo tokens are
// published) is 404 and changes nothing. Read-only sandbox routes stay open.
func TestSandboxKnobsNeedTheAdminToken(t *testing.T) {
	e := newManualEnv(t)
	pending := e.userWithEmail("pending.pen@example.com") // an acme user: even acme's own token is refused
	e.activate(pending)
	e.tick(5)
	if st := e.activationStatus(pending); st != "pending_email_validation" {
		t.Fatalf("pending user: %s", st)
	}
	knobs := 0
	for _, rt := range e.s.routeTb {
		if !strings.HasPrefix(rt.path(), "/_sandbox/") {
			continue
		}
		path := strings.ReplaceAll(rt.path(), "{usr}", pending)
		if rt.method() == http.MethodGet || rt.method() == http.MethodHead {
			if r := e.request(rt.method(), path, "", nil); r.status != http.StatusOK {
				t.Errorf("%s without a token: %d, want 200 (read-only)", rt.pattern, r.status)
			}
			continue
		}
		knobs++
		e.wantError(e.request(rt.method(), path, "", nil), http.StatusUnauthorized, "unauthorized", "")
		e.wantError(e.request(rt.method(), path, "not-a-token", nil), http.StatusUnauthorized, "unauthorized", "")
		e.wantError(e.request(rt.method(), path, acmeToken, nil), http.StatusNotFound, "not_found", "")
		e.wantError(e.request(rt.method(), path, globexToken, nil), http.StatusNotFound, "not_found", "")
	}
	if knobs == 0 {
		t.Fatal("no state-changing /_sandbox/ route found")
	}
	e.tick(2)
	if st := e.activationStatus(pending); st != "pending_email_validation" {
		t.Fatalf("a refused knob changed the activation: %s", st)
	}
	e.must(http.StatusOK, e.request("POST", "/_sandbox/users/"+pending+"/accept-invitation", spToken, nil))
	e.tick(2)
	if st := e.activationStatus(pending); st != "provisioned" {
		t.Fatalf("after the admin accepted: %s", st)
	}
}
