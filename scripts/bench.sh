#!/usr/bin/env bash
# make bench: times `letsleep check --format json` on synthetic plans of 1k,
# 5k, 20k and 50k resources against the bare JSON decode of the same file
# (the floor), conftest and `trivy config`, prints a table, writes
# build/bench/results.md and checks the targets of docs/performance.md.
#
# Environment:
#   BENCH_SIZES     resource counts (default "1000 5000 20000 50000")
#   BENCH_RUNS      runs per tool and size; the median is reported (default 5)
#   BENCH_TIMEOUT   seconds before one run is stopped (default 300)
#   BENCH_SEED      generator seed (default 1)
#   BENCH_PEERS     "conftest trivy" (default); set "" to time letsleep and the floor only
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

sizes=${BENCH_SIZES:-1000 5000 20000 50000}
runs=${BENCH_RUNS:-5}
run_timeout=${BENCH_TIMEOUT:-300}
seed=${BENCH_SEED:-1}
peers=${BENCH_PEERS-conftest trivy}
out=$root/build/bench
mkdir -p "$out/plans" "$out/logs"

# Pinned peers. conftest v0.71.1 and trivy v0.74.0 are the newest the module
# proxy offers here and both build with Go 1.26.
conftest_mod=github.com/open-policy-agent/conftest
conftest_ver=v0.71.1
trivy_mod=github.com/aquasecurity/trivy
trivy_ver=v0.74.0

log() { printf 'bench: %s\n' "$*" >&2; }

# ---- tools ---------------------------------------------------------------

[ -x /usr/bin/time ] || {
  log "installing GNU time (Debian package time)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
}
[ -x bin/letsleep ] || go build -trimpath -o bin/letsleep ./cmd/letsleep
go build -trimpath -o bin/letsleep-plangen ./cmd/letsleep-plangen

gobin=$(go env GOBIN)
[ -n "$gobin" ] || gobin=$(go env GOPATH)/bin

# install_tool NAME MODULE VERSION PACKAGE: go install unless GOBIN already
# holds that module version. Prints the binary path, or nothing on failure
# (the reason goes to build/bench/logs/install-NAME.log).
install_tool() {
  local name=$1 mod=$2 ver=$3 pkg=$4 bin=$gobin/$1
  if [ -x "$bin" ] && go version -m "$bin" 2>/dev/null | grep -qE "^[[:space:]]+mod[[:space:]]+$mod[[:space:]]+$ver([[:space:]]|$)"; then
    echo "$bin"
    return 0
  fi
  log "go install $pkg@$ver (first run only; trivy takes several minutes)"
  if go install "$pkg@$ver" >"$out/logs/install-$name.log" 2>&1; then
    echo "$bin"
  else
    log "$name $ver did not build: $(tail -n 3 "$out/logs/install-$name.log" | tr '\n' ' ')"
  fi
}

declare -A peer_bin peer_note
for p in $peers; do
  case $p in
    conftest) peer_bin[conftest]=$(install_tool conftest $conftest_mod $conftest_ver $conftest_mod) ;;
    # trivy v0.74 imports encoding/json/v2, which Go 1.26 gates behind an experiment.
    trivy) peer_bin[trivy]=$(GOEXPERIMENT=jsonv2 install_tool trivy $trivy_mod $trivy_ver $trivy_mod/cmd/trivy) ;;
    *) log "unknown peer $p"; exit 2 ;;
  esac
  if [ -z "${peer_bin[$p]}" ]; then
    peer_note[$p]="did not build (see build/bench/logs/install-$p.log)"
  fi
done

# ---- templates and plans -------------------------------------------------

