#!/usr/bin/env bash
# Peak RSS and time of `letsleep check` on plans of N tenants whose
# functions are each granted "*" (secret reads, Data API, rds-db:connect,
# lambda:InvokeFunction, and the hops sts:AssumeRole, sns:Publish,
# sqs:SendMessage, states:StartExecution, execute-api:Invoke): every
# function reaches every tenant's data, directly and through each hop.
# Usage: scripts/bench-tenants.sh [N ...]   (default 100 200 400 1000)
# LETSLEEP_BENCH_TENANT_TIMEOUT bounds each run (seconds, default 600).
# LETSLEEP_BENCH_TENANT_RUNS runs each size that many times (default 3) and
# keeps the medians: the first step (100 to 200 tenants) adds a few tenths
# of a second, so one run's noise could decide the time verdict alone.
# Ends with two linearity verdicts (issue 14, issue 13): PASS when the peak
# RSS (and the CPU time, user+sys) added per tenant over the last step of
# sizes is at most 1.5 times that added per tenant over the first step;
# FAIL (exit 1) otherwise, or when a size did not finish. CPU time, not
# wall time, because the machine is shared. A run is stopped when its RSS passes
# LETSLEEP_BENCH_TENANT_MAX_MIB (default 4096), so a quadratic build cannot
# take the memory of a shared machine; that counts as not finished.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 200 400 1000)
limit=${LETSLEEP_BENCH_TENANT_TIMEOUT:-600}
maxmib=${LETSLEEP_BENCH_TENANT_MAX_MIB:-4096}
runs=${LETSLEEP_BENCH_TENANT_RUNS:-3}
# median V...: the middle value (the lower middle of an even count).
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}'; }
# rss_kib PID: resident KiB of PID and all its descendants.
rss_kib() {
  ps -eo pid=,ppid=,rss= | awk -v root="$1" '{p[$1]=$2; r[$1]=$3}
    END{t=0; for (x in p) {y=x; while (y != "" && y != root && y in p && y != 1) y=p[y]; if (y == root) t+=r[x]} print t}'
}
out=build/bench/tenants
mkdir -p "$out" bin
go build -trimpath -o bin/letsleep ./cmd/letsleep
go build -trimpath -o bin/letsleep-plangen ./cmd/letsleep-plangen
echo "medians of $runs runs per size"
printf '%-8s %-10s %-10s %-10s %-10s %-12s %s\n' tenants resources "plan MB" seconds "cpu s" "peak RSS" "MiB/tenant"
ns=() mibs=() cpus=() unfinished=""
for n in "${sizes[@]}"; do
  plan="$out/wild-$n.json"
  [ -s "$plan" ] || bin/letsleep-plangen wildcard-tenants "$n" -o "$plan" 2>/dev/null
  res=$((n * 15))
  mb=$(( $(stat -c %s "$plan") / 1000000 ))
  secs_l=() kb_l=() cpu_l=() over="" code=0
  for ((i = 1; i <= runs; i++)); do
    set +e
    /usr/bin/time -f '%e %M %U %S' -o "$out/time-$n" timeout "$limit" bin/letsleep check --format json "$plan" >/dev/null 2>"$out/stderr-$n" &
    run=$!
    while kill -0 "$run" 2>/dev/null; do
      if [ "$(rss_kib "$run")" -gt $((maxmib * 1024)) ]; then
        over=1
        kill -TERM $(pgrep -P "$run") 2>/dev/null  # timeout passes it on to letsleep
      fi
      sleep 0.5
    done
    wait "$run"
    code=$?
    set -e
    read -r secs kb usr sys < <(tail -1 "$out/time-$n")
    [ -z "$over" ] && [ "$code" -ne 124 ] || break  # one unfinished run settles it
    secs_l+=("$secs") kb_l+=("$kb")
    cpu_l+=("$(awk -v u="$usr" -v s="$sys" 'BEGIN{printf "%.2f", u+s}')")
  done
  cpu=$( [ ${#cpu_l[@]} -gt 0 ] && median "${cpu_l[@]}" || echo -)
  if [ -n "$over" ]; then
    printf '%-8s %-10s %-10s %-10s %-10s %-12s %s\n' "$n" "$res" "$mb" "$secs" "$cpu" ">${maxmib} MiB" "stopped over the memory bound"
    unfinished="$unfinished $n"
    continue
  fi
  if [ "$code" -eq 124 ]; then
    printf '%-8s %-10s %-10s %-10s %-10s %-12s %s\n' "$n" "$res" "$mb" ">$limit" "-" "-" "did not finish"
    unfinished="$unfinished $n"
    continue
  fi
  secs=$(median "${secs_l[@]}") kb=$(median "${kb_l[@]}")
  mib=$((kb / 1024))
  printf '%-8s %-10s %-10s %-10s %-10s %-12s %s\n' "$n" "$res" "$mb" "$secs" "$cpu" "${mib} MiB" "$(awk -v m="$mib" -v n="$n" 'BEGIN{printf "%.2f", m/n}')"
  ns+=("$n") mibs+=("$mib") cpus+=("$cpu")
done
if [ -n "$unfinished" ]; then
  echo "tenants linearity: FAIL (did not finish within ${limit}s and ${maxmib} MiB:$unfinished)"
  echo "tenants time linearity: FAIL (did not finish within ${limit}s and ${maxmib} MiB:$unfinished)"
  exit 1
fi
k=${#ns[@]}
if [ "$k" -lt 3 ]; then
  echo "tenants linearity: UNMEASURED (needs three sizes or more)"
  echo "tenants time linearity: UNMEASURED (needs three sizes or more)"
  exit 0
fi
# verdict NAME WHAT UNIT FACTOR V...: NAME's line from the added WHAT per
# tenant (V per size, times FACTOR in UNIT) over the first and last steps.
verdict() {
  local name=$1 what=$2 unit=$3 factor=$4
  shift 4
  local v=("$@")
  awk -v name="$name" -v what="$what" -v unit="$unit" -v f="$factor" \
      -v n0="${ns[0]}" -v n1="${ns[1]}" -v na="${ns[k-2]}" -v nb="${ns[k-1]}" \
      -v m0="${v[0]}" -v m1="${v[1]}" -v ma="${v[k-2]}" -v mb="${v[k-1]}" 'BEGIN{
    first = f * (m1 - m0) / (n1 - n0); last = f * (mb - ma) / (nb - na)
    if (first <= 0) first = 0.01
    r = last / first
    printf "%s: %s (%s per added tenant %.2f %s from %d to %d, %.2f %s from %d to %d: %.1fx; PASS needs <= 1.5x)\n", name, (r <= 1.5 ? "PASS" : "FAIL"), what, first, unit, n0, n1, last, unit, na, nb, r
    exit (r <= 1.5 ? 0 : 1)
  }'
}
rc=0
verdict "tenants linearity" "peak RSS" MiB 1 "${mibs[@]}" || rc=1
verdict "tenants time linearity" "CPU time" ms 1000 "${cpus[@]}" || rc=1
exit $rc
