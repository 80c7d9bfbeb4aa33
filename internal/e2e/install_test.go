package e2e

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ucprov/terraform-provider-ucprov/internal/client"
)

// Install like a released provider (issue 20, item 1): what a new user does in a directory of
// their own, with no dev_overrides and no CLI configuration at all, in a temporary HOME:
//
//  1. `make install` puts the provider into the implied local mirror
//     ~/.terraform.d/plugins/registry.terraform.io/ucprov/ucprov/VERSION/OS_ARCH;
//  2. a second provider sits in the same mirror: hashicorp/local, built from the Go module proxy
//     (the proxy serves it as github.com/terraform-providers/terraform-provider-local v1.4.0, its
//     module path before the move to hashicorp; the v2 releases are not served);
//  3. terraform init (source = "ucprov/ucprov" with a version constraint), plan, apply against a
//     sandbox, and a second plan without changes; a constraint the installed version does not meet
//     fails init, proving the mirror is what init used.
//
// The release archive's layout is tested too: the zip that .goreleaser.yml names, copied as it is
// into the mirror (the packed layout), installs the same way.
func TestInstallLikeARelease(t *testing.T) {
	t.Parallel()
	binaries(t) // skips without TF_ACC; builds the sandbox
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not on PATH")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	version := providerVersion(t)
	osArch := runtime.GOOS + "_" + runtime.GOARCH
	home := t.TempDir()

	// 1. make install into HOME's implied mirror. The Go caches stay the machine's (a new HOME
	// would otherwise rebuild everything and download every module again).
	start := time.Now()
	cmd := exec.CommandContext(ctx, "make", "--no-print-directory", "install")
	cmd.Dir = RepoRoot()
	cmd.Env = userEnv(t, home)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make install: %v\n%s", err, out)
	}
	t.Logf("make install (%s): %s", time.Since(start).Round(time.Millisecond), lastLines(string(out), 2))
	mirror := filepath.Join(home, ".terraform.d", "plugins")
	installed := filepath.Join(mirror, "registry.terraform.io", "ucprov", "ucprov", version, osArch, "terraform-provider-ucprov_v"+version)
	for _, p := range []string{installed, strings.Replace(installed, "registry.terraform.io", "registry.opentofu.org", 1)} {
		if fi, err := os.Stat(p); err != nil || fi.Mode()&0o111 == 0 {
			t.Fatalf("make install did not put an executable at %s: %v", p, err)
		}
	}
	if !strings.Contains(string(out), `version = "~> `) {
		t.Errorf("make install does not say how to use it:\n%s", out)
	}

	// 2. hashicorp/local from the Go proxy, into the same mirror.
	second := installLocalProvider(ctx, t, mirror, osArch)

	// 3. A directory of the user's own: init, plan, apply, plan.
	sb := startSandbox(t, SandboxOptions{})
	wd := userWorkdir(t, home, sb)
	if err := wd.WriteFile("main.tf", gettingStartedConfig("~> "+majorMinor(version), second, "newcomer@acme.example")); err != nil {
		t.Fatal(err)
	}
	res := must(t)(wd.Init(ctx))
	if strings.Contains(res.Output, "CLI configuration") {
		t.Errorf("init read a CLI configuration; the user has none:\n%s", res.Output)
	}
	for _, want := range []string{"Installing ucprov/ucprov v" + version, "Installed ucprov/ucprov v" + version} {
		if !strings.Contains(res.Output, want) {
			t.Errorf("init output lacks %q:\n%s", want, res.Output)
		}
	}
	if second && !strings.Contains(res.Output, "Installed hashicorp/local v1.4.0") {
		t.Errorf("init did not install hashicorp/local from the mirror:\n%s", res.Output)
	}
	lock, err := os.ReadFile(filepath.Join(wd.Dir, ".terraform.lock.hcl"))
	if err != nil || !strings.Contains(string(lock), `provider "registry.terraform.io/ucprov/ucprov"`) ||
		!strings.Contains(string(lock), `version     = "`+version+`"`) {
		t.Errorf("lock file (%v):\n%s", err, lock)
	}
	must(t)(wd.Plan(ctx, "tfplan"))
	must(t)(wd.Apply(ctx, "tfplan"))
	if changes, res, err := wd.PlanChanges(ctx); err != nil || changes {
		t.Fatalf("second plan: changes=%v, %v\n%s", changes, err, res.Output)
	}
	c, err := sb.Client()
	if err != nil {
		t.Fatal(err)
	}
	users, err := c.ListUsers(ctx, sb.EnterpriseID, client.UserFilter{Email: "newcomer@acme.example"})
	if err != nil || len(users) != 1 {
		t.Fatalf("the user in the backend: %v, %v", users, err)
	}
	if second {
		got, err := os.ReadFile(filepath.Join(wd.Dir, "newcomer.txt"))
		if err != nil || string(got) != users[0].ID {
			t.Errorf("local_file wrote %q (%v), want the user's id %s", got, err, users[0].ID)
		}
	}

	// A constraint the installed version does not meet: init fails (no registry is asked).
	other := userWorkdir(t, home, sb)
	if err := other.WriteFile("main.tf", gettingStartedConfig(">= 99.0.0", false, "other@acme.example")); err != nil {
		t.Fatal(err)
	}
	res, err = other.Init(ctx)
	if err != nil || res.ExitCode == 0 || !strings.Contains(res.Output, "ucprov/ucprov") {
		t.Errorf("init with version >= 99.0.0: exit %d, %v\n%s", res.ExitCode, err, res.Output)
	}

	// The release archive (packed layout): the zip goreleaser makes, copied into the mirror.
	t.Run("release archive", func(t *testing.T) {
		name, binary := goreleaserNames(t, version, runtime.GOOS, runtime.GOARCH)
		home2 := t.TempDir()
		dir := filepath.Join(home2, ".terraform.d", "plugins", "registry.terraform.io", "ucprov", "ucprov")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		writeZip(t, filepath.Join(dir, name+".zip"), binary, installed)
		wd := userWorkdir(t, home2, sb)
		if err := wd.WriteFile("main.tf", gettingStartedConfig("~> "+majorMinor(version), false, "archive@acme.example")); err != nil {
			t.Fatal(err)
		}
		res := must(t)(wd.Init(ctx))
		if !strings.Contains(res.Output, "Installed ucprov/ucprov v"+version) {
			t.Errorf("init output:\n%s", res.Output)
		}
		if changes, res, err := wd.PlanChanges(ctx); err != nil || !changes || !strings.Contains(res.Output, "ucprov_user.newcomer will be created") {
			t.Fatalf("plan: changes=%v, %v\n%s", changes, err, res.Output)
		}
	})
}

