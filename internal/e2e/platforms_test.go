package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
	"github.com/ucprov/terraform-provider-ucprov/internal/platform/ucprov"
	"github.com/ucprov/terraform-provider-ucprov/internal/platform/wholesale"
	"github.com/ucprov/terraform-provider-ucprov/internal/webex"
)

// e2ePlatforms are the platforms a per-platform end-to-end test runs on (one subtest each): all
// three, or only $UCPROV_E2E_PLATFORM when it is set (make reliability runs one platform at a time).
func e2ePlatforms() []string {
	if p := os.Getenv("UCPROV_E2E_PLATFORM"); p != "" {
		return []string{p}
	}
	return []string{platform.NameUCProv, platform.NameBroadWorks, platform.NameWholesale}
}

// forEachPlatform runs f as a subtest per platform of e2ePlatforms, each with its own sandbox
// speaking that platform (the sandbox's env file gives the provider its credentials).
func forEachPlatform(t *testing.T, opts SandboxOptions, f func(t *testing.T, sb *Sandbox)) {
	t.Helper()
	for _, name := range e2ePlatforms() {
		t.Run(name, func(t *testing.T) {
			o := opts
			o.Platform = name
			f(t, startSandbox(t, o))
		})
	}
}

// wirePlatform is sb's platform as a new provider process has it, over that platform's own wire
// API (the reference REST API, OCI-P and Webex for BroadWorks, or Webex for Wholesale and Webex
// Calling), with the credentials of the sandbox's env file: what a change made outside Terraform
// goes through.
func wirePlatform(t *testing.T, sb *Sandbox) platform.Platform {
	t.Helper()
	switch sb.Platform() {
	case platform.NameBroadWorks:
		return broadworksPlatform(t, sb)
	case platform.NameWholesale:
		env := sb.platformEnv
		p, err := wholesale.New(wholesale.Config{Client: webex.Config{BaseURL: env["WEBEX_BASE_URL"], Token: env["WEBEX_ACCESS_TOKEN"],
			MaxRetries: 4, RetryWaitMin: 10 * time.Millisecond, RetryWaitMax: 200 * time.Millisecond}})
		if err != nil {
			t.Fatal(err)
		}
		return p
	default:
		c, err := sb.Client()
		if err != nil {
			t.Fatal(err)
		}
		return ucprov.Wrap(c)
	}
}

// stateIDs maps the instance keys of resource typ.name in the working directory's state file to
// their id attribute (ucprov_user.u: "u3" → the user's id on its platform).
func stateIDs(t *testing.T, wd *Workdir, typ, name string) map[string]string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(wd.Dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Resources []struct {
			Type, Name string
			Instances  []struct {
				IndexKey   any `json:"index_key"`
				Attributes struct {
					ID string `json:"id"`
				} `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(raw, &st); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range st.Resources {
		if r.Type != typ || r.Name != name {
			continue
		}
		for _, in := range r.Instances {
			k, _ := in.IndexKey.(string)
			out[k] = in.Attributes.ID
		}
	}
	return out
}

// sumRoutes is the sum of the counters of routes in m.
func sumRoutes(m map[string]int64, routes ...string) int64 {
	var n int64
	for _, r := range routes {
		n += m[r]
	}
	return n
}

// delta is after − before per counter (counters that did not move are left out).
func delta(before, after map[string]int64) map[string]int64 {
	out := map[string]int64{}
	for k, v := range after {
		if d := v - before[k]; d != 0 {
			out[k] = d
		}
	}
	return out
}

// platformName is sb's platform by name (the reference's is "ucprov").
func platformName(sb *Sandbox) string {
	if sb.Platform() == "" {
		return platform.NameUCProv
	}
	return sb.Platform()
}

// containsAll reports whether s contains every one of subs.
func containsAll(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
