package main

import (
	"bytes"
	"os"
	"testing"
)

// TestGeneratedFileIsCurrent fails when commands_gen.go differs from what the generator writes now
// (run `go generate ./internal/ocip` after changing the command list or the schema).
func TestGeneratedFileIsCurrent(t *testing.T) {
	want, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../commands_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("internal/ocip/commands_gen.go is stale: run go generate ./internal/ocip")
	}
}