# The reference stack (replanned when its sources change) and bench/devstack,
# which adds the SG rule forms the reference does not use. If terraform cannot
# plan them, the generator's embedded snapshots stand in.
newer_than() { # FILE DIR...: true when FILE is missing or older than a .tf in DIRs
  [ -f "$1" ] || return 0
  local f=$1; shift
  [ -n "$(find "$@" -name '*.tf' -newer "$f" -print -quit)" ]
}
templates=()
if newer_than build/plans/reference.json terraform/stacks/reference terraform/modules; then
  scripts/plan-fixtures.sh reference >"$out/logs/plan-reference.log" 2>&1 || log "reference plan failed (see build/bench/logs/plan-reference.log)"
fi
[ -f build/plans/reference.json ] && templates+=(--template reference=build/plans/reference.json)
if newer_than "$out/devstack.json" bench/devstack; then
  [ -f build/terraformrc ] || scripts/terraformrc.sh build/terraformrc
  (
    export TF_CLI_CONFIG_FILE=$root/build/terraformrc TF_IN_AUTOMATION=1 TF_VAR_offline=true TF_DATA_DIR=$out/devstack.tfdata
    export AWS_ACCESS_KEY_ID=offline-fake AWS_SECRET_ACCESS_KEY=offline-fake AWS_REGION=eu-west-1
    terraform -chdir=bench/devstack init -input=false -no-color &&
      terraform -chdir=bench/devstack plan -input=false -no-color -refresh=false -lock=false -out="$out/devstack.tfplan" &&
      terraform -chdir=bench/devstack show -json "$out/devstack.tfplan" >"$out/devstack.json.tmp" &&
      mv "$out/devstack.json.tmp" "$out/devstack.json"
  ) >"$out/logs/plan-devstack.log" 2>&1 || log "devstack plan failed (see build/bench/logs/plan-devstack.log)"