// providerVersion is what `make install` installs (scripts/version.sh).
func providerVersion(t *testing.T) string {
	t.Helper()
	out, err := exec.Command(filepath.Join(RepoRoot(), "scripts", "version.sh")).Output()
	if err != nil {
		t.Fatalf("scripts/version.sh: %v", err)
	}
	v := strings.TrimSpace(string(out))
	if strings.Count(v, ".") < 2 {
		t.Fatalf("scripts/version.sh printed %q, not a semantic version", v)
	}
	return v
}

func majorMinor(v string) string { return v[:strings.LastIndex(v, ".")] }

// userEnv is the environment of a user whose HOME is home and who has no CLI configuration: no
// TF_CLI_CONFIG_FILE (so ~/.terraformrc of home, which does not exist), no plugin cache, no
// XDG data directory outside home; the Go caches stay the machine's.
func userEnv(t *testing.T, home string) []string {
	t.Helper()
	goEnv := map[string]string{}
	for _, k := range []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOENV"} {
		out, err := exec.Command(goBinary(), "env", k).Output()
		if err != nil {
			t.Fatalf("go env %s: %v", k, err)
		}
		goEnv[k] = strings.TrimSpace(string(out))
	}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case k == "HOME" || k == "VERSION" || k == "XDG_DATA_HOME" || k == "XDG_CONFIG_HOME" || k == "MAKEFLAGS" || k == "MFLAGS" || k == "MAKELEVEL":
		case strings.HasPrefix(k, "TF_") || goEnv[k] != "":
		default:
			env = append(env, kv)
		}
	}
	// Set empty rather than left out: Workdir.Start adds the test process's environment first.
	env = append(env, "HOME="+home, "XDG_DATA_HOME="+filepath.Join(home, ".local", "share"),
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "TF_CLI_CONFIG_FILE=", "TF_PLUGIN_CACHE_DIR=",
		"TF_DATA_DIR=", "TF_LOG=", "TF_LOG_PATH=", "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0")
	for k, v := range goEnv {
		env = append(env, k+"="+v)
	}
	return env
}

