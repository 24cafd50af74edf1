#!/usr/bin/env bash
# Re-plans the stacks under terraform/community (built from the
# terraform-aws-modules releases in ../shared/community-modules) with
# ../shared/terraform-offline/plan.sh, and writes each stack's committed
# plan.json. The "timestamp" field is dropped and "relevant_attributes"
# (which terraform lists in a different order on each run) is sorted, so that
# re-planning an unchanged stack leaves the file byte-identical (idempotent).
# Usage: scripts/community-plans.sh [NAME...]   (default: every stack)
# LETSLEEP_SHARED_DIR overrides the shared folder (default: ../shared beside
# the repository root, as CI clones it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${LETSLEEP_SHARED_DIR:-$root/../shared}
planner=$shared/terraform-offline/plan.sh
[ -x "$planner" ] || { echo "community-plans: $planner not found; clone shared/ beside the repository or set LETSLEEP_SHARED_DIR" >&2; exit 2; }
command -v jq >/dev/null || { echo "community-plans: jq not found; run make deps" >&2; exit 2; }

cd "$root/terraform/community"
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for d in */; do [ -f "$d/main.tf" ] && names+=("${d%/}"); done
fi
start=$SECONDS
# A stack that fails to plan keeps its old plan.json; the others are still
# normalised, and the failure is the exit status.
rc=0
"$planner" "${names[@]}" || rc=$?
for n in "${names[@]}"; do
  [ -f "$n/plan.json" ] || continue
  jq -c 'del(.timestamp) | if .relevant_attributes then .relevant_attributes |= sort_by(.resource, (.attribute | tojson)) else . end' \
    "$n/plan.json" > "$n/plan.json.tmp" && mv "$n/plan.json.tmp" "$n/plan.json"
done
status=planned; [ $rc -eq 0 ] || status="FAILED (see above); the others normalised"
echo "community-plans: ${#names[@]} stack(s) in $((SECONDS - start)) s: $status"
exit $rc
