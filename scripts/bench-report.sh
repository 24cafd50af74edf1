#!/usr/bin/env bash
# scripts/bench-report.sh DIR: the results table and the target verdicts of
# make bench, from the measurements scripts/bench.sh wrote to
# DIR/measurements.tsv. Writes DIR/results.md, prints it, exits 1 when a
# target FAILs (UNMEASURED does not fail). Kept apart from the measuring so
# the verdict logic is tested on fixed figures (tests/benchreport) and a
# report can be rebuilt without measuring again.
#
# measurements.tsv, tab-separated, one record per line:
#   meta  KEY  VALUE                      date, commit, cpus, go, runs,
#                                         peer_runs, load_before, load_after,
#                                         peers, source (1 when letsleep has
#                                         --source), budget, elapsed,
#                                         findings_row, findings_conftest,
#                                         findings_opa (the peers' finding
#                                         counts on one plan)
#   row   ROW  PLAN_MIB                   ROW is SIZE:SHAPE, in table order
#   m     TOOL ROW WALL CPU RSS_MIB RUNS LOAD NOTE
#                                         TOOL: letsleep, scan (the floor),
#                                         source (letsleep --source), or a
#                                         peer; WALL ">N" when it timed out
set -euo pipefail
dir=${1:?usage: bench-report.sh DIR}
tsv=$dir/measurements.tsv
results=$dir/results.md
[ -f "$tsv" ] || { echo "bench-report: $tsv not found (run scripts/bench.sh)" >&2; exit 2; }

declare -A meta T C R N L MIB
rows=()
# Tabs are whitespace to read, which would merge empty fields: split on a
# non-space separator instead.
while IFS= read -r line; do
  IFS=$'\x1f' read -r kind a b c d e f g h <<<"${line//$'\t'/$'\x1f'}"
  case $kind in
    meta) meta[$a]=$b ;;
    row) rows+=("$a") MIB[$a]=$b ;;
    m) T[$a,$b]=$c C[$a,$b]=$d R[$a,$b]=$e L[$a,$b]=$g N[$a,$b]=${h:-} ;;
  esac
done <"$tsv"
peers=${meta[peers]:-}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN{if(a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b>0) printf "%.2f", a/b; else print "n/a"}'; }
num() { [[ ${1:-} =~ ^[0-9.]+$ ]]; }
has_row() { [[ " ${rows[*]} " == *" $1 "* ]]; }
# cell TOOL ROW: "wall / cpu / MiB (load L)", or why there is no figure.
cell() {
  local t=$1 r=$2
  if num "${T[$t,$r]:-}"; then
    printf '%s / %s / %s (load %s)' "${T[$t,$r]}" "${C[$t,$r]}" "${R[$t,$r]}" "${L[$t,$r]}"
  elif [ -n "${T[$t,$r]:-}" ]; then
    printf '%s (load %s)' "${T[$t,$r]}" "${L[$t,$r]}"
  else
    printf '–'
  fi
}

