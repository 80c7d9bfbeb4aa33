package sandbox

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
)

// lockedBuffer is a log sink that the server's goroutines and the test may share.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestPasscodeRules(t *testing.T) {
	e := newEnv(t)
	r := e.must(200, e.request("GET", "/v1/enterprises/ent_acme/passcode-rules", acmeToken, nil))
	want := `{"minLength":6,"maxLength":10,"maxRepeatedDigits":5,"maxSequenceLength":4,"blockUserNumber":true,` +
		`"blockReversedUserNumber":true,"blockPrevious":true,"blockPreviousReversed":true,"passwordMinLength":6}` + "\n"
	if string(r.body) != want {
		t.Errorf("defaults:\n%s\nwant\n%s", r.body, want)
	}
	tight := rules.DefaultPasscodePolicy()
	tight.MinLength, tight.MaxRepeatedDigits, tight.BlockPreviousReversed, tight.PasswordMinLength = 8, 2, false, 12
	if err := e.s.SetPasscodePolicy("ent_globex", tight); err != nil {
		t.Fatal(err)
	}
	if err := e.s.SetPasscodePolicy("ent_nope", tight); err == nil {
		t.Error("policy of an unknown enterprise accepted")
	}
	got := e.must(200, e.request("GET", "/v1/enterprises/ent_globex/passcode-rules", globexToken, nil)).obj(t)
	if got["minLength"] != 8.0 || got["maxRepeatedDigits"] != 2.0 || got["blockPreviousReversed"] != false || got["passwordMinLength"] != 12.0 {
		t.Errorf("tightened: %v", got)
	}
	if string(e.must(200, e.request("GET", "/v1/enterprises/ent_acme/passcode-rules", spToken, nil)).body) != want {
		t.Error("another enterprise's policy changed")
	}
	e.wantError(e.request("GET", "/v1/enterprises/ent_globex/passcode-rules", acmeToken, nil), 404, "not_found", "")
}

