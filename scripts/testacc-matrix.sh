#!/usr/bin/env bash
# Runs the acceptance suite once per CLI and prints a table of the results.
# Usage: scripts/testacc-matrix.sh NAME=PATH... (e.g. terraform-1.5.7=./bin/terraform-1.5.7/terraform)
# A NAME starting with "tofu" runs with TF_ACC_PROVIDER_HOST=registry.opentofu.org. Logs go to
# .tmp/matrix/NAME.log; the table to .tmp/matrix/results.md. Exits non-zero when a run failed.
# Environment: GO (go), TEST_TIMEOUT (30m), TEST_PARALLEL (4), MATRIX_PACKAGES (./internal/provider/...),
# MATRIX_RUN (a -run pattern; default all).
set -uo pipefail
go="${GO:-go}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
out="$repo/.tmp/matrix"
mkdir -p "$out"
results="$out/results.md"
{
  echo "| CLI | version | passed | failed | skipped | time | result |"
  echo "|---|---|---|---|---|---|---|"
} >"$results"
status=0
for spec in "$@"; do
  name="${spec%%=*}" cli="${spec#*=}"
  log="$out/$name.log"
  if [[ ! -x "$cli" ]]; then
    echo "| $name | missing: $cli | | | | | not run |" >>"$results"
    status=1
    continue
  fi
  version="$("$cli" version 2>/dev/null | head -1)"
  host=()
  [[ "$name" == tofu* ]] && host=(TF_ACC_PROVIDER_HOST=registry.opentofu.org)
  echo "== $name ($version): acceptance suite" >&2
  start=$SECONDS
  (cd "$repo" && env TF_ACC=1 TF_ACC_TERRAFORM_PATH="$cli" "${host[@]}" \
    "$go" test -count=1 -v -timeout "${TEST_TIMEOUT:-30m}" -parallel "${TEST_PARALLEL:-4}" \
    ${MATRIX_RUN:+-run "$MATRIX_RUN"} ${MATRIX_PACKAGES:-./internal/provider/...}) >"$log" 2>&1
  rc=$?
  secs=$((SECONDS - start))
  # Top-level tests only (subtests are indented).
  passed=$(grep -c '^--- PASS' "$log")
  failed=$(grep -c '^--- FAIL' "$log")
  skipped=$(grep -c '^--- SKIP' "$log")
  result=ok
  if [[ $rc -ne 0 ]]; then
    result="FAIL (exit $rc): $(grep '^--- FAIL' "$log" | awk '{print $3}' | tr '\n' ' ')"
    status=1
  fi
  echo "| $name | ${version#* } | $passed | $failed | $skipped | $((secs / 60))m$((secs % 60))s | $result |" >>"$results"
done
cat "$results"
exit $status
