#!/usr/bin/env bash
# Builds the reference stack's Lambda handlers (functions/*) for
# provided.al2023 on arm64 and zips each `bootstrap` into
# build/functions/<name>.zip, the paths the stack's package_dir expects.
# Usage: scripts/functions.sh [OUTDIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/build/functions}
command -v zip >/dev/null || { echo "functions: zip not found; apt-get install zip" >&2; exit 1; }
mkdir -p "$out"
for dir in "$root"/functions/*/; do
  name=$(basename "$dir")
  [ -f "$dir/main.go" ] || continue
  tmp=$(mktemp -d)
  (cd "$root" && CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build -trimpath -tags lambda.norpc -o "$tmp/bootstrap" "./functions/$name")
  rm -f "$out/$name.zip"
  (cd "$tmp" && zip -q -X "$out/$name.zip" bootstrap)
  rm -rf "$tmp"
  echo "functions: wrote $out/$name.zip"
done
