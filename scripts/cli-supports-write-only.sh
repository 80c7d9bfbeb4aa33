#!/usr/bin/env bash
# Exit 0 when the Terraform/OpenTofu CLI given as $1 supports write-only attributes (>= 1.11).
set -euo pipefail
v="$("$1" version 2>/dev/null | grep -m1 -E '^(Terraform|OpenTofu) v' | sed -E 's/^[A-Za-z]+ v([0-9]+)\.([0-9]+).*/\1 \2/')"
read -r major minor <<<"$v"
[[ "$major" -gt 1 || ( "$major" -eq 1 && "$minor" -ge 11 ) ]]
