#!/usr/bin/env bash
# Prints the provider's version, a semantic version without the "v", as `make build`, `make install`
# and `make release-snapshot` stamp it and as `version = "~> 0.2"` in required_providers matches it:
#
#   - the release tag on HEAD when HEAD is a release (v0.2.0 -> 0.2.0: what a tagged goreleaser build
#     calls it);
#   - else the newest version of CHANGELOG.md ("## 0.2.0 (Unreleased)" -> 0.2.0): the release this
#     tree is working towards. `git describe` alone gives a commit hash in a clone without tags,
#     which no version constraint matches.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
semver='[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?'

if tag="$(git -C "$repo" describe --tags --exact-match --match 'v[0-9]*' HEAD 2>/dev/null)" &&
  [[ "$tag" =~ ^v($semver)$ ]]; then
  echo "${BASH_REMATCH[1]}"
  exit 0
fi

v="$(grep -m1 -E "^## $semver( |$)" "$repo/CHANGELOG.md" | sed -E "s/^## ($semver).*/\1/" || true)"
if [[ -z "$v" ]]; then
  echo "scripts/version.sh: no release tag on HEAD and no '## X.Y.Z' heading in CHANGELOG.md" >&2
  exit 1
fi
echo "$v"
