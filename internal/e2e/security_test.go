package e2e

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ucprov/terraform-provider-ucprov/internal/platform"
	"github.com/ucprov/terraform-provider-ucprov/internal/rules"
	"github.com/ucprov/terraform-provider-ucprov/internal/sandbox"
)

// Write-only secrets leave nothing derived from them in the state file, attributes or private
// state: no value, no hash (a salted SHA-256 of a 6-digit passcode is searched in half a second),
// no key that exists only because a secret was set. The "not the last passcode" rule of the
// write-only variant is then the backend's, at apply time.
func TestSecurityWriteOnlySecretsLeaveNothingInState(t *testing.T) {
	t.Parallel()
	forEachPlatform(t, SandboxOptions{}, testWriteOnlySecrets)
}

func testWriteOnlySecrets(t *testing.T, sb *Sandbox) {
	ctx := context.Background()
	wd := workdir(t, sb)
	if res, err := wd.Exec(ctx, "version"); err != nil || !writeOnlyCLI.MatchString(res.Output) {
		t.Skipf("write-only attributes need Terraform or OpenTofu >= 1.11: %s", res.Output)
	}
	const passcode, password = "135790", "Str0ng!pass"
	group := sandbox.DemoGroupDenver
	if sb.Platform() == platform.NameWholesale {
		group = sandbox.DemoWebexLocation(group) // a wholesale user's group is its Webex Calling location
	}
	// Wholesale has no portal password (Webex users sign in with their Webex account): the plan
	// refuses portal_password_wo there, so only the passcode is set.
	withPassword := sb.Counter(OpSetPassword) != ""
	user := func(name, secrets string) string {
		return `
resource "ucprov_user" "` + name + `" {
  group_id   = "` + group + `"
  first_name = "Wo"
  last_name  = "` + name + `"
  email      = "` + name + `@acme.example"
` + secrets + `}
`
	}
	secrets := func(p string, v int) string {
		s := "  voicemail_passcode_wo = \"" + p + "\"\n  voicemail_passcode_wo_version = " + string(rune('0'+v)) + "\n"
		if withPassword {
			s += "  portal_password_wo = \"" + password + "\"\n  portal_password_wo_version = 1\n"
		}
		return s
	}
	head := Config{Platform: sb.Platform()}.HCL()
	head = head[:strings.Index(head, "locals {")]
	if err := wd.WriteFile("main.tf", head+user("with", secrets(passcode, 1))+user("without", "")); err != nil {
		t.Fatal(err)
	}
	must(t)(wd.Apply(ctx))
	m, err := sb.Metrics(ctx)
	wantPasswords := int64(0)
	if withPassword {
		wantPasswords = 1
	}
	if err != nil || sb.Count(m, OpSetPasscode) != 1 || sb.Count(m, OpSetPassword) != wantPasswords {
		t.Fatalf("the secrets were not written: %v (%v)", m, err)
	}

	raw, err := os.ReadFile(filepath.Join(wd.Dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	var state struct {
		Resources []struct {
			Name      string `json:"name"`
			Instances []struct {
				Attributes json.RawMessage `json:"attributes"`
				Private    string          `json:"private"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(raw, &state); err != nil {
		t.Fatal(err)
	}
	privateKeys := map[string][]string{}
	var everything []string // every string in the state, decoded, where a derived value could hide
	for _, r := range state.Resources {
		for _, in := range r.Instances {
			everything = append(everything, string(in.Attributes))
			collectStrings(in.Attributes, &everything)
			if in.Private == "" {
				continue
			}
			priv, err := base64.StdEncoding.DecodeString(in.Private)
			if err != nil {
				t.Fatal(err)
			}
			everything = append(everything, string(priv))
			var keys map[string]string // the framework's private state: key → base64 value
			if json.Unmarshal(priv, &keys) == nil {
				for k, v := range keys {
					privateKeys[r.Name] = append(privateKeys[r.Name], k)
					if dec, err := base64.StdEncoding.DecodeString(v); err == nil {
						everything = append(everything, string(dec))
						collectStrings(dec, &everything)
					}
				}
			}
		}
	}
	if len(privateKeys["without"]) == 0 && len(privateKeys["with"]) == 0 {
		t.Log("no private state at all")
	}
	// The same private keys with and without secrets: none exists because of a secret.
	if strings.Join(sorted(privateKeys["with"]), ",") != strings.Join(sorted(privateKeys["without"]), ",") {
		t.Errorf("private state keys with secrets %v, without %v", sorted(privateKeys["with"]), sorted(privateKeys["without"]))
	}
	for _, s := range everything {
		for _, secret := range []string{passcode, password, rules.Reverse(passcode)} {
			if strings.Contains(s, secret) {
				t.Errorf("the state holds a secret: %.200s", s)
			}
		}
	}
	// The attack of the review: any string of the state as salt, the passcode's salted SHA-256.
	for _, salt := range everything {
		h := rules.HashPasscode(salt, passcode)
		for _, s := range everything {
			if strings.Contains(s, h) {
				t.Fatalf("the state holds the salted SHA-256 of the passcode (salt %.40q): the passcode is recoverable by search", salt)
			}
		}
	}

	// The last passcode again, with a new version: the plan cannot know it, the backend refuses it
	// at apply time naming the attribute, and nothing else changes. Every platform has the rule
	// (the reference's passcode_reused; BroadWorks' portal passcode rules "disallow old passcode",
	// refused as an OCI-P error; Webex Calling's location passcode rules, refused as a 400), each
	// refusing in its own words, which the provider passes on.
	if err := wd.WriteFile("main.tf", head+user("with", secrets(passcode, 2))+user("without", "")); err != nil {
		t.Fatal(err)
	}
	res, err := wd.Apply(ctx)
	if err != nil {
		t.Fatal(err)
	}
	refusal := map[string][]string{
		platform.NameUCProv:     {"passcode_reused"},
		platform.NameBroadWorks: {"ocip: UserPortalPasscodeModifyRequest: [Error 19004] Passcode rule violation: passcode must not be the previous passcode"},
		platform.NameWholesale:  {"webex api error 400", "Invalid passcode: passcode must not be the previous passcode"},
	}[platformName(sb)]
	out := flat(res.Output)
	if res.ExitCode == 0 || !strings.Contains(out, "Set voicemail_passcode_wo") || !containsAll(out, refusal) {
		t.Errorf("re-using the last passcode: exit %d, want the refusal %q\n%s", res.ExitCode, refusal, res.Output)
	}
	if err := wd.WriteFile("main.tf", head+user("with", secrets("246813", 2))+user("without", "")); err != nil {
		t.Fatal(err)
	}
	must(t)(wd.Apply(ctx))
	planEmpty(ctx, t, wd)

	// A state written by an earlier version (a fingerprint in private state) is cleaned by a refresh.
	plantPrivateKey(t, filepath.Join(wd.Dir, "terraform.tfstate"), "with", "voicemail_passcode",
		`{"salt":"00","hash":"`+rules.HashPasscode("00", "246813")+`"}`)
	if keys := privateKeysOf(t, filepath.Join(wd.Dir, "terraform.tfstate"), "with"); !strings.Contains(keys, "voicemail_passcode") {
		t.Fatalf("planting the legacy key failed: %q", keys)
	}
	must(t)(wd.Exec(ctx, "apply", "-refresh-only", "-auto-approve", "-input=false"))
	if keys := privateKeysOf(t, filepath.Join(wd.Dir, "terraform.tfstate"), "with"); strings.Contains(keys, "voicemail_passcode") {
		t.Errorf("a refresh kept the legacy passcode fingerprint: private keys %q", keys)
	}
}

// plantPrivateKey adds key=value to the private state of resource name in a state file.
func plantPrivateKey(t *testing.T, path, name, key, value string) {
	t.Helper()
	editState(t, path, name, func(priv map[string]string) {
		priv[key] = base64.StdEncoding.EncodeToString([]byte(value))
	})
}

// privateKeysOf lists the private state keys of resource name, comma-separated.
func privateKeysOf(t *testing.T, path, name string) string {
	t.Helper()
	var keys []string
	editState(t, path, name, func(priv map[string]string) {
		for k := range priv {
			keys = append(keys, k)
		}
	})
	return strings.Join(sorted(keys), ",")
}

// editState runs f on the decoded private state of resource name and writes the result back
// (serial bumped so the CLI accepts it).
func editState(t *testing.T, path, name string, f func(map[string]string)) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var st map[string]any
	if err := json.Unmarshal(raw, &st); err != nil {
		t.Fatal(err)
	}
	for _, r := range st["resources"].([]any) {
		r := r.(map[string]any)
		if r["name"] != name {
			continue
		}
		for _, in := range r["instances"].([]any) {
			in := in.(map[string]any)
			priv := map[string]string{}
			if p, _ := in["private"].(string); p != "" {
				b, err := base64.StdEncoding.DecodeString(p)
				if err != nil {
					t.Fatal(err)
				}
				if err := json.Unmarshal(b, &priv); err != nil {
					t.Fatal(err)
				}
			}
			f(priv)
			b, err := json.Marshal(priv)
			if err != nil {
				t.Fatal(err)
			}
			in["private"] = base64.StdEncoding.EncodeToString(b)
		}
	}
	st["serial"] = st["serial"].(float64) + 1
	out, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
}

var writeOnlyCLI = regexp.MustCompile(`(Terraform|OpenTofu) v1\.(1[1-9]|[2-9][0-9])\.`)

// collectStrings appends every string value of a JSON document.
func collectStrings(doc []byte, out *[]string) {
	var v any
	if json.Unmarshal(doc, &v) != nil {
		return
	}
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			*out = append(*out, x)
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
}

func sorted(ss []string) []string {
	out := append([]string(nil), ss...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}
