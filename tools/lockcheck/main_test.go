package main

import (
	"io"
	"strings"
	"testing"
)

// The lockfile in the repository pins every package of the Redocly CLI's tree.
func TestRedoclyLockfileIsComplete(t *testing.T) {
	var out strings.Builder
	if err := run([]string{"../redocly/package-lock.json"}, &out); err != nil {
		t.Fatal(err)
	}
	t.Log(out.String())
}

func TestCheck(t *testing.T) {
	const ok = `"resolved": "https://registry.npmjs.org/a/-/a-1.0.0.tgz", "integrity": "sha512-AAAA", "version": "1.0.0"`
	for _, tc := range []struct {
		name, lock, wantErr string
	}{
		{"complete", `{"lockfileVersion": 3, "packages": {"": {"name": "x"}, "node_modules/a": {` + ok + `}}}`, ""},
		{"no resolved (the lockfile of issue 21)", `{"lockfileVersion": 3, "packages": {"": {}, "node_modules/@redocly/cli": {"version": "2.77.0", "integrity": "sha512-XUa4"}}}`, "node_modules/@redocly/cli: no resolved"},
		{"no integrity", `{"lockfileVersion": 3, "packages": {"": {}, "node_modules/a": {"version": "1.0.0", "resolved": "https://registry.npmjs.org/a/-/a-1.0.0.tgz"}}}`, "node_modules/a: no integrity"},
		{"sha1 integrity", `{"lockfileVersion": 3, "packages": {"": {}, "node_modules/a": {"version": "1.0.0", "resolved": "https://registry.npmjs.org/a/-/a-1.0.0.tgz", "integrity": "sha1-AAAA"}}}`, "not sha512"},
		{"other origin", `{"lockfileVersion": 3, "packages": {"": {}, "node_modules/a": {"version": "1.0.0", "resolved": "http://evil.example/a.tgz", "integrity": "sha512-AAAA"}}}`, "is not on https://registry.npmjs.org/"},
		{"git dependency", `{"lockfileVersion": 3, "packages": {"": {}, "node_modules/a": {"version": "1.0.0", "resolved": "git+ssh://git@github.com/a/a.git#abc", "integrity": "sha512-AAAA"}}}`, "is not on"},
		{"link", `{"lockfileVersion": 3, "packages": {"": {}, "node_modules/a": {"resolved": "../a", "link": true}}}`, "is a link"},
		{"one bad among good", `{"lockfileVersion": 3, "packages": {"": {}, "node_modules/a": {` + ok + `}, "node_modules/b": {"version": "2.0.0"}}}`, "1 of 2 packages"},
		{"only the root", `{"lockfileVersion": 3, "packages": {"": {}}}`, "no packages locked"},
		{"lockfile v1", `{"lockfileVersion": 1, "dependencies": {}}`, "lockfileVersion 1"},
		{"not json", `{`, "parse lockfile"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := check([]byte(tc.lock))
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
	if err := run(nil, io.Discard); err == nil {
		t.Error("no arguments accepted")
	}
	if err := run([]string{"testdata/none.json"}, io.Discard); err == nil {
		t.Error("a missing file accepted")
	}
}
