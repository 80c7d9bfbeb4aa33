package client

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// TestRoutesAreInOpenAPI checks that every path the client calls (every pathOf template in the
// package's source) is a path of api/openapi.yaml, the machine-readable contract. It skips while
// the spec does not exist.
func TestRoutesAreInOpenAPI(t *testing.T) {
	spec, err := os.ReadFile(filepath.Join("..", "..", "api", "openapi.yaml"))
	if os.IsNotExist(err) {
		t.Skip("api/openapi.yaml does not exist yet")
	}
	if err != nil {
		t.Fatal(err)
	}
	param := regexp.MustCompile(`\{[^}]*\}`)
	norm := func(p string) string { return param.ReplaceAllString(p, "{}") }

	specPaths := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\s+['"]?(/v1/[^'":\s]*)['"]?\s*:`).FindAllStringSubmatch(string(spec), -1) {
		specPaths[norm(m[1])] = true
	}
	if len(specPaths) == 0 {
		t.Fatal("no /v1 paths found in api/openapi.yaml")
	}

	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	seen := 0
	call := regexp.MustCompile(`pathOf\("(/v1/[^"]*)"`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllStringSubmatch(string(src), -1) {
			seen++
			if !specPaths[norm(m[1])] {
				missing = append(missing, m[1])
			}
		}
	}
	if seen < 20 {
		t.Fatalf("found only %d pathOf calls; the scan is broken", seen)
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("paths the client calls that api/openapi.yaml lacks:\n%s", strings.Join(missing, "\n"))
	}
}
