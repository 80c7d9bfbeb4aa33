#!/usr/bin/env bash
# Builds OpenTofu from source with the Go toolchain (no download site is reachable here): a throw-away
# module that requires OpenTofu with the hcl replace directive of OpenTofu's own go.mod.
# Usage: scripts/build-tofu.sh VERSION OUTPUT
set -euo pipefail
version="${1:?version}"
out="${2:?output path}"
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
work="$(mktemp -d "${TMPDIR:-/tmp}/tofubuild.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$work"
cat > go.mod <<MOD
module tofubuild

go 1.26.6

require github.com/opentofu/opentofu v$version

replace github.com/hashicorp/hcl/v2 v2.20.1 => github.com/opentofu/hcl/v2 v2.20.2-0.20251021132045-587d123c2828
MOD
cat > tools.go <<'GO'
//go:build tools

package tools

import _ "github.com/opentofu/opentofu/cmd/tofu"
GO
go mod tidy
mkdir -p "$(dirname "$out")"
go build -o "$out" github.com/opentofu/opentofu/cmd/tofu
"$out" version
