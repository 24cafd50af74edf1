#!/usr/bin/env bash
# Proves the first test tier: as an unprivileged user with no LETSLEEP_TIERS
# and no CI, plain `go test ./...` passes and starts nothing privileged (no
# network namespace, no nftables, no PostgreSQL, no terraform).
#
# Run as root (it creates the user); .ci/run runs it after make test. One
# run at a time (a lock file), and idempotent: the user, its module and
# build caches persist under $LETSLEEP_NONROOT_DIR (default
# /var/tmp/letsleep-nonroot) so a second run only rebuilds what changed.
#
#   - The user (letsleep-test, no login shell, no groups) gets its own
#     GOPATH, GOMODCACHE and GOCACHE. Modules come through GOPROXY: first a
#     world-readable copy of root's module download cache (file://, no
#     network), then the proxies `go env GOPROXY` names.
#   - The project is copied (tracked and untracked, not ignored files: the
#     working tree as `git status` sees it) to a folder the user owns, with
#     ../shared linked beside it as it is beside the repository.
#   - terraform, ip, nft, unshare, nsenter, initdb, pg_ctl, postgres and
#     setpriv are shadowed on PATH by shims that log each call before
#     running the real tool: the run fails if any was called.
#   - Every second while the tests run, each process of the user is checked
#     for a network or user namespace other than the host's: the run fails
#     if one had its own. (Named namespaces, `ip netns list`, cannot be made
#     by the user: /run/netns is root's. Those that appear meanwhile come
#     from another lab on the machine and are only reported.)
#   - Every test that needs a tier must have said it skipped (the loud
#     testtier line): the script counts them from `go test -json`.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
GO=${GO:-go}
user=${LETSLEEP_NONROOT_USER:-letsleep-test}
base=${LETSLEEP_NONROOT_DIR:-/var/tmp/letsleep-nonroot}

if [ "$(id -u)" -ne 0 ]; then
  echo "test-nonroot: run as root (it creates the unprivileged user $user); as a non-root user, plain 'go test ./...' is the test" >&2
  exit 2
fi
start=$(date +%s)
# One run at a time (two CI clones may run side by side): the runs share
# the user, the caches and the copy of the tree at a fixed path, which
# keeps the build cache warm.
mkdir -p "$base"
exec 8>"$base/lock"
if ! flock -w 3600 8; then
  echo "test-nonroot: another run held $base/lock for an hour; giving up" >&2
  exit 1
fi
goroot=$("$GO" env GOROOT)
proxies=$("$GO" env GOPROXY)
modcache=$("$GO" env GOMODCACHE)

if ! id -u "$user" >/dev/null 2>&1; then
  useradd --system --no-create-home --home-dir "$base/home" --shell /usr/sbin/nologin "$user"
fi
uid=$(id -u "$user")
gid=$(id -g "$user")
mkdir -p "$base"
chmod 0755 "$base"
install -d -o "$uid" -g "$gid" "$base/home" "$base/gopath" "$base/gocache" "$base/shimlog"

# Root's downloaded modules, readable by anyone, as a file:// proxy.
# cp -u refreshes only what root downloaded since the last run.
if [ -d "$modcache/cache/download" ]; then
  mkdir -p "$base/modproxy"
  cp -ru "$modcache/cache/download/." "$base/modproxy/"
  chmod -R a+rX "$base/modproxy"
  proxies="file://$base/modproxy,$proxies"
fi

# The project as the working tree holds it, minus ignored files.
rm -rf "$base/src"
install -d -o "$uid" -g "$gid" "$base/src"
git ls-files -z -co --exclude-standard | while IFS= read -r -d '' f; do
  [ -e "$f" ] && printf '%s\0' "$f"
done | tar -C "$repo" --null -T - -cf - | tar -C "$base/src" -xf -
chown -R "$uid:$gid" "$base/src"
# The community stacks name their modules as ../shared/community-modules
# (the read-only third-party folder beside the repository): give the copy
# the same neighbour, as a link, so the user reads it where it is.
rm -f "$base/shared"
if [ -d "$repo/../shared" ]; then
  ln -s "$(cd "$repo/../shared" && pwd -P)" "$base/shared"
fi

# Shims: log the call, then run the real tool found after the shim folder.
shims="$base/shims"
rm -rf "$shims"
mkdir -p "$shims"
log="$base/shimlog/calls"
: >"$log"
chown "$uid:$gid" "$log"
realpath_=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
for tool in terraform ip nft unshare nsenter initdb pg_ctl postgres setpriv; do
  cat >"$shims/$tool" <<EOF
