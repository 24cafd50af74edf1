#!/usr/bin/env bash
# Compare `letsleep check --format json` and `letsleep model` of a git ref
# (default HEAD) with the working tree, on the plans of `make plans` (build/plans), the community
# stacks (with their sources) and ../shared/realworld-plans. For refactors of
# internal/model that must change nothing: prints "identical" or the diffs.
# Usage: scripts/model-diff.sh [REF]
set -euo pipefail
cd "$(dirname "$0")/.."
ref=${1:-HEAD}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The ref's binary is kept by commit, so repeated runs build only the tree.
sha=$(git rev-parse "$ref^{commit}")
mkdir -p build/model-diff
if [ ! -x "build/model-diff/$sha" ]; then
  git archive "$ref" | tar -x -C "$tmp" --one-top-level=src
  (cd "$tmp/src" && go build -trimpath -o "$OLDPWD/build/model-diff/$sha" ./cmd/letsleep)
fi
cp "build/model-diff/$sha" "$tmp/old"
go build -trimpath -o "$tmp/new" ./cmd/letsleep
plans=()
for p in build/plans/*.json ../shared/realworld-plans/*.json; do
  [ -f "$p" ] && plans+=("$p|")
done
for p in terraform/community/*/plan.json; do plans+=("$p|$(dirname "$p")"); done
for extra in ${LETSLEEP_DIFF_EXTRA:-}; do plans+=("$extra|"); done
bad=0
for entry in "${plans[@]}"; do
  p=${entry%%|*} src=${entry#*|}
  args=()
  [ -n "$src" ] && args=(--source "$src")
  for bin in old new; do
    set +e
    "$tmp/$bin" check --format json "${args[@]}" "$p" >"$tmp/$bin.check" 2>"$tmp/$bin.err"
    echo "exit $?" >>"$tmp/$bin.check"
    "$tmp/$bin" model "${args[@]}" "$p" >"$tmp/$bin.model" 2>>"$tmp/$bin.err"
    set -e
  done
  for k in check model; do
    if ! cmp -s "$tmp/old.$k" "$tmp/new.$k"; then
      echo "DIFF $k $p"
      diff <(jq -S . "$tmp/old.$k" 2>/dev/null || cat "$tmp/old.$k") <(jq -S . "$tmp/new.$k" 2>/dev/null || cat "$tmp/new.$k") | head -20 || true
      bad=1
    fi
  done
done
if [ "$bad" = 0 ]; then echo "identical on ${#plans[@]} plans (check and model JSON)"; fi
exit "$bad"
