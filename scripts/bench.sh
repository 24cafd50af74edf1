#!/usr/bin/env bash
# make bench: times `letsleep check --format json` on synthetic plans of 10k,
# 20k, 50k and 100k resources against the floor (a jsontext token scan of the
# same file: read and tokenize, build nothing) and against peers that answer
# comparable questions over the raw plan (conftest and `opa eval` with the
# policy in bench/conftest; trivy optionally), prints a table with the load
# average beside every row, writes build/bench/results.md and checks the
# targets of docs/performance.md.
#
# Environment:
#   BENCH_SIZES     resource counts (default "10000 20000 50000 100000")
#   BENCH_DISTINCT  sizes also generated as many distinct module calls
#                   (plangen --distinct; default "50000")
#   BENCH_RUNS      runs per tool and size; the median is reported (default 5)
#   BENCH_TIMEOUT   seconds before one run is stopped (default 300)
#   BENCH_SEED      generator seed (default 1)
#   BENCH_PEER_SIZES  sizes at which the peers run (default: every size; on
#                   a loaded 2-core machine opa takes minutes at 100k)
#   BENCH_PEERS     default "conftest opa"; add trivy ("conftest opa trivy")
#                   to time trivy config too: it takes minutes per size on a
#                   2-core machine and its first build takes most of an hour
#   BENCH_SOURCE    sizes also generated from the community stacks
#                   (terraform/community/*, calling ../shared/community-modules)
#                   with their .tf sources (plangen --stack --source-out):
#                   letsleep runs on them without and with --source
#                   (default "10000 20000 50000 100000"; "" leaves them out)
# Hooks: every executable scripts/bench.d/*.sh runs after this script with
# the same environment (e.g. the tenants benchmark); a hook's failure fails
# make bench.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

sizes=${BENCH_SIZES:-10000 20000 50000 100000}
distinct_sizes=${BENCH_DISTINCT-50000}
source_sizes=${BENCH_SOURCE-10000 20000 50000 100000}
runs=${BENCH_RUNS:-5}
run_timeout=${BENCH_TIMEOUT:-300}
seed=${BENCH_SEED:-1}
peers=${BENCH_PEERS-conftest opa}
peer_sizes=${BENCH_PEER_SIZES-}
out=$root/build/bench
mkdir -p "$out/plans" "$out/logs"

