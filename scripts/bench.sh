#!/usr/bin/env bash
# make bench: times `letsleep check --format json` on synthetic plans of 10k,
# 20k, 50k and 100k resources against the floor (a jsontext token scan of the
# same file: read and tokenize, build nothing) and against peers that answer
# comparable questions over the raw plan (conftest and `opa eval` with the
# policy in bench/conftest; trivy optionally), with the load average beside
# every figure. Measurements go to build/bench/measurements.tsv;
# scripts/bench-report.sh turns them into build/bench/results.md with a
# PASS/FAIL line per target of docs/performance.md; the hooks append
# directory mode and tenants linearity; the last lines printed are every
# verdict.
#
# Duration: about 25 minutes on an idle 2-core machine with the defaults,
# plus the first build of conftest and the first plan generation; bounded
# by BENCH_BUDGET (the peers are skipped, and say so, once it is spent),
# BENCH_TIMEOUT per run and the hooks' own bounds (docs/performance.md).
#
# Environment:
#   BENCH_SIZES     resource counts (default "10000 20000 50000 100000")
#   BENCH_DISTINCT  sizes also generated as many distinct module calls
#                   (plangen --distinct; default "50000")
#   BENCH_SOURCE    sizes also generated from the community stacks
#                   (terraform/community/*, calling ../shared/community-modules)
#                   with their .tf sources (plangen --stack --source-out):
#                   letsleep runs on them without and with --source
#                   (default "10000 20000 50000 100000"; "" leaves them out)
#   BENCH_RUNS      runs of letsleep and the floor per plan; the median is
#                   reported (default 3; a first run over 30 s makes it 1)
#   BENCH_PEER_RUNS runs of each peer per plan (default 3; a first run over
#                   20 s makes it 1)
#   BENCH_TIMEOUT   seconds before one run of letsleep or the floor is
#                   stopped (default 120: a run that long fails its targets)
#   BENCH_PEER_TIMEOUT  the same for a peer run (default 300: a peer at 100k
#                   needs about 40 s of CPU, several minutes under load)
#   BENCH_BUDGET    seconds of measuring after which the peers are skipped
#                   (default 2400); letsleep and the floor always run
#   BENCH_SEED      generator seed (default 1)
#   BENCH_PEER_SIZES  sizes at which the peers run (default: every size)
#   BENCH_PEERS     default "conftest opa"; add trivy ("conftest opa trivy")
#                   to time trivy config too: it takes minutes per size on a
#                   2-core machine and its first build takes most of an hour
#   BENCH_DIR_RUNS, BENCH_TENANTS, BENCH_TENANT_TIMEOUT: the hooks below
# Hooks: every executable scripts/bench.d/*.sh runs after the report with
# the same environment (directory mode, tenants linearity) and appends to
# build/bench/results.md; a hook's failure fails make bench.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

sizes=${BENCH_SIZES-10000 20000 50000 100000}
distinct_sizes=${BENCH_DISTINCT-50000}
source_sizes=${BENCH_SOURCE-10000 20000 50000 100000}
runs=${BENCH_RUNS:-3}
peer_runs=${BENCH_PEER_RUNS:-3}
run_timeout=${BENCH_TIMEOUT:-120}
peer_timeout=${BENCH_PEER_TIMEOUT:-300}
budget=${BENCH_BUDGET:-2400}
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
go build -trimpath -o bin/letsleep ./cmd/letsleep
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

tsv=$out/measurements.tsv
: >"$tsv"
record_meta() { printf 'meta\t%s\t%s\n' "$1" "$2" >>"$tsv"; }
began=$SECONDS

# measure TOOL ROW RUNS OKCODES CMD...: runs CMD up to RUNS times under GNU
# time and appends "m TOOL ROW wall cpu rss runs load note" to the TSV: the
# medians of wall seconds, user+sys CPU seconds and peak RSS (MiB), and the
# 1-minute load when the first run started. CPU time is kept beside wall
# time because this machine is shared: when others load it, wall time grows
# and CPU time much less. An exit code outside OKCODES (e.g. "0 1") is
# recorded as the note and no figure. A first run over $cut s is not
# repeated, so one slow plan cannot take the bench's time.
measure() {
  local tool=$1 row=$2 n=$3 ok=$4 cut=30 limit=$run_timeout; shift 4
  [ "$tool" = letsleep ] || [ "$tool" = scan ] || [ "$tool" = source ] || cut=20 limit=$peer_timeout
  local times=() cpus=() rsss=() i tf=$out/logs/time.out errf=$out/logs/$tool-$row.err rc t r u s
  local load note="" wall="" cpu="" rss=""
  load=$(cut -d' ' -f1 /proc/loadavg)
  for ((i = 0; i < n; i++)); do
    rc=0
    timeout --kill-after=5 "$limit" /usr/bin/time -f '%e %M %U %S' -o "$tf" "$@" >/dev/null 2>"$errf" || rc=$?
    if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
      note="timed out after ${limit}s" wall=">$limit"
      break
    fi
    if ! [[ " $ok " == *" $rc "* ]]; then
      note="exit $rc: $(grep -v '^Command exited' "$errf" | head -n 1 | cut -c1-160 | tr '\t' ' ')"
      break
    fi
    # GNU time prefixes "Command exited with non-zero status N" on exit 1.
    read -r t r u s < <(tail -n 1 "$tf")
    times+=("$t") rsss+=("$r")
    cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN{printf "%.2f", u+s}')")
    if ((i == 0)) && awk -v t="$t" -v c="$cut" 'BEGIN{exit !(t>c)}'; then n=1; fi
  done
  if [ -z "$note" ]; then
    wall=$(printf '%s\n' "${times[@]}" | median)
    cpu=$(printf '%s\n' "${cpus[@]}" | median)
    rss=$(printf '%s\n' "${rsss[@]}" | median | awk '{printf "%.0f", $1/1024}')
  fi
  printf 'm\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$row" "$wall" "$cpu" "$rss" "${#times[@]}" "$load" "$note" >>"$tsv"
  log "  $tool: ${wall:-–} s wall, ${cpu:-–} s cpu, ${rss:-–} MiB, load $load${note:+ ($note)}"
}
skip() { printf 'm\t%s\t%s\t\t\t\t0\t\t%s\n' "$1" "$2" "$3" >>"$tsv"; }

