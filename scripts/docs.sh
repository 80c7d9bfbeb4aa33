#!/usr/bin/env bash
# Renders the provider docs with tfplugindocs from the provider's schema. The schema is exported by
# a CLI that knows write-only attributes (Terraform >= 1.11, else OpenTofu, built when missing), so
# docs/ comes out the same whichever CLI a machine has.
#
# Usage: scripts/docs.sh TERRAFORM TOFU TFPLUGINDOCS_MODULE [RENDER_DIR]
#   RENDER_DIR empty: write docs/ in place; otherwise render there (for the staleness check).
set -euo pipefail
terraform="$1" tofu="$2" tfplugindocs="$3" out="${4:-}"
repo="$(cd "$(dirname "$0")/.." && pwd)"

cli="$terraform"
if ! "$repo/scripts/cli-supports-write-only.sh" "$terraform"; then
  [[ -x "$tofu" ]] || "$repo/scripts/build-tofu.sh" 1.12.6 "$tofu" >&2
  cli="$tofu"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/ucprov-docs.XXXXXX")"
trap 'rm -rf "$work"' EXIT
go build -o "$work/plugins/terraform-provider-ucprov" "$repo"
cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "registry.terraform.io/ucprov/ucprov" = "$work/plugins"
  }
  direct {}
}
RC
mkdir "$work/config"
cat >"$work/config/main.tf" <<'TF'
terraform {
  required_providers {
    ucprov = { source = "registry.terraform.io/ucprov/ucprov" }
  }
}
TF
(cd "$work/config" && TF_CLI_CONFIG_FILE="$work/terraformrc" "$cli" providers schema -json) >"$work/schema.json"
# tfplugindocs looks the provider up under its default namespace.
sed -i 's|"registry.terraform.io/ucprov/ucprov"|"registry.terraform.io/hashicorp/ucprov"|' "$work/schema.json"

args=(generate --provider-name ucprov --providers-schema "$work/schema.json")
[[ -n "$out" ]] && args+=(--rendered-website-dir "$out")
cd "$repo"
go run "$tfplugindocs" "${args[@]}"