# Pinned peers. conftest v0.71.1 and trivy v0.74.0 are the newest the module
# proxy offers here and both build with Go 1.26.
conftest_mod=github.com/open-policy-agent/conftest
conftest_ver=v0.71.1
trivy_mod=github.com/aquasecurity/trivy
trivy_ver=v0.74.0
# opa is pinned to the version letsleep itself links (go.mod).
opa_mod=github.com/open-policy-agent/opa
opa_ver=$(go list -m -f '{{.Version}}' $opa_mod)

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
    opa) peer_bin[opa]=$(install_tool opa $opa_mod "$opa_ver" $opa_mod) ;;
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
# The community stacks with their sources: every terraform/community stack
# that has a committed plan.json becomes a template whose .tf files go with
# the generated plan.
stacks=()
for d in terraform/community/*/; do
  [ -f "$d/plan.json" ] && stacks+=(--stack "$(basename "$d")=${d%/}")
done
[ ${#stacks[@]} -gt 0 ] || { [ -z "$source_sizes" ] || log "no terraform/community stack has a plan.json: no rows with sources"; source_sizes=""; }
cstamp=$( (printf '%s\n' "$seed" "${stacks[*]}"; cat terraform/community/*/plan.json terraform/community/*/*.tf 2>/dev/null; sha256sum bin/letsleep-plangen) | sha256sum | cut -c1-16)
# Rows: every size as for_each replicas ("each"), the BENCH_DISTINCT sizes
# also as distinct module calls ("distinct"), and the BENCH_SOURCE sizes as
# for_each replicas of the community stacks with their sources ("community";
# the plan sits outside its source folder, so only --source reads it).
declare -A planfile srcdir
rows=()
for n in $sizes; do rows+=("$n:each"); done
for n in $distinct_sizes; do rows+=("$n:distinct"); done
for n in $source_sizes; do rows+=("$n:community"); done
for row in "${rows[@]}"; do
  n=${row%%:*} shape=${row#*:}
  planfile[$row]=$out/plans/plan-$n-$shape.json
  want=$stamp
  flags=("${templates[@]}")
  case $shape in
    distinct) flags+=(--distinct) ;;
    community)
      want=$cstamp srcdir[$row]=$out/plans/src-$n
      flags=("${stacks[@]}" --source-out "${srcdir[$row]}")
      ;;
  esac
  if [ "$(cat "$out/plans/plan-$n-$shape.stamp" 2>/dev/null)" != "$want" ] || [ ! -f "${planfile[$row]}" ]; then
    [ -n "${srcdir[$row]:-}" ] && rm -rf "${srcdir[$row]}"
    bin/letsleep-plangen generate "${flags[@]}" --resources "$n" --seed "$seed" --out "${planfile[$row]}"
    echo "$want" >"$out/plans/plan-$n-$shape.stamp"
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
# letsleep reads configuration sources only when it has a --source flag.
has_source="" no_source="n/a (no --source in this letsleep)"
if bin/letsleep check --help 2>/dev/null | grep -q -- '--source'; then
  no_source="n/a (no sources)"
  has_source=1
fi
declare -A T C R N L
tools=(letsleep scan $peers)
[ -n "$has_source" ] && tools+=(source)
record() { T[$1,$2]=$m_time C[$1,$2]=$m_cpu R[$1,$2]=$m_rss N[$1,$2]=$m_note; }
for row in "${rows[@]}"; do
  f=${planfile[$row]}
  L[$row]=$(cut -d' ' -f1 /proc/loadavg)
  log "$row resources ($(du -m "$f" | cut -f1) MiB, load ${L[$row]})"
  measure letsleep "$row" "0 1" bin/letsleep check --format json "$f"
  record letsleep "$row"
  measure scan "$row" "0" bin/letsleep-plangen scan "$f"
  record scan "$row"
  if [ -n "$has_source" ] && [ -n "${srcdir[$row]:-}" ]; then
    measure source "$row" "0 1" bin/letsleep check --format json --source "${srcdir[$row]}" "$f"
    record source "$row"
  fi
  for p in $peers; do
    if [ -n "$peer_sizes" ] && [[ " $peer_sizes " != *" ${row%%:*} "* ]]; then
      T[$p,$row]="" N[$p,$row]="not run at this size (BENCH_PEER_SIZES)"
      continue
    fi
    if [ -z "${peer_bin[$p]}" ]; then
      T[$p,$row]="" N[$p,$row]=${peer_note[$p]}
      continue
    fi
    case $p in
      conftest) measure conftest "$row" "0 1" "${peer_bin[conftest]}" test --no-color --output json --policy bench/conftest/policy "$f" ;;
      # The engine without conftest's wrapper: the same policy, the same set.
      opa) measure opa "$row" "0" "${peer_bin[opa]}" eval --format json --data bench/conftest/policy --input "$f" data.main.deny ;;
      trivy) measure trivy "$row" "0" "${peer_bin[trivy]}" config --quiet --skip-check-update --cache-dir "$out/trivy-cache" --format json "$f" ;;
    esac
    record "$p" "$row"
  done
  for t in "${tools[@]}"; do
    log "  $t: ${T[$t,$row]:-–} s wall, ${C[$t,$row]:-–} s cpu, ${R[$t,$row]:-–} MiB ${N[$t,$row]:+($(printf '%s' "${N[$t,$row]}"))}"
  done
done

# ---- report ---------------------------------------------------------------

results=$out/results.md
{
  echo "# letsleep benchmark"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown), $(nproc) CPUs, $(go version | cut -d' ' -f3), median of up to $runs runs (GNU time: wall seconds, user+sys CPU seconds, peak RSS MiB)."
  echo "Reproduce: \`make bench\` (or \`scripts/bench.sh\`; BENCH_SIZES, BENCH_DISTINCT, BENCH_RUNS, BENCH_PEERS tune it)."
  echo
  echo "Load average before/after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg); the load column is the 1-minute load when the row started. Wall times on a loaded machine overstate; the cpu columns are steadier, and the floor ratio is taken on them."
  echo "Shapes: each = replicas as instances of one for_each module call; distinct = every replica of every template its own module call with its own configuration; community = for_each replicas of the terraform/community stacks (built from ../shared/community-modules), whose generated .tf sources \"with source\" passes as --source."
  echo
  printf '| resources | shape | load | plan MiB | letsleep s | cpu s | peak MiB | scan s | scan cpu s | letsleep/scan (cpu, wall) | with source: s, cpu s, MiB, /scan cpu |'
  for p in $peers; do printf ' %s s | %s cpu s | %s MiB | %s/letsleep (wall, cpu) |' "$p" "$p" "$p" "$p"; done
  echo
  printf '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|'
  for p in $peers; do printf -- '---:|---:|---:|---:|'; done
  echo
  for row in "${rows[@]}"; do
    src=$no_source
    if [ -n "$has_source" ] && [ -n "${srcdir[$row]:-}" ]; then
      src="${T[source,$row]:-error}, ${C[source,$row]:-–}, ${R[source,$row]:-–}, $(ratio "${C[source,$row]:-}" "${C[scan,$row]:-}")×"
    fi
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s, %s | %s |' "${row%%:*}" "${row#*:}" "${L[$row]}" "$(du -m "${planfile[$row]}" | cut -f1)" \
      "${T[letsleep,$row]:-error}" "${C[letsleep,$row]:-–}" "${R[letsleep,$row]:-–}" "${T[scan,$row]:-error}" "${C[scan,$row]:-–}" \
      "$(ratio "${C[letsleep,$row]:-}" "${C[scan,$row]:-}")" "$(ratio "${T[letsleep,$row]}" "${T[scan,$row]}")" "$src"
    for p in $peers; do printf ' %s | %s | %s | %s, %s |' "${T[$p,$row]:-–}" "${C[$p,$row]:-–}" "${R[$p,$row]:-–}" "$(ratio "${T[$p,$row]}" "${T[letsleep,$row]}")" "$(ratio "${C[$p,$row]:-}" "${C[letsleep,$row]:-}")"; done
    echo
  done
  notes=0
  for row in "${rows[@]}"; do for t in "${tools[@]}"; do
    if [ -n "${N[$t,$row]:-}" ]; then
      ((notes++ == 0)) && echo && echo "Notes:"
      echo "- $t at $row: ${N[$t,$row]}"
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
has_row() { [[ " ${rows[*]} " == *" $1 "* ]]; }

for row in 50000:each 50000:distinct 50000:community; do
  has_row "$row" || { target "$row: ≤ 5× the token-scan floor (cpu), peak RSS < 512 MiB" UNMEASURED "not in BENCH_SIZES/BENCH_DISTINCT/BENCH_SOURCE"; continue; }
  if num "${C[letsleep,$row]:-}" && num "${C[scan,$row]:-}"; then
    r=$(ratio "${C[letsleep,$row]}" "${C[scan,$row]}")
    target "$row: ≤ 5× the token-scan floor (cpu)" "$(passfail "$r <= 5")" "$r× (${C[letsleep,$row]} s vs ${C[scan,$row]} s cpu; wall $(ratio "${T[letsleep,$row]}" "${T[scan,$row]}")×, load ${L[$row]})"
    target "$row: peak RSS < 512 MiB" "$(passfail "${R[letsleep,$row]} < 512")" "${R[letsleep,$row]} MiB"
  else
    target "$row: ≤ 5× the token-scan floor (cpu), peak RSS < 512 MiB" UNMEASURED "letsleep: ${N[letsleep,$row]:-no run}"
  fi
done
# With the sources (issue 9): the same targets for the community plans read
# with --source.
for row in 50000:community; do
  has_row "$row" && [ -n "$has_source" ] || { target "$row with source: ≤ 5× the token-scan floor (cpu), peak RSS < 512 MiB" UNMEASURED "not in BENCH_SOURCE"; continue; }
  if num "${C[source,$row]:-}" && num "${C[scan,$row]:-}"; then
    r=$(ratio "${C[source,$row]}" "${C[scan,$row]}")
    target "$row with source: ≤ 5× the token-scan floor (cpu)" "$(passfail "$r <= 5")" "$r× (${C[source,$row]} s vs ${C[scan,$row]} s cpu, load ${L[$row]})"
    target "$row with source: peak RSS < 512 MiB" "$(passfail "${R[source,$row]} < 512")" "${R[source,$row]} MiB"
  else
    target "$row with source: ≤ 5× the token-scan floor (cpu), peak RSS < 512 MiB" UNMEASURED "letsleep --source: ${N[source,$row]:-no run}"
  fi
done
if has_row 100000:community && num "${T[source,100000:community]:-}"; then
  target "100000:community with source: < 5 s wall, peak RSS < 1 GiB" "$(passfail "${T[source,100000:community]} < 5 && ${R[source,100000:community]} < 1024")" "${T[source,100000:community]} s (${C[source,100000:community]} s cpu, load ${L[100000:community]}), ${R[source,100000:community]} MiB"
fi
if num "${T[letsleep,100000:each]:-}"; then
  target "100000: < 5 s wall, peak RSS < 1 GiB" "$(passfail "${T[letsleep,100000:each]} < 5 && ${R[letsleep,100000:each]} < 1024")" "${T[letsleep,100000:each]} s (${C[letsleep,100000:each]} s cpu, load ${L[100000:each]}), ${R[letsleep,100000:each]} MiB"
else
  target "100000: < 5 s wall, peak RSS < 1 GiB" UNMEASURED "letsleep: ${N[letsleep,100000:each]:-not in BENCH_SIZES}"
fi
if num "${T[letsleep,100000:each]:-}" && num "${T[letsleep,10000:each]:-}"; then
  r=$(ratio "${T[letsleep,100000:each]}" "${T[letsleep,10000:each]}")
  target "time(100k)/time(10k) ≤ 12" "$(passfail "$r <= 12")" "$r wall, $(ratio "${C[letsleep,100000:each]}" "${C[letsleep,10000:each]}") cpu"
else
  target "time(100k)/time(10k) ≤ 12" UNMEASURED "needs 10000 and 100000"
fi
for p in $peers; do
  detail="" state=PASS
  for row in "${rows[@]}"; do
    if ! num "${T[letsleep,$row]:-}"; then state=UNMEASURED; detail+="$row: letsleep failed; "; continue; fi
    if [[ ${T[$p,$row]:-} == ">"* ]]; then detail+="$row: $p timed out; "; continue; fi
    if [[ ${N[$p,$row]:-} == "not run at this size"* ]]; then continue; fi
    if ! num "${T[$p,$row]:-}"; then state=UNMEASURED; detail+="$row: ${N[$p,$row]:-not measured}; "; continue; fi
    [ "$(passfail "${T[letsleep,$row]} < ${T[$p,$row]}")" = PASS ] || state=FAIL
    detail+="$row: ${T[letsleep,$row]} s vs ${T[$p,$row]} s; "
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
for hook in scripts/bench.d/*.sh; do
  [ -x "$hook" ] || continue
  log "hook $hook"
  "$hook" || fail=1
done
exit $fail
