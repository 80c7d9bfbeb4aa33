package sandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

func tableCounts(t *testing.T, s *Server) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range []string{"enterprises", "groups", "numbers", "tokens", "users", "schema_migrations"} {
		var n int
		if err := s.db.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

func TestRestartPersistence(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.db")
	opts := Options{DBPath: path, Seed: SeedDemo, AdminToken: "sp-persist"}
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s.URL(), "http://127.0.0.1:") {
		t.Errorf("URL %q", s.URL())
	}
	body, _ := json.Marshal(map[string]any{"groupId": "grp_paris", "firstName": "Marie", "lastName": "Curie"})
	req, _ := http.NewRequest("POST", s.URL()+"/v1/enterprises/ent_acme/users", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer sp-persist")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	if err := res.Body.Close(); err != nil {
		t.Errorf("closing the response body: %v", err)
	}
	if res.StatusCode != 201 {
		t.Fatalf("create: %d %s", res.StatusCode, b)
	}
	var u map[string]any
	_ = json.Unmarshal(b, &u)
	before := tableCounts(t, s)
	var mode string
	if err := s.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode %q (%v)", mode, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}

	s2, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s2.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	after := tableCounts(t, s2)
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s: %d rows before restart, %d after", k, v, after[k])
		}
	}
	if before["numbers"] != 300 || before["enterprises"] != 2 || before["groups"] != 3 || before["tokens"] != 2 {
		t.Errorf("seed counts %v", before)
	}
	got, err := loadUser(t.Context(), s2.db, u["id"].(string))
	if err != nil || got == nil || got.LastName != "Curie" {
		t.Errorf("user after restart: %+v, %v", got, err)
	}
}

func TestInMemoryDatabasesArePrivate(t *testing.T) {
	a := newEnv(t)
	b := newEnv(t)
	a.createUser(acmeToken, nil)
	if n := b.countUsers("1 = 1"); n != 0 {
		t.Errorf("second in-memory server sees %d users", n)
	}
}

func TestOptionsAndMigrations(t *testing.T) {
	if _, err := New(Options{Seed: "nope"}); err == nil {
		t.Error("unknown seed accepted")
	}
	if _, err := New(Options{FaultRate: 2}); err == nil {
		t.Error("fault rate 2 accepted")
	}
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	if len(s.AdminToken()) < 32 {
		t.Errorf("random admin token %q too short", s.AdminToken())
	}
	if c := tableCounts(t, s); c["enterprises"] != 0 || c["schema_migrations"] != len(migrations) {
		t.Errorf("no seed: %v", c)
	}
	// Migrating again is a no-op.
	if err := s.migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	var fk int
	if err := s.db.QueryRow(`PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys %d (%v)", fk, err)
	}
}
