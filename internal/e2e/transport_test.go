package e2e

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// Transport errors at plan time through the real CLI (issue 20, item 2): a wrong port, a misspelt
// host, https:// to a plain server, http:// to a TLS server and a server that is not the API
// each fail the plan within seconds (they took about 30 s of retries before), with the URL and the
// cause in the error, and never as "the token belongs to another enterprise".
func TestTransportErrorsAtPlan(t *testing.T) {
	t.Parallel()
	binaries(t)

	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := closed.Addr().String()
	_ = closed.Close()

	plain := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(plain.Close)
	tlsSrv := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(tlsSrv.Close)
	webexLike := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("TrackingID", "ROUTER_0123")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"message":"The requested resource could not be found.","errors":[{"description":"The requested resource could not be found."}],"trackingId":"ROUTER_0123"}`)
	}))
	t.Cleanup(webexLike.Close)

	for _, tc := range []struct {
		name, endpoint string
		want           []string
	}{
		{"wrong port", "http://" + closedAddr,
			[]string{"http://" + closedAddr + "/v1/enterprises/ent_acme", "connection refused"}},
		{"misspelt host", "https://api.ucprov-test.invalid",
			[]string{"https://api.ucprov-test.invalid/v1/enterprises/ent_acme", "unknown host"}},
		{"https to a plain server", "https://" + plain.Listener.Addr().String(),
			[]string{"https://" + plain.Listener.Addr().String() + "/v1/enterprises/ent_acme", "speaks plain http"}},
		{"http to a tls server", "http://" + tlsSrv.Listener.Addr().String(),
			[]string{"http://" + tlsSrv.Listener.Addr().String() + "/v1/enterprises/ent_acme", "speaks https"}},
		{"not the api", webexLike.URL,
			[]string{webexLike.URL + "/v1/enterprises/ent_acme", "404", "not an answer of the provisioning API"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if strings.Contains(tc.endpoint, ".invalid") {
				var dnsErr *net.DNSError
				if _, err := net.DefaultResolver.LookupHost(context.Background(), "api.ucprov-test.invalid"); !errors.As(err, &dnsErr) || !dnsErr.IsNotFound {
					t.Skipf("this machine's resolver does not answer NXDOMAIN for .invalid: %v", err)
				}
			}
			wd := workdir(t, nil)
			if err := wd.WriteFile("main.tf", fmt.Sprintf(`terraform {
  required_providers {
    ucprov = { source = "ucprov/ucprov" }
  }
}

provider "ucprov" {
  endpoint      = %q
  token         = "tok-e2e-not-a-real-token"
  enterprise_id = "ent_acme"
}

resource "ucprov_user" "ada" {
  group_id   = "grp_denver"
  first_name = "Ada"
  last_name  = "Lovelace"
}
`, tc.endpoint)); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			res, err := wd.Plan(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			// The CLI itself takes a second or two; retries used to take about 30 s more.
			if res.ExitCode != 1 || res.Duration > 15*time.Second {
				t.Errorf("plan: exit %d after %s, want a failure within seconds\n%s", res.ExitCode, res.Duration.Round(time.Millisecond), res.Output)
			}
			out := strings.Join(strings.Fields(strings.ReplaceAll(res.Output, "│", " ")), " ") // unwrap the CLI's lines
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("the error does not say %q:\n%s", w, res.Output)
				}
			}
			for _, never := range []string{"another enterprise", "giving up after", "tok-e2e-not-a-real-token"} {
				if strings.Contains(out, never) {
					t.Errorf("the error says %q:\n%s", never, res.Output)
				}
			}
			t.Logf("%s: failed after %s", tc.name, res.Duration.Round(time.Millisecond))
		})
	}
}
