#!/bin/bash
# scripts/pgo.sh (make pgo): regenerate cmd/letsleep/default.pgo, the CPU
# profile that `go build` uses for profile-guided optimisation (the go
# command's default -pgo=auto picks up default.pgo in the main package).
#
# The profile is BenchmarkCheck (internal/runner): the whole check, as the
# CLI runs it, on the generated for_each, distinct and community plans, the
# last also with its sources, at 1k resources (where compiling the policies
# weighs) and 50k (where the plan does). A stale profile is harmless: the
# compiler ignores what no longer matches. Regenerate it when the hot path
# changes shape; TestDefaultPGOProfile (cmd/letsleep) checks it still names
# every stage.
set -euo pipefail
cd "$(dirname "$0")/.."
out=cmd/letsleep/default.pgo
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
LETSLEEP_BENCH_SIZES=${LETSLEEP_BENCH_SIZES:-1000,50000} \
  go test -run '^$' -bench '^BenchmarkCheck$' -benchtime "${PGO_BENCHTIME:-3x}" \
  -cpuprofile "$tmp/check.pprof" -o "$tmp/runner.test" ./internal/runner/ >"$tmp/bench.log"
# Written whole, then moved: an interrupted run leaves the old profile.
cp "$tmp/check.pprof" "$tmp/default.pgo"
mv "$tmp/default.pgo" "$out"
echo "pgo: wrote $out ($(wc -c <"$out") bytes); rebuild to use it"