func TestVoicemailPasscode(t *testing.T) {
	logs := &lockedBuffer{}
	e := newEnv(t, func(o *Options) {
		o.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	u := e.createUser(acmeToken, nil)["id"].(string)
	e.must(200, e.request("PUT", "/v1/users/"+u+"/number", acmeToken, map[string]any{"phoneNumber": "+17205551207", "extension": "482915"}))
	path := "/v1/users/" + u + "/voicemail/passcode"
	var secrets []string
	put := func(passcode string) resp {
		secrets = append(secrets, passcode)
		return e.request("PUT", path, acmeToken, map[string]any{"passcode": passcode})
	}
	refuse := func(passcode, code string) {
		t.Helper()
		var r resp
		if strings.HasPrefix(code, "passcode_is_") { // the user's own number is no secret
			r = e.request("PUT", path, acmeToken, map[string]any{"passcode": passcode})
		} else {
			r = put(passcode)
		}
		e.wantError(r, 422, code, "passcode")
		if passcode != "" && strings.Contains(string(r.body), passcode) {
			t.Errorf("the answer repeats the passcode: %s", r.body)
		}
	}

	refuse("", "passcode_length")
	refuse("12345", "passcode_length") // also a sequence: the first violation wins
	refuse("12345678901", "passcode_length")
	refuse("12a4567", "passcode_not_digits")
	refuse("1555555", "passcode_repeated_digits")
	refuse("123456", "passcode_sequence")
	refuse("987650", "passcode_sequence")
	refuse("551207", "passcode_is_user_number")     // trailing digits of the phone number
	refuse("7205551207", "passcode_is_user_number") // longer trailing part
	refuse("482915", "passcode_is_user_number")     // the extension
	refuse("702155", "passcode_is_reversed_user_number")
	refuse("519284", "passcode_is_reversed_user_number")
	e.wantError(e.request("PUT", path, acmeToken, map[string]any{"passcode": 837261}), 400, "invalid_request", "passcode")
	e.wantError(e.request("PUT", path, acmeToken, map[string]any{"pin": "837261"}), 400, "invalid_request", "pin")

	e.must(204, put("837261"))
	refuse("837261", "passcode_reused")
	refuse("162738", "passcode_reversed_reused")
	e.must(204, put("940372"))
	e.must(204, put("837261")) // only the last passcode is remembered

	var salt, hash string
	if err := e.s.db.QueryRow(`SELECT salt, hash FROM voicemail_passcodes WHERE user_id = ?`, u).Scan(&salt, &hash); err != nil {
		t.Fatal(err)
	}
	if salt != "" || !kdfVerify(salt, hash, "837261") || strings.Contains(hash, "837261") {
		t.Errorf("stored salt %q hash %q", salt, hash)
	}

	t.Run("the enterprise's policy applies", func(t *testing.T) {
		e := e.sub(t)
		tight := rules.DefaultPasscodePolicy()
		tight.MinLength, tight.BlockPreviousReversed = 8, false
		if err := e.s.SetPasscodePolicy("ent_globex", tight); err != nil {
			t.Fatal(err)
		}
		g := e.must(201, e.request("POST", "/v1/enterprises/ent_globex/users", globexToken,
			map[string]any{"groupId": DemoGroupTokyo, "firstName": "Kei", "lastName": "Sato"})).str(t, "id")
		gp := "/v1/users/" + g + "/voicemail/passcode"
		e.wantError(e.request("PUT", gp, globexToken, map[string]any{"passcode": "837261"}), 422, "passcode_length", "passcode")
		e.must(204, e.request("PUT", gp, globexToken, map[string]any{"passcode": "83726150"}))
		e.must(204, e.request("PUT", gp, globexToken, map[string]any{"passcode": "05162738"})) // reversed: allowed here
		e.wantError(e.request("PUT", gp, acmeToken, map[string]any{"passcode": "83726150"}), 404, "not_found", "")
	})

	t.Run("never readable", func(t *testing.T) {
		e := e.sub(t)
		r := e.request("GET", path, acmeToken, nil)
		if r.status == 200 || strings.Contains(string(r.body), "837261") {
			t.Errorf("GET answered %d %s", r.status, r.body)
		}
	})
	assertSecretsNowhere(t, e, logs, secrets)
}

func TestPortalPassword(t *testing.T) {
	logs := &lockedBuffer{}
	e := newEnv(t, func(o *Options) {
		o.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	u := e.createUser(acmeToken, map[string]any{"firstName": "Grace", "lastName": "Hopper", "email": "ghopper@example.com"})["id"].(string)
	path := "/v1/users/" + u + "/portal-password"
	var secrets []string
	put := func(pw string) resp {
		secrets = append(secrets, pw)
		return e.request("PUT", path, acmeToken, map[string]any{"password": pw})
	}
	for _, tt := range []struct{ pw, code string }{
		{"", "password_weak"},
		{"abc", "password_weak"},
		{"alllowercase1!", "password_weak"},
		{"NoDigits!!", "password_weak"},
		{"grace#2024X", "password_contains_name"},
		{"Xhopper1!", "password_contains_name"},
		{"GHOPPER.9x", "password_contains_name"},
	} {
		r := put(tt.pw)
		e.wantError(r, 422, tt.code, "password")
		if tt.pw != "" && strings.Contains(string(r.body), tt.pw) {
			t.Errorf("the answer repeats the password: %s", r.body)
		}
	}
	e.must(204, put("Tr0ub4dor&3"))
	e.must(204, put("Tr0ub4dor&3")) // no history rule for passwords

	tight := rules.DefaultPasscodePolicy()
	tight.PasswordMinLength = 12
	if err := e.s.SetPasscodePolicy("ent_acme", tight); err != nil {
		t.Fatal(err)
	}
	e.wantError(put("Tr0ub4dor&3"), 422, "password_weak", "password")
	e.must(204, put("Tr0ub4dor&3x"))
	e.wantError(e.request("PUT", path, globexToken, map[string]any{"password": "Tr0ub4dor&3x"}), 404, "not_found", "")
	assertSecretsNowhere(t, e, logs, secrets)
}

// assertSecretsNowhere checks that no secret shows in the server's logs or in any column of any
// table of the database.
func assertSecretsNowhere(t *testing.T, e *env, logs *lockedBuffer, secrets []string) {
	t.Helper()
	text := logs.String()
	if !strings.Contains(text, "PUT /v1/users/{usr}") {
		t.Fatalf("the requests were not logged: %q", text)
	}
	tables, err := queryAll(t.Context(), e.s.db, `SELECT name FROM sqlite_master WHERE type = 'table'`, nil,
		func(sc scanner) (string, error) {
			var n string
			return n, sc.Scan(&n)
		})
	if err != nil {
		t.Fatal(err)
	}
	var dump strings.Builder
	for _, table := range tables {
		rows, err := e.s.db.Query(`SELECT * FROM "` + table + `"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				fmt.Fprintf(&dump, "%s\n", v)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range secrets {
		if len(s) < 6 {
			continue // too short to be told apart from other data
		}
		if strings.Contains(text, s) {
			t.Errorf("secret %q in the logs", s)
		}
		if strings.Contains(dump.String(), s) {
			t.Errorf("secret %q in the database", s)
		}
	}
}
