package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ucprov/terraform-provider-ucprov/internal/sandbox"
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
			"--admin-token", "it's-secret", "--env-file", envFile, "--log-level", "error", "--ocip-listen", "127.0.0.1:0"}, pw, io.Discard)
		_ = pw.Close() // never fails: io.PipeWriter.Close always returns nil
	}()

	sc := bufio.NewScanner(pr)
	var lines []string
	for len(lines) < 7 && sc.Scan() {
		lines = append(lines, sc.Text())
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if len(lines) != 7 {
		t.Fatalf("output %q", lines)
	}
	endpoint, ok := strings.CutPrefix(lines[0], "export UCPROV_ENDPOINT=http://127.0.0.1:")
	if !ok || endpoint == "" {
		t.Errorf("line 1 %q", lines[0])
	}
	if lines[1] != "# UCPROV_TOKEN: in "+envFile+" (source it)" {
		t.Errorf("line 2 %q", lines[1])
	}
	if lines[2] != "export UCPROV_ENTERPRISE_ID=ent_acme" {
		t.Errorf("line 3 %q", lines[2])
	}
	soapURL := "http://127.0.0.1:" + endpoint + sandbox.OCIPSOAPPath
	if lines[3] != "export UCPROV_BROADWORKS_ENDPOINT="+soapURL || lines[4] != "export UCPROV_BROADWORKS_USERNAME="+sandbox.DemoOCIPAdmin ||
		lines[5] != "# UCPROV_BROADWORKS_PASSWORD: in "+envFile+" (source it)" || !strings.HasPrefix(lines[6], "# OCI-P over TCP: tcp://127.0.0.1:") {
		t.Errorf("broadworks lines %q", lines[3:])
	}
	b, err := os.ReadFile(envFile)
	want := lines[0] + "\nexport UCPROV_TOKEN='it'\\''s-secret'\n" + lines[2] + "\n" + lines[3] + "\n" + lines[4] + "\n" +
		"export UCPROV_BROADWORKS_PASSWORD='" + sandbox.DemoOCIPPassword + "'\n"
	want += "export WEBEX_BASE_URL=http://127.0.0.1:" + endpoint + "/v1\nexport WEBEX_ACCESS_TOKEN=webex-partner-token\n"
	if err != nil || string(b) != want {
		t.Errorf("env file %q (%v), want %q", b, err, want)
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

	// OCI-P answers on the TCP address.
	conn, err := net.Dial("tcp", strings.TrimPrefix(lines[6], "# OCI-P over TCP: tcp://"))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.WriteString(conn, `<?xml version="1.0" encoding="ISO-8859-1"?><BroadsoftDocument protocol="OCI" xmlns="C" `+
		`xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><sessionId xmlns="">s</sessionId>`+
		`<command xsi:type="LoginRequest22V5" xmlns=""><userId>`+sandbox.DemoOCIPAdmin+`</userId><password>`+
		sandbox.DemoOCIPPassword+`</password></command></BroadsoftDocument>`)
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	rd := bufio.NewReader(conn)
	_, _ = rd.ReadString('\n')
	reply, _ := rd.ReadString('\n')
	_ = conn.Close()
	if !strings.Contains(reply, `xsi:type="LoginResponse22V5"`) {
		t.Errorf("ocip tcp login reply %q", reply)
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
		if err := run(context.Background(), append([]string{"--listen", "127.0.0.1:0", "--admin-token", "x"}, args...), io.Discard, io.Discard); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}

// The admin token is a secret: --help does not show $UCPROV_SANDBOX_TOKEN as a default, and the
// sandbox never prints it (it goes to the --env-file, created 0600, only).
func TestAdminTokenIsNeverPrinted(t *testing.T) {
	const canary = "sp-canary-7f3e9a"
	t.Setenv("UCPROV_SANDBOX_TOKEN", canary)
	var help strings.Builder
	if err := run(context.Background(), []string{"--help"}, io.Discard, &help); err == nil || !strings.Contains(help.String(), "-admin-token") {
		t.Fatalf("--help: %v\n%s", err, help.String())
	}
	if strings.Contains(help.String(), canary) {
		t.Errorf("--help shows the admin token:\n%s", help.String())
	}

	dir := t.TempDir()
	envFile := filepath.Join(dir, "sandbox.env")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--listen", "127.0.0.1:0", "--env-file", envFile, "--log-level", "debug"}, &stdout, &stderr)
	}()
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(stdout.String(), "UCPROV_ENTERPRISE_ID"); {
		if time.Now().After(deadline) {
			t.Fatalf("no exports printed: %q %q", stdout.String(), stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"stdout": stdout.String(), "stderr": stderr.String()} {
		if strings.Contains(out, canary) {
			t.Errorf("the admin token is printed on %s:\n%s", name, out)
		}
	}
	b, err := os.ReadFile(envFile)
	if err != nil || !strings.Contains(string(b), "export UCPROV_TOKEN="+canary+"\n") {
		t.Errorf("env file %q (%v)", b, err)
	}
	if fi, err := os.Stat(envFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("env file mode %v (%v)", fi.Mode().Perm(), err)
	}

	// A random token that nobody could learn is refused.
	t.Setenv("UCPROV_SANDBOX_TOKEN", "")
	short, stop := context.WithTimeout(context.Background(), 2*time.Second)
	defer stop()
	if err := run(short, []string{"--listen", "127.0.0.1:0"}, io.Discard, io.Discard); err == nil {
		t.Error("a random admin token without --env-file accepted")
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestPrintWebexLocation: --print-webex-location prints the location id a Webex front-end shows
// for a demo group (make demo on wholesale reads the Paris location with it) and starts nothing.
func TestPrintWebexLocation(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), []string{"--print-webex-location", "grp_paris"}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.TrimSpace(out.String()), sandbox.DemoWebexLocation("grp_paris"); got != want || want == "grp_paris" {
		t.Errorf("printed %q, want %q", got, want)
	}
}
