package sandbox

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestWebexUnknownRoutes(t *testing.T) {
	e := newWebexEnv(t)
	r := e.request("PATCH", "/v1/broadworks/subscribers/abc", wxToken, map[string]any{})
	e.wantWebexError(r, 405, 0, "Method Not Allowed")
	if r.header.Get("Allow") != "DELETE, GET, PUT" {
		t.Errorf("Allow %q", r.header.Get("Allow"))
	}
	e.wantWebexError(e.request("DELETE", "/v1/people", wxToken, nil), 405, 0, "Method Not Allowed")
	e.wantWebexError(e.request("GET", "/v1/broadworks/nothing", wxToken, nil), 404, 0, "Not Found")
	e.wantWebexError(e.request("GET", "/v1/telephony/config/nothing", wxToken, nil), 404, 0, "Not Found")
	// The reference contract's own 404 is untouched.
	e.wantError(e.request("GET", "/v1/nothing", acmeToken, nil), 404, "not_found", "")
}

func TestWebexIDs(t *testing.T) {
	id := webexID("SUBSCRIBER", "usr_0123456789abcdef")
	if strings.ContainsAny(id, "+/=") {
		t.Errorf("id %q is not URL-safe", id)
	}
	if got := fromWebexID("SUBSCRIBER", id); got != "usr_0123456789abcdef" {
		t.Errorf("round trip %q", got)
	}
	for _, bad := range []string{"", "!!", webexID("PEOPLE", "usr_1"), webexID("SUBSCRIBER", ""), webexID("SUBSCRIBER", "a/b")} {
		if got := fromWebexID("SUBSCRIBER", bad); got != "" {
			t.Errorf("fromWebexID(%q) = %q", bad, got)
		}
	}
	// Standard base64 with padding (what a client may have copied) is accepted.
	if got := fromWebexID("PEOPLE", "Y2lzY29zcGFyazovL3VzL1BFT1BMRS91c3JfMQ=="); got != "usr_1" {
		t.Errorf("padded id: %q", got)
	}
}

func TestParseWebexTime(t *testing.T) {
	for in, want := range map[string]time.Time{
		"1767225600000":        time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		"2026-01-01T00:00:00Z": time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	} {
		got, err := parseWebexTime(in)
		if err != nil || !got.Equal(want) {
			t.Errorf("%s: %v, %v", in, got, err)
		}
	}
	if _, err := parseWebexTime("yesterday"); err == nil {
		t.Error("yesterday parsed")
	}
}

func FuzzFromWebexID(f *testing.F) {
	for _, s := range []string{"", webexID("SUBSCRIBER", "usr_1"), "Y2lzY29zcGFyazovL3VzL1BFT1BMRS91c3JfMQ==", "====", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id := fromWebexID("SUBSCRIBER", s)
		if id == "" {
			return
		}
		if strings.Contains(id, "/") {
			t.Fatalf("id %q with a slash from %q", id, s)
		}
		if back := fromWebexID("SUBSCRIBER", webexID("SUBSCRIBER", id)); back != id {
			t.Fatalf("round trip of %q: %q", id, back)
		}
	})
}

func FuzzWebexCursor(f *testing.F) {
	for _, s := range []string{encodeCursor("usr_1"), "zzz", "", "%%", encodeCursor("")} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		key, err := wxCursor(cursorRequest(s))
		if err != nil || s == "" {
			return
		}
		// What the emulator issues for that key reads back as the key.
		again, err := wxCursor(cursorRequest(encodeCursor(key)))
		if err != nil || again != key {
			t.Fatalf("cursor %q: key %q, re-encoded %q (%v)", s, key, again, err)
		}
	})
}

func cursorRequest(cursor string) *http.Request {
	return httptest.NewRequest("GET", "/v1/people?cursor="+url.QueryEscape(cursor), nil)
}

// TestWebexMigrationKeepsActivations upgrades a database of schema version 12 (before the Webex
// step) that holds an activation: the rebuilt activations table keeps every column.
func TestWebexMigrationKeepsActivations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v12.db")
	all := migrations
	migrations = all[:12]
	s, err := New(Options{DBPath: path})
	migrations = all
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO enterprises (id, name, created_at) VALUES ('ent_x', 'X', '2026-01-01T00:00:00Z')`,
		`INSERT INTO groups (id, enterprise_id, name, time_zone, created_at) VALUES ('grp_x', 'ent_x', 'G', 'UTC', '2026-01-01T00:00:00Z')`,
		`INSERT INTO users (id, enterprise_id, group_id, first_name, last_name, email, email_norm, created_at, updated_at)
			VALUES ('usr_x', 'ent_x', 'grp_x', 'A', 'B', 'a@x.example', 'a@x.example', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
		`INSERT INTO jobs (id, enterprise_id, kind, user_id, status, created_at, updated_at)
			VALUES ('job_x', 'ent_x', 'activation', 'usr_x', 'succeeded', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
		`INSERT INTO activations (user_id, status, package, send_activation_email, email_subject, error_code, job_id, created_at,
			updated_at, invitations_sent, last_invited_at, accepted_email) VALUES ('usr_x', 'provisioned', 'webex_suite', 1, 'Hi', '',
			'job_x', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z', 2, '2026-01-01T12:00:00Z', 'a@x.example')`,
	} {
		if _, err := s.db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = New(Options{DBPath: path})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	var status, pkg, subject, invitedAt, accepted string
	var sent int
	if err := s.db.QueryRow(`SELECT status, package, email_subject, invitations_sent, last_invited_at, accepted_email
		FROM activations WHERE user_id = 'usr_x'`).Scan(&status, &pkg, &subject, &sent, &invitedAt, &accepted); err != nil {
		t.Fatal(err)
	}
	if status != "provisioned" || pkg != "webex_suite" || subject != "Hi" || sent != 2 || invitedAt != "2026-01-01T12:00:00Z" || accepted != "a@x.example" {
		t.Errorf("after the upgrade: %s %s %s %d %s %s", status, pkg, subject, sent, invitedAt, accepted)
	}
	if _, err := s.db.Exec(`UPDATE activations SET status = 'pending_user_migration' WHERE user_id = 'usr_x'`); err != nil {
		t.Errorf("the new status is refused: %v", err)
	}
}