{
  echo "# letsleep benchmark"
  echo
  echo "${meta[date]:-?}, commit ${meta[commit]:-?}, ${meta[cpus]:-?} CPUs, ${meta[go]:-?}; median of up to ${meta[runs]:-?} runs for letsleep and the floor, up to ${meta[peer_runs]:-?} for the peers (GNU time: wall seconds / user+sys CPU seconds / peak RSS MiB). Measuring took ${meta[elapsed]:-?} s (BENCH_BUDGET ${meta[budget]:-?} s)."
  echo "Reproduce: \`make bench\` (scripts/bench.sh; docs/performance.md says how long it takes and which knobs shorten it)."
  echo
  echo "Load average before/after: ${meta[load_before]:-?} / ${meta[load_after]:-?}; every cell carries the 1-minute load when its first run started. On a loaded machine wall time overstates; CPU time is steadier, and the floor ratio is taken on CPU."
  echo "Shapes: each = replicas as instances of one for_each module call; distinct = every replica of every template its own module call; community = for_each replicas of the terraform/community stacks (../shared/community-modules), whose generated .tf sources \"with source\" passes as --source. Floor = \`letsleep-plangen scan\`, a jsontext token scan of the same file."
  echo
  printf '| resources | shape | plan MiB | letsleep | floor | ×floor (cpu, wall) | with source | with source ×floor (cpu) |'
  for p in $peers; do printf ' %s | %s/letsleep (wall, cpu) |' "$p" "$p"; done
  echo
  printf '|---:|---|---:|---|---|---:|---|---:|'
  for _ in $peers; do printf -- '---|---:|'; done
  echo
  for r in "${rows[@]}"; do
    src="n/a (no sources)" srcr="n/a"
    if [ -n "${T[source,$r]:-}${N[source,$r]:-}" ]; then
      src=$(cell source "$r") srcr="$(ratio "${C[source,$r]:-}" "${C[scan,$r]:-}")×"
    elif [ "${meta[source]:-}" != 1 ] && [ "${r#*:}" = community ]; then
      src="n/a (no --source in this letsleep)"
    fi
    printf '| %s | %s | %s | %s | %s | %s×, %s× | %s | %s |' "${r%%:*}" "${r#*:}" "${MIB[$r]}" "$(cell letsleep "$r")" "$(cell scan "$r")" \
      "$(ratio "${C[letsleep,$r]:-}" "${C[scan,$r]:-}")" "$(ratio "${T[letsleep,$r]:-}" "${T[scan,$r]:-}")" "$src" "$srcr"
    for p in $peers; do printf ' %s | %s, %s |' "$(cell "$p" "$r")" "$(ratio "${T[$p,$r]:-}" "${T[letsleep,$r]:-}")" "$(ratio "${C[$p,$r]:-}" "${C[letsleep,$r]:-}")"; done
    echo
  done
  notes=0
  for r in "${rows[@]}"; do for t in letsleep scan source $peers; do
    if [ -n "${N[$t,$r]:-}" ]; then
      ((notes++ == 0)) && echo && echo "Notes:"
      echo "- $t at $r: ${N[$t,$r]}"
    fi
  done; done
  echo
  echo "## Targets"
  echo
} >"$results"

fails=0
target() { # NAME PASS|FAIL|UNMEASURED DETAIL
  [ "$2" = FAIL ] && fails=$((fails + 1))
  printf -- '- %s: **%s** (%s)\n' "$1" "$2" "$3" >>"$results"
}
passfail() { awk "BEGIN{exit !($1)}" && echo PASS || echo FAIL; }
why() { echo "${N[$1,$2]:-${T[$1,$2]:-not measured}}"; }