#!/bin/sh
echo "$tool \$*" >>"$log"
PATH=$realpath_ exec $tool "\$@"
EOF
  chmod 0755 "$shims/$tool"
done

before=$(ip netns list 2>/dev/null | awk '{print $1}' | sort)
out="$base/home/go-test.json"
nslog="$base/home/namespaces"
: >"$nslog"
hostns="$(readlink /proc/$$/ns/net) $(readlink /proc/$$/ns/user)"
set +e
setpriv --reuid="$uid" --regid="$gid" --clear-groups --no-new-privs \
  env -i HOME="$base/home" USER="$user" PATH="$shims:$goroot/bin:$realpath_" \
  GOPATH="$base/gopath" GOMODCACHE="$base/gopath/pkg/mod" GOCACHE="$base/gocache" \
  GOPROXY="$proxies" GOTOOLCHAIN=local GOFLAGS=-buildvcs=false TMPDIR=/tmp \
  sh -c 'cd "$1" && go test -count=1 -json ./...' _ "$base/src" >"$out" 2>"$base/home/go-test.stderr" &
gotest=$!
# Bounded: once a second for as long as go test runs, at most 3 hours.
for _ in $(seq 10800); do
  kill -0 "$gotest" 2>/dev/null || break
  for pid in $(pgrep -u "$uid"); do
    net=$(readlink "/proc/$pid/ns/net") && usr=$(readlink "/proc/$pid/ns/user") || continue # gone meanwhile
    [ "$net $usr" = "$hostns" ] || echo "$pid $(cat "/proc/$pid/comm" 2>/dev/null) $net $usr" >>"$nslog"
  done
  sleep 1
done
wait "$gotest"
rc=$?
set -e
after=$(ip netns list 2>/dev/null | awk '{print $1}' | sort)
elapsed=$(( $(date +%s) - start ))

fail=0
if [ "$rc" -ne 0 ]; then
  echo "test-nonroot: go test ./... as $user failed (exit $rc); failing tests and packages:" >&2
  jq -r 'select(.Action=="fail") | "  FAIL \(.Package) \(.Test // "")"' "$out" >&2 || true
  tail -n 20 "$base/home/go-test.stderr" >&2
  fail=1
fi
if [ -s "$log" ]; then
  echo "test-nonroot: plain go test ran privileged or terraform tools:" >&2
  sed 's/^/  /' "$log" >&2
  fail=1
fi
if [ -s "$nslog" ]; then
  echo "test-nonroot: a process of $user ran in its own namespace (pid, command, net and user namespace):" >&2
  sort -u -k2 "$nslog" | sed 's/^/  /' >&2
  fail=1
fi
new=$(comm -13 <(echo "$before") <(echo "$after") | grep -v '^$' | tr '\n' ' ' || true)
if [ -n "$new" ]; then
  echo "test-nonroot: note: named network namespaces appeared meanwhile ($new); $user cannot make those (/run/netns is root's): another lab ran beside this run"
fi
passed=$(jq -r 'select(.Action=="pass" and .Test != null) | .Test' "$out" | wc -l)
skipped=$(jq -r 'select(.Action=="skip" and .Test != null) | .Test' "$out" | wc -l)
# Tier skips print testtier.SkipMessage (SKIPPING LAB TIER, ...): count the
# tests that said so, per tier.
tiers=$(jq -r 'select(.Action=="output" and .Test != null and (.Output | test("SKIPPING [A-Z]+ TIER"))) | "\(.Package) \(.Test) \(.Output | capture("SKIPPING (?<t>[A-Z]+) TIER").t)"' "$out" | sort -u | awk '{print $3}' | sort | uniq -c | awk '{printf "%s %s, ", $1, tolower($2)}')
if [ -z "$tiers" ]; then
  echo "test-nonroot: no test said its tier was off: the tier gates did not run" >&2
  fail=1
fi
summary="go test ./... as $user (uid $uid), no LETSLEEP_TIERS: $passed tests passed, $skipped skipped (tier off: ${tiers%, }); ${elapsed}s"
if [ "$fail" -ne 0 ]; then
  echo "test-nonroot: FAILED (above): $summary" >&2
  exit 1
fi
echo "test-nonroot: $summary; no privileged or terraform tool called, no process of $user in a namespace of its own"
