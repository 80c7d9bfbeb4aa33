package main

import (
	"context"
	"strings"
	"testing"
	"time"
)

// runUntilServing runs the sandbox with args until it has printed its exports, then stops it and
// returns what it wrote on stderr.
func runUntilServing(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"--admin-token", "sp-x", "--log-level", "error"}, args...), &stdout, &stderr)
	}()
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(stdout.String(), "UCPROV_ENTERPRISE_ID"); {
		select {
		case err := <-done:
			t.Fatalf("run %v: %v\n%s", args, err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no exports printed: %q %q", stdout.String(), stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	return stderr.String()
}

// The demo seed's enterprise-admin tokens are published: listening on anything but loopback with
// them prints a warning that says so; loopback, or no demo seed, prints none.
func TestDemoSeedOnNonLoopbackWarns(t *testing.T) {
	const warning = "demo tokens"
	for _, tc := range []struct {
		args []string
		warn bool
	}{
		{[]string{"--listen", "127.0.0.1:0"}, false},
		{[]string{"--listen", "localhost:0"}, false},
		{[]string{"--listen", "[::1]:0"}, false},
		{[]string{"--listen", "0.0.0.0:0"}, true},
		{[]string{"--listen", ":0"}, true},
		{[]string{"--listen", ":0", "--seed", ""}, false},
	} {
		stderr := runUntilServing(t, tc.args...)
		if got := strings.Contains(stderr, warning); got != tc.warn {
			t.Errorf("%v: warning %v, want %v; stderr:\n%s", tc.args, got, tc.warn, stderr)
		}
		if tc.warn && !strings.Contains(stderr, "acme-admin-token") {
			t.Errorf("%v: the warning does not name the public tokens:\n%s", tc.args, stderr)
		}
	}
}

func TestLoopbackListener(t *testing.T) {
	for addr, want := range map[string]bool{
		"http://127.0.0.1:8787": true, "http://127.0.0.2:1": true, "http://[::1]:1": true,
		"http://0.0.0.0:1": false, "http://[::]:1": false, "http://10.0.0.5:1": false, "http://192.168.1.2:80": false,
		"http://example.com:1": false, "": false,
	} {
		if got := loopbackURL(addr); got != want {
			t.Errorf("loopbackURL(%q) = %v, want %v", addr, got, want)
		}
	}
}
