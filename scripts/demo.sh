#!/usr/bin/env bash
# The quick start: start the sandbox on a free port with a temporary file database, apply
# examples/quickstart with the locally built provider (dev_overrides), print what was created,
# check that a second plan has no changes, print the activation status, and stop the sandbox.
# No network beyond loopback.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
terraform="${TERRAFORM:-terraform}"
work="$(mktemp -d "${TMPDIR:-/tmp}/ucprov-demo.XXXXXX")"
sandbox_pid=""

cleanup() {
  if [[ -n "$sandbox_pid" ]] && kill -0 "$sandbox_pid" 2>/dev/null; then
    kill -TERM "$sandbox_pid" && wait "$sandbox_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "==> building the sandbox"
go build -o "$work/ucprov-sandbox" "$repo/internal/sandbox/cmd/ucprov-sandbox"

echo "==> starting the sandbox (database $work/sandbox.db)"
"$work/ucprov-sandbox" --listen 127.0.0.1:0 --db "$work/sandbox.db" --seed demo \
  --job-tick 100ms --env-file "$work/sandbox.env" >"$work/sandbox.out" 2>"$work/sandbox.log" &
sandbox_pid=$!
for _ in $(seq 1 100); do
  [[ -s "$work/sandbox.env" ]] && break
  if ! kill -0 "$sandbox_pid" 2>/dev/null; then cat "$work/sandbox.log" >&2; exit 1; fi
  sleep 0.1
done
# shellcheck disable=SC1091
source "$work/sandbox.env"
# The platform the provider talks to the sandbox through: broadworks (OCI-P + Webex for
# BroadWorks, the default), wholesale (Webex for Wholesale + Webex Calling) or ucprov (the
# reference contract). `make demo PLATFORM=ucprov` picks another.
export UCPROV_PLATFORM="${PLATFORM:-broadworks}"
case "$UCPROV_PLATFORM" in
  broadworks) echo "    platform broadworks: OCI-P at $UCPROV_BROADWORKS_ENDPOINT as $UCPROV_BROADWORKS_USERNAME, Webex at $WEBEX_BASE_URL" ;;
  wholesale)  echo "    platform wholesale: Webex at $WEBEX_BASE_URL" ;;
  *)          echo "    platform $UCPROV_PLATFORM: UCPROV_ENDPOINT=$UCPROV_ENDPOINT" ;;
esac
echo "    UCPROV_ENTERPRISE_ID=$UCPROV_ENTERPRISE_ID"

# A CLI configuration of our own: the provider comes from ./bin, nothing is downloaded.
cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "registry.terraform.io/ucprov/ucprov" = "$repo/bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

# The quick start on broadworks and ucprov; on wholesale (User Hub: no Integrated IM&P, locations
# are Webex ids) the onboarding of the Paris site, examples/onboard-site.
example=quickstart
vars=()
if [[ "$UCPROV_PLATFORM" == wholesale ]]; then
  example=onboard-site
  paris="$("$work/ucprov-sandbox" --print-webex-location grp_paris)"
  vars=(-var "group_id=$paris" -var "invitations_per_group=false")
fi
cp -r "$repo/examples/$example" "$work/$example"
cd "$work/$example"

echo "==> terraform apply"
set +e
"$terraform" apply -auto-approve -input=false -no-color "${vars[@]}" >"$work/apply.txt" 2>&1
code=$?
set -e
grep -v -e 'Provider development overrides' -e 'dev_overrides' -e '^ - registry' -e 'The behavior may therefore' \
  -e 'published releases' -e '^│ *$' "$work/apply.txt" || true
if [[ $code -ne 0 ]]; then
  echo "demo failed: terraform apply exited with $code" >&2
  exit 1
fi

echo "==> created"
if "$terraform" output users >/dev/null 2>&1; then
  "$terraform" output -no-color users
else
  "$terraform" output -no-color
fi

echo "==> second plan (must say: No changes)"
set +e
"$terraform" plan -detailed-exitcode -input=false -no-color "${vars[@]}" >"$work/plan2.txt" 2>&1
code=$?
set -e
if [[ $code -ne 0 ]] || ! grep -q "No changes" "$work/plan2.txt"; then
  cat "$work/plan2.txt"
  echo "demo failed: the second plan is not empty (exit code $code)" >&2
  exit 1
fi
grep "No changes" "$work/plan2.txt"

if "$terraform" output -raw invitations >/dev/null 2>&1; then
  echo "==> invitations (ucprov_invitations: everyone of the enterprise not active yet was emailed)"
  "$terraform" output -raw invitations
  echo
fi

if "$terraform" output -raw activation_status >/dev/null 2>&1; then
  echo "==> activation status (the portal's report, from data.ucprov_activation_status)"
  "$terraform" output -raw activation_status
  echo
fi
echo "==> done; stopping the sandbox"
