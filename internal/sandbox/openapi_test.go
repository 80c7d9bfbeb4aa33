package sandbox

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// specOperations reads "METHOD /path" pairs from the paths section of api/openapi.yaml with a line
// scan: path keys are indented two spaces under "paths:", methods four.
func specOperations(t *testing.T) map[string]bool {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "api", "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }() // read-only: nothing to lose on Close
	ops := map[string]bool{}
	inPaths := false
	path := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		if !strings.HasPrefix(line, " ") {
			inPaths = line == "paths:"
			continue
		}
		if !inPaths {
			continue
		}
		switch {
		case strings.HasPrefix(line, "  /") && strings.HasSuffix(line, ":"):
			path = strings.TrimSuffix(strings.TrimSpace(line), ":")
		case strings.HasPrefix(line, "    ") && !strings.HasPrefix(line, "     "):
			key := strings.TrimSuffix(strings.TrimSpace(line), ":")
			switch key {
			case "get", "put", "post", "patch", "delete", "head", "options":
				ops[strings.ToUpper(key)+" "+path] = true
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return ops
}

func TestRoutesAreInOpenAPI(t *testing.T) {
	ops := specOperations(t)
	if len(ops) < 30 {
		t.Fatalf("only %d operations parsed from openapi.yaml: %v", len(ops), ops)
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
	seen := map[string]bool{}
	for _, rt := range s.routes() {
		if seen[rt.pattern] {
			t.Errorf("route %q registered twice", rt.pattern)
		}
		seen[rt.pattern] = true
		if !ops[rt.pattern] {
			t.Errorf("route %q is not an operation of api/openapi.yaml", rt.pattern)
		}
		if !rt.public && !strings.HasPrefix(rt.path(), "/v1/") {
			t.Errorf("authenticated route %q outside /v1", rt.pattern)
		}
	}
}
