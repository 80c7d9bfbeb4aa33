package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// scripts/version.sh, the version `make install` installs and `make build` stamps: the release tag
// on HEAD, else the CHANGELOG's newest version, else an error (no TF_ACC needed).
func TestVersionScript(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not on PATH")
	}
	script, err := os.ReadFile(filepath.Join(RepoRoot(), "scripts", "version.sh"))
	if err != nil {
		t.Fatal(err)
	}
	repo := t.TempDir()
	run := func(name string, args ...string) (string, error) {
		cmd := exec.Command(name, args...)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
			"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
		out, err := cmd.CombinedOutput()
		return strings.TrimSpace(string(out)), err
	}
	write := func(name, content string) {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(repo, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(repo, name), []byte(content), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	version := func() (string, error) { return run("bash", filepath.Join(repo, "scripts", "version.sh")) }
	write("scripts/version.sh", string(script))

	// Not a git repository, no CHANGELOG: an error that says what is missing.
	if out, err := version(); err == nil || !strings.Contains(out, "CHANGELOG.md") {
		t.Errorf("without a CHANGELOG: %q, %v; want an error naming CHANGELOG.md", out, err)
	}

	write("CHANGELOG.md", "## 0.3.0 (Unreleased)\n\nFEATURES:\n\n## 0.2.0 (November 23, 2026)\n")
	if out, err := version(); err != nil || out != "0.3.0" {
		t.Errorf("from the CHANGELOG: %q, %v; want 0.3.0", out, err)
	}
	for _, args := range [][]string{{"init", "-q"}, {"add", "."}, {"commit", "-q", "-m", "one"}} {
		if out, err := run("git", args...); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	if out, err := version(); err != nil || out != "0.3.0" {
		t.Errorf("untagged commit: %q, %v; want the CHANGELOG's 0.3.0", out, err)
	}
	if out, err := run("git", "tag", "v0.3.0-rc.1"); err != nil {
		t.Fatal(out)
	}
	if out, err := version(); err != nil || out != "0.3.0-rc.1" {
		t.Errorf("tagged v0.3.0-rc.1: %q, %v", out, err)
	}
	if out, err := run("git", "commit", "-q", "--allow-empty", "-m", "two"); err != nil {
		t.Fatal(out)
	}
	if out, err := version(); err != nil || out != "0.3.0" {
		t.Errorf("a commit after the tag: %q, %v; want the CHANGELOG's 0.3.0", out, err)
	}
	if out, err := run("git", "tag", "not-a-release"); err != nil {
		t.Fatal(out)
	}
	if out, err := version(); err != nil || out != "0.3.0" {
		t.Errorf("a tag that is not a release: %q, %v; want the CHANGELOG's 0.3.0", out, err)
	}
}
