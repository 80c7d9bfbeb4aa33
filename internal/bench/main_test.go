package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSteps(t *testing.T) {
	for _, tc := range []struct {
		steps string
		ok    bool
	}{
		{defaultSteps, true},
		{"first-plan", true},
		{"first-plan, apply,plan", true},
		{"plan", false},    // needs the first apply's state
		{"destroy", false}, // likewise
		{"apply,bogus", false},
	} {
		err := options{steps: tc.steps, department: "auto"}.checkSteps()
		if (err == nil) != tc.ok {
			t.Errorf("checkSteps(%q) = %v, want ok %v", tc.steps, err, tc.ok)
		}
	}
	if err := (options{steps: defaultSteps, department: "sometimes"}).checkSteps(); err == nil {
		t.Error("checkSteps accepted -department sometimes")
	}
	o := options{steps: "first-plan, apply"}
	if !o.has("apply") || !o.has("first-plan") || o.has("destroy") || o.has("first") {
		t.Errorf("has: wrong answers for %q", o.steps)
	}
}

func TestWriteReport(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "results.md")

	// A new file is the report.
	if err := writeReport(path, "run 1", false); err != nil {
		t.Fatal(err)
	}
	if got := read(t, path); got != "run 1\n" {
		t.Errorf("new file = %q", got)
	}

	// Between the markers, the rest is kept.
	curated := "# analysis\n\n" + latestBegin + "\n\nold run\n" + latestEnd + "\n\n## earlier runs\n"
	if err := os.WriteFile(path, []byte(curated), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := writeReport(path, "run 2", false); err != nil {
		t.Fatal(err)
	}
	want := "# analysis\n\n" + latestBegin + "\n\nrun 2\n" + latestEnd + "\n\n## earlier runs\n"
	if got := read(t, path); got != want {
		t.Errorf("with markers = %q, want %q", got, want)
	}

	// -append adds at the end.
	if err := writeReport(path, "run 3", true); err != nil {
		t.Fatal(err)
	}
	if got := read(t, path); got != want+"run 3\n" {
		t.Errorf("appended = %q", got)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The users' department: on every user at create unless -department says otherwise (auto: not on
// wholesale); the change step gives one user in ten the department "Support" either way.
func TestConfigDepartment(t *testing.T) {
	for _, tc := range []struct {
		platform, department string
		want                 bool
	}{
		{"ucprov", "auto", true}, {"broadworks", "auto", true}, {"wholesale", "auto", false},
		{"wholesale", "on", true}, {"broadworks", "off", false},
	} {
		if got := (options{platform: tc.platform, department: tc.department}).withDepartment(); got != tc.want {
			t.Errorf("%s -department %s: %v, want %v", tc.platform, tc.department, got, tc.want)
		}
	}
	root, _, _ := configHCL(20, false, "", "module", "wholesale", false)
	if strings.Contains(root, `"Engineering"`) || strings.Contains(root, `"Support"`) {
		t.Errorf("without a department the first configuration names one:\n%s", root)
	}
	root, _, _ = configHCL(20, true, "", "module", "wholesale", false)
	if n := strings.Count(root, `dept = "Support"`); n != 2 {
		t.Errorf("the change step gives %d users a department, want 2 of 20", n)
	}
	root, _, _ = configHCL(20, false, "", "blocks", "broadworks", true)
	if n := strings.Count(root, `department = "Engineering" != "" ? "Engineering" : null`); n != 20 {
		t.Errorf("blocks layout: %d users with a department, want 20", n)
	}
}
