package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRunPrintsExportsAndServes(t *testing.T) {
	dir := t.TempDir()
	envFile := filepath.Join(dir, "sandbox.env")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--listen", "127.0.0.1:0", "--db", filepath.Join(dir, "s.db"),
			"--admin-token", "it's-secret", "--env-file", envFile, "--log-level", "error"}, pw, io.Discard)
		_ = pw.Close() // never fails: io.PipeWriter.Close always returns nil
	}()

	sc := bufio.NewScanner(pr)
	var lines []string
	for len(lines) < 3 && sc.Scan() {
		lines = append(lines, sc.Text())
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if len(lines) != 3 {
		t.Fatalf("output %q", lines)
	}
	endpoint, ok := strings.CutPrefix(lines[0], "export UCPROV_ENDPOINT=http://127.0.0.1:")
	if !ok || endpoint == "" {
		t.Errorf("line 1 %q", lines[0])
	}
	if lines[1] != `export UCPROV_TOKEN='it'\''s-secret'` {
		t.Errorf("line 2 %q", lines[1])
	}
	if lines[2] != "export UCPROV_ENTERPRISE_ID=ent_acme" {
		t.Errorf("line 3 %q", lines[2])
	}
	b, err := os.ReadFile(envFile)
	if err != nil || string(b) != strings.Join(lines, "\n")+"\n" {
		t.Errorf("env file %q (%v)", b, err)
	}

	req, _ := http.NewRequest("GET", "http://127.0.0.1:"+endpoint+"/v1/enterprises/ent_acme", nil)
	req.Header.Set("Authorization", "Bearer it's-secret")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Body.Close(); err != nil {
		t.Errorf("closing the response body: %v", err)
	}
	if res.StatusCode != 200 {
		t.Errorf("status %d", res.StatusCode)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("run did not stop")
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{{"--seed", "nope"}, {"--log-level", "loud"}, {"extra"}, {"--fault-rate", "3"}} {
		if err := run(context.Background(), append([]string{"--listen", "127.0.0.1:0"}, args...), io.Discard, io.Discard); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}
