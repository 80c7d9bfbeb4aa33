package sandbox

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

// The activation report's CSV neutralises cells that a spreadsheet would run as a formula (OWASP
// CSV injection: a leading =, +, -, @, tab or CR gets a leading '), but keeps a plain E.164
// number as it is.
func TestActivationReportCSVNeutralisesFormulas(t *testing.T) {
	e := newManualEnv(t)
	evil := []struct{ first, last string }{
		{"=HYPERLINK(\"http://x\")", "Plus"},
		{"+SUM(1,2)", "Minus"},
		{"-2+3", "At"},
		{"@cmd", "Tab"},
		{"\tTabbed", "\rCarriage"},
	}
	for i, u := range evil {
		id := e.createUser(acmeToken, map[string]any{"firstName": u.first, "lastName": u.last, "groupId": DemoGroupDenver,
			"email": "evil" + string(rune('a'+i)) + "@example.com"})["id"].(string)
		if i == 0 {
			e.must(200, e.request("PUT", "/v1/users/"+id+"/number", acmeToken, map[string]any{"phoneNumber": "+17205551201", "extension": "1201"}))
		}
		e.activate(id)
	}
	r := e.must(200, e.request("GET", "/v1/enterprises/ent_acme/activations.csv?sort=email", acmeToken, nil))
	recs, err := csv.NewReader(strings.NewReader(string(r.body))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(evil)+1 {
		t.Fatalf("%d records: %q", len(recs), recs)
	}
	for i, u := range evil {
		rec := recs[i+1]
		if got := rec[7]; got != "'"+u.first {
			t.Errorf("first name %q exported as %q, want it neutralised with a leading '", u.first, got)
		}
		if got := rec[8]; !strings.HasPrefix(u.last, "\r") && got != u.last {
			t.Errorf("last name %q exported as %q", u.last, got)
		}
	}
	// encoding/csv drops a lone CR (reading, and writing with CRLF line ends): look at the raw export.
	if !strings.Contains(string(r.body), "'\rCarriage") && !strings.Contains(string(r.body), `"'Carriage"`) {
		t.Errorf("a cell starting with CR is not neutralised: %q", r.body)
	}
	if recs[1][5] != "+17205551201" {
		t.Errorf("a plain E.164 number changed: %q", recs[1][5])
	}
	// The JSON report is data, not a spreadsheet: it keeps the values as they are.
	rows := e.must(200, e.request("GET", "/v1/enterprises/ent_acme/activations?sort=email", acmeToken, nil)).items(t)
	if rows[0]["firstName"] != evil[0].first {
		t.Errorf("JSON report changed a name: %q", rows[0]["firstName"])
	}
}

func TestNeutraliseCSVCell(t *testing.T) {
	for in, want := range map[string]string{
		"":              "",
		"Ada":           "Ada",
		"+17205551200":  "+17205551200",
		"+1720555120":   "+1720555120",
		"+1 720":        "'+1 720",
		"+1720555+1200": "'+1720555+1200",
		"+":             "'+",
		"=1+1":          "'=1+1",
		"-1":            "'-1",
		"@a":            "'@a",
		"\tx":           "'\tx",
		"\rx":           "'\rx",
		"a=b":           "a=b",
	} {
		if got := neutraliseCSVCell(in); got != want {
			t.Errorf("neutraliseCSVCell(%q) = %q, want %q", in, got, want)
		}
	}
}

// Passcodes and passwords are stored with a slow KDF (argon2id), not a fast salted hash that
// searches all 6–10 digit passcodes in seconds.
func TestSecretsUseASlowKDF(t *testing.T) {
	e := newEnv(t)
	id := e.createUser(acmeToken, map[string]any{"firstName": "Kdf", "lastName": "User", "groupId": DemoGroupDenver, "email": "kdf@example.com"})["id"].(string)
	e.must(204, e.request("PUT", "/v1/users/"+id+"/voicemail/passcode", acmeToken, map[string]any{"passcode": "135790"}))
	e.must(204, e.request("PUT", "/v1/users/"+id+"/portal-password", acmeToken, map[string]any{"password": "Str0ng!pass"}))
	for table, secret := range map[string]string{"voicemail_passcodes": "135790", "portal_passwords": "Str0ng!pass"} {
		var salt, hash string
		if err := e.s.db.QueryRow(`SELECT salt, hash FROM `+table+` WHERE user_id = ?`, id).Scan(&salt, &hash); err != nil {
			t.Fatal(err)
		}
		if rules.HashPasscode(salt, secret) == hash {
			t.Errorf("%s: the secret is stored as a fast salted SHA-256", table)
		}
		p, ok := parseArgon2id(hash)
		if !ok {
			t.Errorf("%s: %q is not an argon2id hash", table, hash)
			continue
		}
		if p.memoryKiB < 19*1024 || p.time < 2 {
			t.Errorf("%s: argon2id parameters %+v below OWASP's minimum (m=19 MiB, t=2)", table, p)
		}
		if strings.Contains(hash, secret) {
			t.Errorf("%s: the secret is in its hash", table)
		}
	}
	// The history still works through the KDF: the same passcode and its reverse are refused.
	e.wantError(e.request("PUT", "/v1/users/"+id+"/voicemail/passcode", acmeToken, map[string]any{"passcode": "135790"}), 422, "passcode_reused", "passcode")
	e.wantError(e.request("PUT", "/v1/users/"+id+"/voicemail/passcode", acmeToken, map[string]any{"passcode": "097531"}), 422, "passcode_reversed_reused", "passcode")
	e.must(204, e.request("PUT", "/v1/users/"+id+"/voicemail/passcode", acmeToken, map[string]any{"passcode": "246813"}))
}

// A database written by an older sandbox (salted SHA-256) keeps its passcode history.
func TestLegacySecretHashStillVerifies(t *testing.T) {
	if !kdfVerify("ab", rules.HashPasscode("ab", "135790"), "135790") || kdfVerify("ab", rules.HashPasscode("ab", "135790"), "135791") {
		t.Error("legacy salted SHA-256 hashes do not verify")
	}
	h := kdfHash("135790")
	if !kdfVerify("", h, "135790") || kdfVerify("", h, "135791") || kdfVerify("", "$argon2id$garbage", "135790") {
		t.Error("argon2id hashes do not verify")
	}
}

// The database file (and SQLite's -wal and -shm files beside it) is readable by its owner only.
func TestDatabaseFileIsPrivate(t *testing.T) {
	old := syscallUmask(0o022)
	defer syscallUmask(old)
	path := filepath.Join(t.TempDir(), "sandbox.db")
	s, err := New(Options{DBPath: path, Seed: SeedDemo})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`UPDATE enterprises SET name = name`); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil {
			if p != path && os.IsNotExist(err) {
				continue
			}
			t.Fatal(err)
		}
		if fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s has mode %v, want 0600", filepath.Base(p), fi.Mode().Perm())
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// An existing file that others can read is tightened on open.
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err = New(Options{DBPath: path, Seed: SeedDemo})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("reopened database mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}
}

// The HTTP server bounds how long a client may take to send a request, to read the answer and to
// keep an idle connection (a slow client cannot hold a connection forever).
func TestHTTPServerTimeouts(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	srv := s.httpSrv
	s.mu.Unlock()
	for name, d := range map[string]time.Duration{
		"ReadHeaderTimeout": srv.ReadHeaderTimeout, "ReadTimeout": srv.ReadTimeout,
		"WriteTimeout": srv.WriteTimeout, "IdleTimeout": srv.IdleTimeout,
	} {
		if d <= 0 || d > 5*time.Minute {
			t.Errorf("%s = %v, want a bound (0 < d <= 5m)", name, d)
		}
	}
	if srv.WriteTimeout <= srv.ReadTimeout || srv.WriteTimeout < 60*time.Second {
		t.Errorf("WriteTimeout %v must leave room for --latency and slow handlers (ReadTimeout %v)", srv.WriteTimeout, srv.ReadTimeout)
	}
	if !slices.Contains([]bool{true}, srv.MaxHeaderBytes > 0 && srv.MaxHeaderBytes <= 1<<20) {
		t.Errorf("MaxHeaderBytes = %d", srv.MaxHeaderBytes)
	}
}