# 50k, every shape, without and with the sources: ≤ 5× the floor on CPU and
# peak RSS under 512 MiB.
for spec in 50000:each:letsleep 50000:distinct:letsleep 50000:community:letsleep 50000:community:source; do
  tool=${spec##*:} r=${spec%:*}
  name=$r
  [ "$tool" = source ] && name="$r with source"
  if ! has_row "$r"; then
    target "$name: ≤ 5× the token-scan floor (cpu), peak RSS < 512 MiB" UNMEASURED "not in BENCH_SIZES/BENCH_DISTINCT/BENCH_SOURCE"
  elif num "${T[$tool,$r]:-}" && num "${C[scan,$r]:-}"; then
    x=$(ratio "${C[$tool,$r]}" "${C[scan,$r]}")
    target "$name: ≤ 5× the token-scan floor (cpu)" "$(passfail "$x <= 5")" "$x× (${C[$tool,$r]} s vs ${C[scan,$r]} s cpu; wall $(ratio "${T[$tool,$r]}" "${T[scan,$r]}")×; load ${L[$tool,$r]})"
    target "$name: peak RSS < 512 MiB" "$(passfail "${R[$tool,$r]} < 512")" "${R[$tool,$r]} MiB"
  elif [ "${T[$tool,$r]:-}" != "" ] && ! num "${T[$tool,$r]}"; then
    target "$name: ≤ 5× the token-scan floor (cpu), peak RSS < 512 MiB" FAIL "$tool: $(why "$tool" "$r")"
  else
    target "$name: ≤ 5× the token-scan floor (cpu), peak RSS < 512 MiB" UNMEASURED "$tool: $(why "$tool" "$r")"
  fi
done

# 100k: under 5 s wall and 1 GiB; time(100k)/time(10k) ≤ 12.
for spec in each:letsleep community:letsleep community:source; do
  tool=${spec#*:} shape=${spec%:*}
  r=100000:$shape small=10000:$shape
  name=$r
  [ "$tool" = source ] && name="$r with source"
  if ! has_row "$r"; then
    target "$name: < 5 s wall, peak RSS < 1 GiB" UNMEASURED "not in the sizes"
  elif num "${T[$tool,$r]:-}"; then
    target "$name: < 5 s wall, peak RSS < 1 GiB" "$(passfail "${T[$tool,$r]} < 5 && ${R[$tool,$r]} < 1024")" "${T[$tool,$r]} s (${C[$tool,$r]} s cpu, load ${L[$tool,$r]}), ${R[$tool,$r]} MiB"
  elif [ -n "${T[$tool,$r]:-}" ]; then
    target "$name: < 5 s wall, peak RSS < 1 GiB" FAIL "$tool: $(why "$tool" "$r")"
  else
    target "$name: < 5 s wall, peak RSS < 1 GiB" UNMEASURED "$tool: $(why "$tool" "$r")"
  fi
  if num "${T[$tool,$r]:-}" && num "${T[$tool,$small]:-}"; then
    x=$(ratio "${T[$tool,$r]}" "${T[$tool,$small]}")
    target "$name: time(100k)/time(10k) ≤ 12" "$(passfail "$x <= 12")" "$x wall, $(ratio "${C[$tool,$r]}" "${C[$tool,$small]}") cpu"
  elif has_row "$r" && [ -n "${T[$tool,$r]:-}" ] && ! num "${T[$tool,$r]}"; then
    target "$name: time(100k)/time(10k) ≤ 12" FAIL "100k: $(why "$tool" "$r")"
  else
    target "$name: time(100k)/time(10k) ≤ 12" UNMEASURED "needs $small and $r"
  fi
done

# Peers: letsleep faster than each on every plan both ran.
for p in $peers; do
  detail="" state=PASS n=0
  for r in "${rows[@]}"; do
    if ! num "${T[$p,$r]:-}"; then
      [[ ${T[$p,$r]:-} == ">"* ]] && detail+="$r: $p timed out; "
      continue
    fi
    num "${T[letsleep,$r]:-}" || { detail+="$r: letsleep $(why letsleep "$r"); "; state=FAIL; continue; }
    n=$((n + 1))
    [ "$(passfail "${T[letsleep,$r]} < ${T[$p,$r]}")" = PASS ] || state=FAIL
    detail+="$r: ${T[letsleep,$r]} s vs ${T[$p,$r]} s; "
  done
  [ "$n" -gt 0 ] || state=UNMEASURED
  detail=${detail%; }
  target "letsleep faster than $p (wall)" "$state" "${detail:-no plan measured}"
done

# The peers run one policy: the same plan must give the same findings.
if [ -n "${meta[findings_row]:-}" ]; then
  fc=${meta[findings_conftest]:-} fo=${meta[findings_opa]:-}
  state=FAIL
  num "$fc" && [ "$fc" = "$fo" ] && state=PASS
  target "conftest and opa eval find the same on ${meta[findings_row]}" "$state" "conftest ${fc:-no output}, opa eval ${fo:-no output} findings"
fi

cat "$results"
[ "$fails" -eq 0 ]
