package ocipschema

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// SpecRelDir is where the R25 schema set lives, relative to the module root.
const SpecRelDir = "api/specs/broadworks/ocip-r25"

// FindSpecDir walks up from the working directory (a package directory under `go test`) to the module
// root (the directory holding go.mod) and returns its api/specs/broadworks/ocip-r25.
func FindSpecDir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find spec dir: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			spec := filepath.Join(dir, filepath.FromSlash(SpecRelDir))
			if _, err := os.Stat(filepath.Join(spec, "OCISchemaAS.xsd")); err != nil {
				return "", fmt.Errorf("find spec dir: module root %s has no %s: %w", dir, SpecRelDir, err)
			}
			return spec, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("find spec dir: no go.mod above the working directory")
		}
		dir = parent
	}
}

var (
	defaultOnce   sync.Once
	defaultSchema *Schema
	defaultErr    error
)

// Shared loads the in-repo R25 schema once per process (FindSpecDir + Load) and returns it.
func Shared() (*Schema, error) {
	defaultOnce.Do(func() {
		dir, err := FindSpecDir()
		if err != nil {
			defaultErr = err
			return
		}
		defaultSchema, defaultErr = Load(dir)
	})
	return defaultSchema, defaultErr
}

// TB is the part of testing.TB that Default uses (so this package does not import testing).
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
}

// Default is Shared for tests (pass the *testing.T, *testing.B or *testing.F): it fails the test when
// the schema cannot be loaded.
func Default(t TB) *Schema {
	t.Helper()
	s, err := Shared()
	if err != nil {
		t.Fatalf("load oci-p schema: %v", err)
	}
	return s
}
