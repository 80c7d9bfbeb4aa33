package rules

import (
	"archive/zip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestTimeZoneListLoads checks that every embedded zone name loads with time.LoadLocation.
func TestTimeZoneListLoads(t *testing.T) {
	if !sort.StringsAreSorted(tzNames[:]) {
		t.Fatal("tzNames is not sorted")
	}
	for _, n := range tzNames {
		if _, err := time.LoadLocation(n); err != nil {
			t.Errorf("LoadLocation(%q): %v", n, err)
		}
	}
}

// TestTimeZoneListMatchesToolchain fails when tznames.go is stale for the Go toolchain that
// runs the tests (run `go generate ./internal/rules/` after a Go upgrade).
func TestTimeZoneListMatchesToolchain(t *testing.T) {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Skipf("go env GOROOT: %v", err)
	}
	zr, err := zip.OpenReader(filepath.Join(strings.TrimSpace(string(out)), "lib", "time", "zoneinfo.zip"))
	if err != nil {
		t.Skipf("toolchain zoneinfo.zip: %v", err)
	}
	t.Cleanup(func() {
		if err := zr.Close(); err != nil {
			t.Errorf("closing zoneinfo.zip: %v", err)
		}
	})
	var names []string
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, "/") {
			names = append(names, f.Name)
		}
	}
	sort.Strings(names)
	if !slices.Equal(names, tzNames[:]) {
		t.Errorf("tznames.go is stale: the toolchain has %d zones, the list %d; run go generate", len(names), len(tzNames))
	}
}

// TestStreetAbbreviationsStable checks the property NormalizeAddress's idempotence rests on:
// every abbreviation maps to itself and carries no dot.
func TestStreetAbbreviationsStable(t *testing.T) {
	for full, abbr := range streetAbbreviations {
		if streetAbbreviations[abbr] != abbr {
			t.Errorf("%s → %s → %s", full, abbr, streetAbbreviations[abbr])
		}
		if abbr == "" || strings.ContainsAny(abbr, ". ") || strings.ToUpper(full) != full || strings.ContainsAny(full, ". ") {
			t.Errorf("bad entry %q → %q", full, abbr)
		}
		if len(abbr) > len(full) {
			t.Errorf("%s → %s lengthens the word", full, abbr)
		}
	}
}

func TestJoinList(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"a"}, "a"},
		{[]string{"a", "b"}, "a or b"},
		{[]string{"a", "b", "c"}, "a, b or c"},
	} {
		if got := joinList(tc.in, "or"); got != tc.want {
			t.Errorf("joinList(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestStreetAbbreviationsDocumented keeps NormalizeAddress's documented word list in step with
// the table.
func TestStreetAbbreviationsDocumented(t *testing.T) {
	src, err := os.ReadFile("address.go")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(src)
	doc = doc[strings.Index(doc, "// NormalizeAddress returns"):strings.Index(doc, "func NormalizeAddress")]
	doc = strings.Join(strings.Fields(strings.ReplaceAll(doc, "//", "")), " ")
	for full, abbr := range streetAbbreviations {
		if full == abbr {
			continue
		}
		if !strings.Contains(doc, full+" "+abbr+",") && !strings.Contains(doc, full+" "+abbr+";") && !strings.Contains(doc, full+" "+abbr+".") {
			t.Errorf("NormalizeAddress's documentation does not list %s %s", full, abbr)
		}
	}
}
