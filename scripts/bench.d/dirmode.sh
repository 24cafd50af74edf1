#!/usr/bin/env bash
# Directory mode overhead (issue 13): `letsleep check terraform/stacks/reference`
# runs terraform init, plan and show itself; this times terraform's steps
# beside letsleep's own analysis, as letsleep reports them on stderr. The
# first run starts from an empty terraform data dir (init runs), the others
# find it current (init is skipped). Target: letsleep's own analysis adds at
# most 10% to terraform's time. Appends to build/bench/results.md.
# BENCH_DIR_RUNS runs (default 3), each stopped after BENCH_DIR_TIMEOUT
# seconds (default 600; a run stopped so is a FAIL). Needs terraform and build/terraformrc
# (make deps); without them the row is UNMEASURED and the hook passes.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
out=build/bench
runs=${BENCH_DIR_RUNS:-3}
results=$out/results.md
mkdir -p "$out/logs"
stack=terraform/stacks/reference
say() { printf '%s\n' "$*" | tee -a "$results"; }

if [ "$runs" -lt 1 ]; then
  say "- directory mode (letsleep check $stack): **UNMEASURED** (BENCH_DIR_RUNS=$runs)"
  exit 0
fi
if ! command -v terraform >/dev/null || [ ! -f build/terraformrc ]; then
  say "- directory mode (letsleep check $stack): **UNMEASURED** (terraform or build/terraformrc missing)"
  exit 0
fi
[ -x bin/letsleep ] || go build -trimpath -o bin/letsleep ./cmd/letsleep

# A cache of our own, so the first run is a cold init whatever the user's
# cache holds.
cache=$out/dircache
rm -rf "$cache"
mkdir -p "$cache"
export XDG_CACHE_HOME=$root/$cache TF_CLI_CONFIG_FILE=$root/build/terraformrc TF_IN_AUTOMATION=1
export TF_VAR_offline=true AWS_ACCESS_KEY_ID=offline-fake AWS_SECRET_ACCESS_KEY=offline-fake AWS_REGION=eu-west-1

step() { # STEP FILE: seconds terraform STEP took, "skipped" or "–"
  local v
  if grep -q "terraform $1 skipped" "$2"; then echo skipped; return; fi
  v=$(sed -n "s/^terraform $1 done (\([0-9.]*\)s)$/\1/p" "$2" | tail -n 1)
  echo "${v:-–}"
}

{
  echo
  echo "## Directory mode: letsleep check $stack"
  echo
  echo "Terraform's steps and letsleep's own analysis as \`letsleep check DIR\` reports them (wall seconds); run 1 starts from an empty terraform data dir, later runs find init current and skip it."
  echo
  echo "| run | load | init s | plan s | show s | terraform s | letsleep own s | own/terraform | total wall s | total cpu s (with terraform) |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} >>"$results"
ratios=()
for ((i = 1; i <= runs; i++)); do
  err=$out/logs/dirmode-$i.err
  load=$(cut -d' ' -f1 /proc/loadavg)
  rc=0
  timeout --kill-after=5 "${BENCH_DIR_TIMEOUT:-600}" /usr/bin/time -f '%e %U %S' -o "$out/logs/dirmode.time" bin/letsleep check --format json "$stack" >/dev/null 2>"$err" || rc=$?
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    say "- directory mode: letsleep adds ≤ 10% to terraform: **FAIL** (run $i timed out after ${BENCH_DIR_TIMEOUT:-600}s)"
    exit 1
  fi
  if [ "$rc" -gt 1 ]; then
    say "- directory mode: letsleep adds ≤ 10% to terraform: **FAIL** (run $i exit $rc: $(grep -v '^terraform' "$err" | head -n 1))"
    exit 1
  fi
  read -r wall u s < <(tail -n 1 "$out/logs/dirmode.time")
  read -r tf own < <(sed -n "s/^time: terraform \([0-9.]*\)s, letsleep's own analysis \([0-9.]*\)s$/\1 \2/p" "$err")
  r=$(awk -v a="$own" -v b="$tf" 'BEGIN{printf "%.3f", a/b}')
  ratios+=("$r")
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$i" "$load" "$(step init "$err")" "$(step plan "$err")" "$(step show "$err")" \
    "$tf" "$own" "$r" "$wall" "$(awk -v u="$u" -v s="$s" 'BEGIN{printf "%.2f", u+s}')" >>"$results"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -g | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}')
verdict=$(awk -v r="$median" 'BEGIN{print (r <= 0.10) ? "PASS" : "FAIL"}')
echo >>"$results"
say "- directory mode: letsleep adds ≤ 10% to terraform: **$verdict** (median own/terraform $median over $runs runs)"
[ "$verdict" = PASS ]