fi
[ -f "$out/devstack.json" ] && templates+=(--template devstack="$out/devstack.json")
if [ ${#templates[@]} -ne 4 ]; then
  log "using the generator's embedded template snapshots"
  templates=(--builtin)
fi

stamp=$( (printf '%s\n' "$seed" "${templates[*]}"; for t in build/plans/reference.json "$out/devstack.json"; do [ -f "$t" ] && sha256sum "$t"; done; sha256sum bin/letsleep-plangen) | sha256sum | cut -c1-16)
declare -A planfile
for n in $sizes; do
  planfile[$n]=$out/plans/plan-$n.json
  if [ "$(cat "$out/plans/plan-$n.stamp" 2>/dev/null)" != "$stamp" ] || [ ! -f "${planfile[$n]}" ]; then
    bin/letsleep-plangen generate "${templates[@]}" --resources "$n" --seed "$seed" --out "${planfile[$n]}"
    echo "$stamp" >"$out/plans/plan-$n.stamp"
  fi
done

# ---- measuring -------------------------------------------------------------

# measure NAME SIZE OKCODES CMD...: runs CMD up to $runs times under GNU time
# and sets m_time (median wall seconds), m_cpu (median user+sys seconds),
# m_rss (median peak RSS, MiB), m_runs and m_note. CPU time is printed next to
# wall time because this machine is shared: when others load it, wall time
# grows and CPU time much less. Exit codes outside OKCODES (e.g. "0 1") make it an error. A run over
# 60 s cuts the runs to 3, one over 150 s to 1, so the whole bench stays short.
measure() {
  local name=$1 size=$2 ok=$3; shift 3
  local times=() cpus=() rsss=() i n=$runs tf=$out/logs/time.out errf=$out/logs/$name-$size.err rc
  m_time="" m_cpu="" m_rss="" m_runs=0 m_note=""
  for ((i = 0; i < n; i++)); do
    rc=0
    timeout --kill-after=5 "$run_timeout" /usr/bin/time -f '%e %M %U %S' -o "$tf" "$@" >/dev/null 2>"$errf" || rc=$?
    if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
      m_note="timed out after ${run_timeout}s"
      m_time=">$run_timeout"
      return
    fi
    if ! [[ " $ok " == *" $rc "* ]]; then
      m_note="exit $rc: $(grep -v '^Command exited' "$errf" | head -n 1 | cut -c1-160)"
      return
    fi
    # GNU time prefixes "Command exited with non-zero status N" on exit 1.
    read -r t r u s < <(tail -n 1 "$tf")
    times+=("$t")
    cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN{printf "%.2f", u+s}')")
    rsss+=("$r")
    if ((i == 0)); then
      if awk -v t="$t" 'BEGIN{exit !(t>150)}'; then n=1; elif awk -v t="$t" 'BEGIN{exit !(t>60)}'; then n=$((runs < 3 ? runs : 3)); fi
    fi
  done
  m_runs=${#times[@]}
  m_time=$(printf '%s\n' "${times[@]}" | median)
  m_cpu=$(printf '%s\n' "${cpus[@]}" | median)
  m_rss=$(printf '%s\n' "${rsss[@]}" | median | awk '{printf "%.0f", $1/1024}')
}

median() { sort -g | awk '{v[NR]=$1} END{if(NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN{if(a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b>0) printf "%.2f", a/b; else print "n/a"}'; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A T C R N
tools=(letsleep decode $peers)
for n in $sizes; do
  f=${planfile[$n]}
  log "$n resources ($(du -m "$f" | cut -f1) MiB)"
  measure letsleep "$n" "0 1" bin/letsleep check --format json "$f"
  T[letsleep,$n]=$m_time C[letsleep,$n]=$m_cpu R[letsleep,$n]=$m_rss N[letsleep,$n]=$m_note
  measure decode "$n" "0" bin/letsleep-plangen decode "$f"
  T[decode,$n]=$m_time C[decode,$n]=$m_cpu R[decode,$n]=$m_rss N[decode,$n]=$m_note
  for p in $peers; do
    if [ -z "${peer_bin[$p]}" ]; then
      T[$p,$n]="" N[$p,$n]=${peer_note[$p]}
      continue
    fi
    case $p in
      conftest) measure conftest "$n" "0 1" "${peer_bin[conftest]}" test --no-color --output json --policy bench/conftest/policy "$f" ;;
      trivy) measure trivy "$n" "0" "${peer_bin[trivy]}" config --quiet --skip-check-update --cache-dir "$out/trivy-cache" --format json "$f" ;;
    esac
    T[$p,$n]=$m_time C[$p,$n]=$m_cpu R[$p,$n]=$m_rss N[$p,$n]=$m_note
  done
  for t in "${tools[@]}"; do
    log "  $t: ${T[$t,$n]:-–} s wall, ${C[$t,$n]:-–} s cpu, ${R[$t,$n]:-–} MiB ${N[$t,$n]:+($(printf '%s' "${N[$t,$n]}"))}"
  done
done

# ---- report ---------------------------------------------------------------

results=$out/results.md
{
  echo "# letsleep benchmark"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown), $(nproc) CPUs, $(go version | cut -d' ' -f3), median of up to $runs runs (GNU time: wall seconds, peak RSS)."
  echo "Reproduce: \`make bench\` (or \`scripts/bench.sh\`; BENCH_SIZES, BENCH_RUNS, BENCH_PEERS tune it)."
  echo
  echo "Load average before/after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg). Wall times on a loaded machine overstate; the cpu columns (user+sys) are steadier."
  echo
  printf '| resources | plan MiB | letsleep s | cpu s | peak MiB | decode s | cpu s | letsleep/decode (wall, cpu) |'
  for p in $peers; do printf ' %s s | cpu s | %s/letsleep |' "$p" "$p"; done
  echo
  printf '|---:|---:|---:|---:|---:|---:|---:|---:|'
  for p in $peers; do printf -- '---:|---:|---:|'; done
  echo
  for n in $sizes; do
    printf '| %s | %s | %s | %s | %s | %s | %s | %s, %s |' "$n" "$(du -m "${planfile[$n]}" | cut -f1)" \
      "${T[letsleep,$n]:-error}" "${C[letsleep,$n]:-–}" "${R[letsleep,$n]:-–}" "${T[decode,$n]:-error}" "${C[decode,$n]:-–}" \
      "$(ratio "${T[letsleep,$n]}" "${T[decode,$n]}")" "$(ratio "${C[letsleep,$n]:-}" "${C[decode,$n]:-}")"
    for p in $peers; do printf ' %s | %s | %s |' "${T[$p,$n]:-–}" "${C[$p,$n]:-–}" "$(ratio "${T[$p,$n]}" "${T[letsleep,$n]}")"; done
    echo
  done
  notes=0
  for n in $sizes; do for t in "${tools[@]}"; do
    if [ -n "${N[$t,$n]:-}" ]; then
      ((notes++ == 0)) && echo && echo "Notes:"
      echo "- $t at $n: ${N[$t,$n]}"
    fi
  done; done
  echo
  echo "## Targets"
  echo
} >"$results"

verdicts=()
target() { # NAME PASS|FAIL|UNMEASURED DETAIL
  verdicts+=("$2")
  printf -- '- %s: **%s** (%s)\n' "$1" "$2" "$3" >>"$results"
}
passfail() { awk "BEGIN{exit !($1)}" && echo PASS || echo FAIL; }
num() { [[ ${1:-} =~ ^[0-9.]+$ ]]; }

big=$(echo "$sizes" | tr ' ' '\n' | sort -n | tail -n 1)
if [[ " $sizes " == *" 50000 "* ]]; then big=50000; fi
if num "${T[letsleep,$big]:-}"; then
  target "$big-resource plan in < 5 s with peak RSS < 1 GiB" "$(passfail "${T[letsleep,$big]} < 5 && ${R[letsleep,$big]} < 1024")" "${T[letsleep,$big]} s, ${R[letsleep,$big]} MiB"
else
  target "$big-resource plan in < 5 s with peak RSS < 1 GiB" UNMEASURED "letsleep: ${N[letsleep,$big]:-no run}"
fi
if num "${T[letsleep,50000]:-}" && num "${T[letsleep,5000]:-}"; then
  r=$(ratio "${T[letsleep,50000]}" "${T[letsleep,5000]}")
  target "time(50k)/time(5k) ≤ 12" "$(passfail "$r <= 12")" "$r"
else
  target "time(50k)/time(5k) ≤ 12" UNMEASURED "needs both sizes measured"
fi
if num "${T[letsleep,20000]:-}" && num "${T[decode,20000]:-}"; then
  r=$(ratio "${T[letsleep,20000]}" "${T[decode,20000]}")
  target "letsleep ≤ 3× bare decode at 20k" "$(passfail "$r <= 3")" "$r×"
else
  target "letsleep ≤ 3× bare decode at 20k" UNMEASURED "needs 20000 measured"
fi
for p in $peers; do
  worst="" detail="" state=PASS
  for n in $sizes; do
    if ! num "${T[letsleep,$n]:-}"; then state=UNMEASURED; detail+="$n: letsleep failed; "; continue; fi
    if [[ ${T[$p,$n]:-} == ">"* ]]; then detail+="$n: $p timed out; "; continue; fi
    if ! num "${T[$p,$n]:-}"; then state=UNMEASURED; detail+="$n: ${N[$p,$n]:-not measured}; "; continue; fi
    [ "$(passfail "${T[letsleep,$n]} < ${T[$p,$n]}")" = PASS ] || state=FAIL
    detail+="$n: ${T[letsleep,$n]} s vs ${T[$p,$n]} s; "
  done
  target "letsleep faster than $p" "$state" "${detail%; }"
done

cat "$results"
echo
echo "wrote $results"
# FAIL fails make bench; UNMEASURED (a peer that did not build) is reported
# above and in the results but does not.
fail=0
for v in "${verdicts[@]}"; do [ "$v" = FAIL ] && fail=1; done
exit $fail
