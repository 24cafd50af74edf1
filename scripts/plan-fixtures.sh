#!/usr/bin/env bash
# Plans the reference stack and every wrong-wiring example offline and writes
# build/plans/<name>.json (terraform show -json). The reference plan is named
# "reference"; examples keep their folder name.
# Usage: scripts/plan-fixtures.sh [NAME...]   (default: all)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${LETSLEEP_PLANS_DIR:-$root/build/plans}
jobs=${LETSLEEP_PLAN_JOBS:-2}
rc=$root/build/terraformrc
[ -f "$rc" ] || "$root/scripts/terraformrc.sh" "$rc"
command -v terraform >/dev/null || { echo "plan-fixtures: terraform not found; run make deps" >&2; exit 1; }

declare -A dirs=([reference]=$root/terraform/stacks/reference)
for d in "$root"/terraform/examples/*/; do
  dirs[$(basename "$d")]=${d%/}
done
names=("$@")
[ ${#names[@]} -gt 0 ] || names=("${!dirs[@]}")

mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

export TF_CLI_CONFIG_FILE=$rc TF_IN_AUTOMATION=1 TF_INPUT=0 TF_VAR_offline=true
export AWS_ACCESS_KEY_ID=offline-fake AWS_SECRET_ACCESS_KEY=offline-fake AWS_REGION=eu-west-1

plan_one() { # NAME DIR
  local name=$1 dir=$2 log=$work/$1.log
  # A private data dir keeps .terraform out of the source tree and lets
  # several runs plan the same folder at once.
  export TF_DATA_DIR=$work/$name.data
  if terraform -chdir="$dir" init -input=false -no-color -lockfile=readonly >"$log" 2>&1 \
    || terraform -chdir="$dir" init -input=false -no-color >>"$log" 2>&1; then
    if terraform -chdir="$dir" plan -input=false -no-color -refresh=false -lock=false -out="$work/$name.tfplan" >>"$log" 2>&1 \
      && terraform -chdir="$dir" show -json "$work/$name.tfplan" >"$work/$name.json" 2>>"$log"; then
      mv "$work/$name.json" "$out/$name.json"
      echo "plan-fixtures: wrote $out/$name.json"
      return 0
    fi
  fi
  echo "plan-fixtures: $name ($dir) failed; the end of terraform's output:" >&2
  grep -v '^\s*$' "$log" | tail -n 25 >&2
  return 1
}
export -f plan_one
export work out

# The first init fills the plugin cache; later ones only link from it.
first=${names[0]}
plan_one "$first" "${dirs[$first]}"
for n in "${names[@]:1}"; do
  [ -n "${dirs[$n]:-}" ] || { echo "plan-fixtures: unknown stack $n" >&2; exit 2; }
  printf '%s\0%s\0' "$n" "${dirs[$n]}"
done | xargs -0 -r -n 2 -P "$jobs" bash -c 'plan_one "$0" "$1"'
