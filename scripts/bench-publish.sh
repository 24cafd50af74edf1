#!/usr/bin/env bash
# scripts/bench-publish.sh [RESULTS]: publish a make bench run. Copies RESULTS
# (default build/bench/results.md) to bench/results.md and rewrites the
# blocks between "<!-- bench:verdicts -->" and "<!-- /bench:verdicts -->" in
# README.md and docs/performance.md with that run's header (date, commit,
# load) and its verdict lines as a table, so every figure the two documents quote
# comes from one make bench output file.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
src=${1:-build/bench/results.md}
[ -f "$src" ] || { echo "bench-publish: $src not found (run make bench first)" >&2; exit 2; }
grep -qE '^- .*\*\*(PASS|FAIL|UNMEASURED)\*\*' "$src" || { echo "bench-publish: $src has no verdict lines" >&2; exit 2; }

[ "$(realpath "$src")" = "$root/bench/results.md" ] || cp "$src" bench/results.md
block=$(mktemp)
trap 'rm -f "$block"' EXIT
{
  echo "From [bench/results.md](bench/results.md), the output of \`make bench\`:"
  echo "$(grep -m1 -E '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' bench/results.md | cut -d';' -f1 | sed 's/, median of.*//')."
  grep -m1 '^Load average before/after:' bench/results.md | cut -d';' -f1 | sed 's/$/./'
  echo
  echo "| target | verdict | figures |"
  echo "|---|---|---|"
  grep -E '^- .*\*\*(PASS|FAIL|UNMEASURED)\*\*' bench/results.md |
    sed -E 's/\|/\\|/g; s/^- (.*): \*\*(PASS|FAIL|UNMEASURED)\*\* \((.*)\)$/| \1 | **\2** | \3 |/'
}>"$block"
for doc in README.md docs/performance.md; do
  grep -q '^<!-- bench:verdicts -->$' "$doc" || { echo "bench-publish: $doc has no <!-- bench:verdicts --> block" >&2; exit 2; }
  # The link is relative to the document.
  link=bench/results.md
  [ "$doc" = docs/performance.md ] && link=../bench/results.md
  awk -v blockfile="$block" -v link="$link" '
    /^<!-- bench:verdicts -->$/ { print; while ((getline l < blockfile) > 0) { gsub(/\(bench\/results\.md\)/, "(" link ")", l); print l }; skip = 1; next }
    /^<!-- \/bench:verdicts -->$/ { skip = 0 }
    !skip { print }
  ' "$doc" >"$doc.tmp"
  mv "$doc.tmp" "$doc"
done
echo "published $src to bench/results.md, README.md and docs/performance.md"
