#!/usr/bin/env bash
# Tenants linearity (issue 14) inside make bench: runs scripts/bench-tenants.sh
# on BENCH_TENANTS (default "100 200 400 1000") tenants whose functions hold
# "*" grants, each size bounded by BENCH_TENANT_TIMEOUT seconds (default 120)
# and by bench-tenants.sh's memory bound, and appends its table and verdict
# lines (peak RSS and CPU time) to build/bench/results.md. Fails when a
# verdict is FAIL.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
results=build/bench/results.md
log=build/bench/logs/tenants.out
mkdir -p build/bench/logs
read -r -a sizes <<<"${BENCH_TENANTS:-100 200 400 1000}"
rc=0
LETSLEEP_BENCH_TENANT_TIMEOUT=${BENCH_TENANT_TIMEOUT:-120} scripts/bench-tenants.sh "${sizes[@]}" >"$log" 2>&1 || rc=$?
verdict=$(grep '^tenants linearity:' "$log" | tail -n 1)
tverdict=$(grep '^tenants time linearity:' "$log" | tail -n 1)
{
  echo
  echo "## Tenants with wildcard grants: scripts/bench-tenants.sh ${sizes[*]}"
  echo
  echo "Load when it started: $(cut -d' ' -f1 /proc/loadavg)."
  echo
  echo '```'
  grep -v -E '^tenants (time )?linearity:' "$log" || true
  echo '```'
  echo
  if [ -n "$verdict" ]; then
    # "tenants linearity: PASS (detail)" → the targets' line form.
    state=${verdict#tenants linearity: } detail=""
    [[ $state == *" ("* ]] && detail=${state#* (} && detail=${detail%)} && state=${state%% *}
    echo "- tenants linearity (peak RSS per added tenant, last step ≤ 1.5× the first): **$state** (${detail:-see above})"
  else
    echo "- tenants linearity: **FAIL** (bench-tenants.sh exit $rc without a verdict; see build/bench/logs/tenants.out)"
  fi
  if [ -n "$tverdict" ]; then
    state=${tverdict#tenants time linearity: } detail=""
    [[ $state == *" ("* ]] && detail=${state#* (} && detail=${detail%)} && state=${state%% *}
    echo "- tenants time linearity (CPU time per added tenant, last step ≤ 1.5× the first): **$state** (${detail:-see above})"
  else
    echo "- tenants time linearity: **FAIL** (bench-tenants.sh exit $rc without a verdict; see build/bench/logs/tenants.out)"
  fi
} | tee -a "$results"
[ "$rc" -eq 0 ] && [ -n "$verdict" ] && [ -n "$tverdict" ]
