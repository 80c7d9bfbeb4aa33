// Command lockcheck fails when an npm package-lock.json does not pin its whole tree: every package
// in it (lockfileVersion 2 or 3, the "packages" map) must have a `resolved` https URL on the npm
// registry and an sha512 `integrity`, so that `npm ci` installs exactly the recorded, checked
// tarballs. `make lint` runs it on tools/redocly/package-lock.json.
//
//	go run ./tools/lockcheck tools/redocly/package-lock.json
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// registry is the only origin a locked tarball may come from.
const registry = "https://registry.npmjs.org/"

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "lockcheck:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: lockcheck package-lock.json [package-lock.json]")
	}
	for _, path := range args {
		b, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("read lockfile: %w", err)
		}
		n, err := check(b)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		_, _ = fmt.Fprintf(stdout, "%s: %d packages, each with resolved and integrity\n", path, n)
	}
	return nil
}

type lockfile struct {
	LockfileVersion int                    `json:"lockfileVersion"`
	Packages        map[string]lockPackage `json:"packages"`
}

type lockPackage struct {
	Version   string `json:"version"`
	Resolved  string `json:"resolved"`
	Integrity string `json:"integrity"`
	Link      bool   `json:"link"`
}

// check returns the number of locked packages, or an error that lists every package that is not
// pinned (the root project, key "", is the only one without a tarball).
func check(b []byte) (int, error) {
	var lf lockfile
	if err := json.Unmarshal(b, &lf); err != nil {
		return 0, fmt.Errorf("parse lockfile: %w", err)
	}
	if lf.LockfileVersion < 2 || lf.Packages == nil {
		return 0, fmt.Errorf("lockfileVersion %d without a packages map: regenerate with npm >= 7", lf.LockfileVersion)
	}
	var problems []string
	n := 0
	for key, p := range lf.Packages {
		if key == "" {
			continue
		}
		n++
		var missing []string
		switch {
		case p.Link:
			missing = append(missing, "is a link, not a registry tarball")
		case p.Resolved == "":
			missing = append(missing, "no resolved")
		case !strings.HasPrefix(p.Resolved, registry):
			missing = append(missing, "resolved "+p.Resolved+" is not on "+registry)
		}
		switch {
		case p.Integrity == "":
			missing = append(missing, "no integrity")
		case !strings.HasPrefix(p.Integrity, "sha512-"):
			missing = append(missing, "integrity is not sha512")
		}
		if p.Version == "" {
			missing = append(missing, "no version")
		}
		if len(missing) > 0 {
			problems = append(problems, key+": "+strings.Join(missing, ", "))
		}
	}
	if n == 0 {
		return 0, errors.New("no packages locked")
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return n, fmt.Errorf("%d of %d packages are not pinned (run npm install --package-lock-only and commit the lockfile):\n  %s",
			len(problems), n, strings.Join(problems, "\n  "))
	}
	return n, nil
}
