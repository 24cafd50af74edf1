#!/usr/bin/env bash
# Runs every Go fuzz target in the module, one at a time, for a bounded time.
# Usage: scripts/fuzz.sh short|long [FUZZTIME]   (defaults: short 5s, long 2m)
# Targets are discovered by grepping `func FuzzX(` in *_test.go files, so a new
# target needs no change here. Any failure (a crash, a failed assertion, a
# package that does not compile) fails the script; the crashing input stays in
# the package's testdata/fuzz/FuzzX/ and becomes a regression test.
set -euo pipefail
mode=${1:-short}
case "$mode" in
  short) fuzztime=${2:-5s}; minimize=1s ;;
  long)  fuzztime=${2:-2m}; minimize=30s ;;
  *) echo "usage: scripts/fuzz.sh short|long [FUZZTIME]" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
GO=${GO:-go}

# "dir<TAB>FuzzName" for every fuzz target, sorted so runs are reproducible.
targets=$(grep -rE --include='*_test.go' -o '^func Fuzz[A-Za-z0-9_]+\(' \
  --exclude-dir=.git --exclude-dir=node_modules --exclude-dir=.terraform . \
  | sed -E 's#^\./##; s#/[^/]+_test\.go:func (Fuzz[A-Za-z0-9_]+)\($#\t\1#' | sort -u)
if [ -z "$targets" ]; then
  echo "fuzz: no fuzz targets found" >&2
  exit 1
fi

failed=()
n=0
start=$(date +%s)
while IFS=$'\t' read -r dir name; do
  n=$((n + 1))
  echo "fuzz: ./$dir $name for $fuzztime"
  # -run '^$' skips the unit tests; the seed corpus still runs first.
  # Minimising a new input that grew from a large real-world seed can take
  # minutes; bound it so the short run stays short (a crasher is still kept).
  log=${TMPDIR:-/tmp}/fuzz-$name.log
  ok=true
  for attempt in 1 2; do
    if $GO test -count=1 -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" -fuzzminimizetime "$minimize" "./$dir" >"$log" 2>&1; then
      ok=true
      break
    fi
    ok=false
    # The Go fuzzing coordinator sometimes reports its own end-of-fuzztime
    # deadline as a failure ("context deadline exceeded") with no failing
    # input. That is not a finding: try once more, and say so loudly.
    if grep -q 'context deadline exceeded' "$log" && ! grep -q 'Failing input written' "$log" && [ "$attempt" = 1 ]; then
      echo "fuzz: WARNING $name: the fuzzing engine hit its own deadline without a failing input; running it again"
      continue
    fi
    break
  done
  if ! $ok; then
    cat "$log"
    failed+=("./$dir $name")
  else
    # The last progress line carries the execution count.
    grep 'execs:' "$log" | tail -n 1 | sed 's/^/  /' || true
  fi
done <<<"$targets"

echo "fuzz: $n targets in $(( $(date +%s) - start ))s"
if [ ${#failed[@]} -gt 0 ]; then
  printf 'fuzz: FAILED %s\n' "${failed[@]}" >&2
  exit 1
fi
