#!/usr/bin/env bash
# Peak RSS and time of `letsleep check` on plans of N tenants whose
# functions are each granted "*" (secret reads, Data API, rds-db:connect,
# lambda:InvokeFunction): every function reaches every tenant's data.
# Usage: scripts/bench-tenants.sh [N ...]   (default 100 200 400 1000)
# LETSLEEP_BENCH_TENANT_TIMEOUT bounds each run (seconds, default 600).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 200 400 1000)
limit=${LETSLEEP_BENCH_TENANT_TIMEOUT:-600}
out=build/bench/tenants
mkdir -p "$out" bin
go build -trimpath -o bin/letsleep ./cmd/letsleep
go build -trimpath -o bin/letsleep-plangen ./cmd/letsleep-plangen
printf '%-8s %-10s %-10s %-10s %-12s %s\n' tenants resources "plan MB" seconds "peak RSS" "MiB/tenant"
for n in "${sizes[@]}"; do
  plan="$out/wild-$n.json"
  [ -s "$plan" ] || bin/letsleep-plangen wildcard-tenants "$n" -o "$plan" 2>/dev/null
  res=$((n * 5))
  mb=$(( $(stat -c %s "$plan") / 1000000 ))
  set +e
  /usr/bin/time -f '%e %M' -o "$out/time-$n" timeout "$limit" bin/letsleep check --format json "$plan" >/dev/null 2>"$out/stderr-$n"
  code=$?
  set -e
  read -r secs kb < <(tail -1 "$out/time-$n")
  if [ "$code" -eq 124 ]; then
    printf '%-8s %-10s %-10s %-10s %-12s %s\n' "$n" "$res" "$mb" ">$limit" "-" "did not finish"
    continue
  fi
  mib=$((kb / 1024))
  printf '%-8s %-10s %-10s %-10s %-12s %s\n' "$n" "$res" "$mb" "$secs" "${mib} MiB" "$(awk -v m="$mib" -v n="$n" 'BEGIN{printf "%.2f", m/n}')"
done