median() { sort -g | awk '{v[NR]=$1} END{if(NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }

record_meta load_before "$(cut -d' ' -f1-3 /proc/loadavg)"
# letsleep reads configuration sources only when it has a --source flag.
has_source=""
help=$(bin/letsleep check --help 2>&1 || true)
[[ $help != *--source* ]] || has_source=1
for row in "${rows[@]}"; do
  printf 'row\t%s\t%s\n' "$row" "$(du -m "${planfile[$row]}" | cut -f1)" >>"$tsv"
done

# letsleep and the floor first, on every plan: the targets rest on them.
for row in "${rows[@]}"; do
  f=${planfile[$row]}
  log "$row resources ($(du -m "$f" | cut -f1) MiB)"
  measure letsleep "$row" "$runs" "0 1" bin/letsleep check --format json "$f"
  measure scan "$row" "$runs" "0" bin/letsleep-plangen scan "$f"
  if [ -n "$has_source" ] && [ -n "${srcdir[$row]:-}" ]; then
    measure source "$row" "$runs" "0 1" bin/letsleep check --format json --source "${srcdir[$row]}" "$f"
  fi
done
# Then the peers, smallest plans first, while the budget lasts.
for row in "${rows[@]}"; do
  f=${planfile[$row]}
  for p in $peers; do
    if [ -n "$peer_sizes" ] && [[ " $peer_sizes " != *" ${row%%:*} "* ]]; then
      skip "$p" "$row" "not run at this size (BENCH_PEER_SIZES)"
      continue
    fi
    if [ -z "${peer_bin[$p]}" ]; then
      skip "$p" "$row" "${peer_note[$p]}"
      continue
    fi
    if ((SECONDS - began > budget)); then
      skip "$p" "$row" "skipped: BENCH_BUDGET ($budget s) spent"
      continue
    fi
    log "$p on $row"
    case $p in
      conftest) measure conftest "$row" "$peer_runs" "0 1" "${peer_bin[conftest]}" test --no-color --output json --policy bench/conftest/policy "$f" ;;
      # The engine without conftest's wrapper: the same policy, the same set.
      opa) measure opa "$row" "$peer_runs" "0" "${peer_bin[opa]}" eval --format json --data bench/conftest/policy --input "$f" data.main.deny ;;
      trivy) measure trivy "$row" "$peer_runs" "0" "${peer_bin[trivy]}" config --quiet --skip-check-update --cache-dir "$out/trivy-cache" --format json "$f" ;;
    esac
  done
done

# The two peers run the same policy, so they must find the same: compare
# their finding counts on the smallest community plan, which has findings
# (the for_each and distinct plans are clean), or the first plan (needs jq).
row=${rows[0]}
for r in "${rows[@]}"; do [ "${r#*:}" = community ] && row=$r && break; done
if [ -n "${peer_bin[conftest]:-}" ] && [ -n "${peer_bin[opa]:-}" ] && command -v jq >/dev/null; then
  log "finding counts of conftest and opa eval on $row"
  record_meta findings_row "$row"
  record_meta findings_conftest "$("${peer_bin[conftest]}" test --no-color --output json --policy bench/conftest/policy "${planfile[$row]}" 2>/dev/null | jq '[.[].failures // [] | .[]] | length' || true)"
  record_meta findings_opa "$("${peer_bin[opa]}" eval --format json --data bench/conftest/policy --input "${planfile[$row]}" data.main.deny 2>/dev/null | jq '.result[0].expressions[0].value | length' || true)"
fi

record_meta date "$(date -u +%Y-%m-%dT%H:%MZ)"
record_meta commit "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (with local changes)')"
record_meta cpus "$(nproc)"
record_meta go "$(go version | cut -d' ' -f3)"
record_meta runs "$runs"
record_meta peer_runs "$peer_runs"
record_meta peers "$peers"
record_meta source "$has_source"
record_meta budget "$budget"
record_meta elapsed "$((SECONDS - began))"
record_meta load_after "$(cut -d' ' -f1-3 /proc/loadavg)"

# ---- report, hooks, verdicts ----------------------------------------------

fail=0
scripts/bench-report.sh "$out" || fail=1
echo
for hook in scripts/bench.d/*.sh; do
  [ -x "$hook" ] || continue
  log "hook $hook"
  "$hook" || fail=1
done
echo
echo "Verdicts (all in $out/results.md):"
grep -E '^- .*\*\*(PASS|FAIL|UNMEASURED)\*\*' "$out/results.md" || true
exit $fail
