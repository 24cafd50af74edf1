#!/usr/bin/env bash
# Regenerates testdata/<case>/plan.json with the real terraform and the AWS
# provider from the local mirror, fully offline (fake keys, var.offline).
# Usage: internal/model/testdata/regen.sh [case...]   (default: every case)
# A case may also be a folder path (other packages' fixtures, e.g.
# internal/graph/testdata/paths).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
rc="$root/build/terraformrc"
[ -f "$rc" ] || "$root/scripts/terraformrc.sh" "$rc"
export TF_CLI_CONFIG_FILE=$rc TF_IN_AUTOMATION=1 TF_VAR_offline=true
export AWS_ACCESS_KEY_ID=offline-fake AWS_SECRET_ACCESS_KEY=offline-fake AWS_REGION=eu-west-1
cases=("$@")
if [ ${#cases[@]} -eq 0 ]; then
  for d in "$here"/*/; do [ -f "$d/main.tf" ] && cases+=("$(basename "$d")"); done
fi
for c in "${cases[@]}"; do
  dir="$here/$c"
  case $c in */*) dir=$(cd "$c" && pwd) ;; esac
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  terraform -chdir="$dir" init -input=false -no-color >/dev/null
  terraform -chdir="$dir" plan -refresh=false -input=false -lock=false -no-color -out "$tmp/tfplan" >/dev/null
  terraform -chdir="$dir" show -json "$tmp/tfplan" | python3 -m json.tool --indent 1 >"$dir/plan.json"
  rm -rf "$dir/.terraform" "$dir/.terraform.lock.hcl"
  echo "regenerated $dir/plan.json"
done