// userWorkdir is a working directory with userEnv and the sandbox's UCPROV_* variables.
func userWorkdir(t *testing.T, home string, sb *Sandbox) *Workdir {
	t.Helper()
	tf, err := TerraformPath()
	if err != nil {
		t.Fatal(err)
	}
	return &Workdir{Dir: t.TempDir(), Terraform: tf, Env: append(userEnv(t, home), sb.Env()...)}
}

func goBinary() string {
	if g := os.Getenv("GO"); g != "" {
		return g
	}
	return "go"
}

// installLocalProvider builds hashicorp/local from the Go module proxy into the mirror
// (registry.terraform.io/hashicorp/local/1.4.0/OS_ARCH/terraform-provider-local_v1.4.0) and
// reports whether it could; without it the test goes on with terraform_data alone, and says so.
func installLocalProvider(ctx context.Context, t *testing.T, mirror, osArch string) bool {
	t.Helper()
	gobin := t.TempDir()
	start := time.Now()
	cmd := exec.CommandContext(ctx, goBinary(), "install", "github.com/terraform-providers/terraform-provider-local@v1.4.0")
	cmd.Env = append(os.Environ(), "GOBIN="+gobin, "GOFLAGS=-mod=mod", "GOWORK=off")
	cmd.Dir = gobin // outside this module
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Logf("hashicorp/local could not be built from the Go proxy, so terraform_data stands in for the second provider: %v\n%s",
			err, lastLines(string(out), 5))
		return false
	}
	t.Logf("built hashicorp/local v1.4.0 from the Go proxy in %s", time.Since(start).Round(time.Millisecond))
	dir := filepath.Join(mirror, "registry.terraform.io", "hashicorp", "local", "1.4.0", osArch)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(gobin, "terraform-provider-local"), filepath.Join(dir, "terraform-provider-local_v1.4.0")); err != nil {
		t.Fatal(err)
	}
	return true
}

// gettingStartedConfig is the README's Getting started, shortened: one user, and (with local) a
// file written by hashicorp/local beside it; terraform_data always.
func gettingStartedConfig(constraint string, local bool, email string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `terraform {
  required_providers {
    ucprov = {
      source  = "ucprov/ucprov"
      version = %q
    }
`, constraint)
	if local {
		b.WriteString(`    local = {
      source  = "hashicorp/local"
      version = "~> 1.4"
    }
`)
	}
	b.WriteString(`  }
}

provider "ucprov" {} # UCPROV_ENDPOINT, UCPROV_TOKEN, UCPROV_ENTERPRISE_ID

resource "ucprov_user" "newcomer" {
  group_id   = "grp_denver"
  first_name = "New"
  last_name  = "Comer"
  email      = "` + email + `"
  time_zone  = "America/Denver"
}

resource "terraform_data" "newcomer" {
  input = ucprov_user.newcomer.id
}
`)
	if local {
		b.WriteString(`
resource "local_file" "newcomer" {
  filename = "${path.module}/newcomer.txt"
  content  = ucprov_user.newcomer.id
}
`)
	}
	return b.String()
}

// goreleaserNames are the archive's name (without .zip) and the binary's name inside it, from
// .goreleaser.yml's templates, so that the test follows the release configuration.
func goreleaserNames(t *testing.T, version, goos, goarch string) (archive, binary string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(RepoRoot(), ".goreleaser.yml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(data)
	const (
		archiveTmpl = `name_template: "{{ .ProjectName }}_{{ .Version }}_{{ .Os }}_{{ .Arch }}"`
		binaryTmpl  = `binary: "{{ .ProjectName }}_v{{ .Version }}"`
	)
	for _, want := range []string{archiveTmpl, binaryTmpl, "project_name: terraform-provider-ucprov", "formats: [zip]"} {
		if !strings.Contains(cfg, want) {
			t.Fatalf(".goreleaser.yml no longer has %s: update this test with the new layout", want)
		}
	}
	return fmt.Sprintf("terraform-provider-ucprov_%s_%s_%s", version, goos, goarch), "terraform-provider-ucprov_v" + version
}

// writeZip writes a zip at path holding the file src as name (executable), as goreleaser does.
func writeZip(t *testing.T, path, name, src string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	zw := zip.NewWriter(f)
	hdr := &zip.FileHeader{Name: name, Method: zip.Deflate}
	hdr.SetMode(0o755)
	w, err := zw.CreateHeader(hdr)
	if err != nil {
		t.Fatal(err)
	}
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = in.Close() }()
	if _, err := io.Copy(w, in); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
