package sandbox

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// secretRoute is one secret write of the REST front-end and a body that passes its rules.
type secretRoute struct {
	path string // with {usr}
	body map[string]any
}

// restSecretRoutes are the REST routes that hash a secret; TestSecretRoutesAreListed keeps the
// list complete.
var restSecretRoutes = []secretRoute{
	{"/v1/users/{usr}/voicemail/passcode", map[string]any{"passcode": "135790"}},
	{"/v1/users/{usr}/portal-password", map[string]any{"password": "Str0ng!pass"}},
}

// Every PUT route of the route table whose path names a secret is in restSecretRoutes.
func TestSecretRoutesAreListed(t *testing.T) {
	e := newManualEnv(t)
	listed := map[string]bool{}
	for _, sr := range restSecretRoutes {
		listed[sr.path] = true
	}
	for _, rt := range e.s.routeTb {
		p := strings.ToLower(rt.path())
		if rt.method() != http.MethodGet && (strings.Contains(p, "passcode") || strings.Contains(p, "password") || strings.Contains(p, "secret")) &&
			!listed[rt.path()] {
			t.Errorf("%s hashes a secret but is not in restSecretRoutes", rt.pattern)
		}
	}
}

// A caller that may not write the user costs no hash: another enterprise's token, an unknown
// user and a missing token are refused before any argon2id work; the owner's write hashes.
func TestSecretRoutesAuthoriseBeforeHashing(t *testing.T) {
	e := newManualEnv(t)
	acme := e.createUser(acmeToken, map[string]any{"firstName": "Hash", "lastName": "Order", "groupId": DemoGroupDenver, "email": "order@example.com"})["id"].(string)
	for _, sr := range restSecretRoutes {
		path := strings.ReplaceAll(sr.path, "{usr}", acme)
		before := e.s.hashes.computed.Load()
		e.wantError(e.request("PUT", path, globexToken, sr.body), http.StatusNotFound, "not_found", "")
		e.wantError(e.request("PUT", strings.ReplaceAll(sr.path, "{usr}", "usr_0000000000000000"), acmeToken, sr.body), http.StatusNotFound, "not_found", "")
		e.wantError(e.request("PUT", path, "", sr.body), http.StatusUnauthorized, "unauthorized", "")
		if n := e.s.hashes.computed.Load() - before; n != 0 {
			t.Errorf("%s: %d argon2id computations for callers that may not write the user", sr.path, n)
		}
		e.must(http.StatusNoContent, e.request("PUT", path, acmeToken, sr.body))
		if n := e.s.hashes.computed.Load() - before; n < 1 {
			t.Errorf("%s: the owner's write computed no hash", sr.path)
		}
	}
}

// Concurrent secret writes never run more argon2id computations at once than the cap; a write
// that finds every slot taken for longer than the wait gets 503 with Retry-After and changes
// nothing, and goes through once a slot is free.
func TestSecretHashesAreCapped(t *testing.T) {
	e := newManualEnv(t, func(o *Options) { o.MaxConcurrentHashes = 1 })
	var ids []string
	for i := range 6 {
		ids = append(ids, e.createUser(acmeToken, map[string]any{"firstName": "Cap", "lastName": "User",
			"groupId": DemoGroupDenver, "email": "cap" + string(rune('a'+i)) + "@example.com"})["id"].(string))
	}
	e.s.hashes.wait.Store(int64(time.Minute)) // every write waits its turn, however slow the machine (-race)
	var wg sync.WaitGroup
	for _, id := range ids {
		for _, sr := range restSecretRoutes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := e.request("PUT", strings.ReplaceAll(sr.path, "{usr}", id), acmeToken, sr.body)
				if r.status != http.StatusNoContent {
					t.Errorf("%s of %s: %d %s", sr.path, id, r.status, r.body)
				}
			}()
		}
	}
	wg.Wait()
	if peak := e.s.hashes.peak.Load(); peak != 1 {
		t.Errorf("%d argon2id computations ran at once, cap 1", peak)
	}
	if n := e.s.hashes.computed.Load(); n < int64(len(ids)*len(restSecretRoutes)) {
		t.Errorf("%d computations for %d writes", n, len(ids)*len(restSecretRoutes))
	}

	// Every slot taken: 503 with Retry-After, nothing stored.
	e.s.hashes.wait.Store(int64(50 * time.Millisecond))
	release, err := e.s.acquireHash(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	fresh := e.createUser(acmeToken, map[string]any{"firstName": "Busy", "lastName": "User", "groupId": DemoGroupDenver, "email": "busy@example.com"})["id"].(string)
	for _, sr := range restSecretRoutes {
		r := e.request("PUT", strings.ReplaceAll(sr.path, "{usr}", fresh), acmeToken, sr.body)
		e.wantError(r, http.StatusServiceUnavailable, "service_unavailable", "")
		if r.header.Get("Retry-After") == "" {
			t.Errorf("%s: 503 without Retry-After", sr.path)
		}
	}
	var stored int
	if err := e.s.db.QueryRow(`SELECT (SELECT COUNT(*) FROM voicemail_passcodes WHERE user_id = ?) + (SELECT COUNT(*) FROM portal_passwords WHERE user_id = ?)`,
		fresh, fresh).Scan(&stored); err != nil || stored != 0 {
		t.Fatalf("a refused write stored %d secrets (%v)", stored, err)
	}
	release()
	for _, sr := range restSecretRoutes {
		e.must(http.StatusNoContent, e.request("PUT", strings.ReplaceAll(sr.path, "{usr}", fresh), acmeToken, sr.body))
	}
}

// Every front-end hashes through Server.hashSecret / verifySecret (capped): the uncapped argon2id
// primitives are called from kdf.go only (tests aside), and argon2 itself is imported nowhere else.
func TestOnlyTheCappedHashIsCalled(t *testing.T) {
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || name == "kdf.go" {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			if strings.Contains(imp.Path.Value, "argon2") {
				t.Errorf("%s imports %s: hash with s.hashSecret", name, imp.Path.Value)
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && (id.Name == "kdfHash" || id.Name == "kdfVerify") {
				t.Errorf("%s: %s calls the uncapped %s; use s.hashSecret / s.verifySecret", name, fset.Position(id.Pos()), id.Name)
			}
			return true
		})
	}
}
