#!/usr/bin/env bash
# Writes a terraform CLI config that installs the AWS provider from the local
# filesystem mirror, so `terraform init` and `plan` work without the internet.
# Usage: scripts/terraformrc.sh OUTFILE
set -euo pipefail
out=${1:?usage: terraformrc.sh OUTFILE}
# LETSLEEP_TF_MIRROR=registry skips the search and uses the registry.
mirror=${LETSLEEP_TF_MIRROR:-}
if [ "$mirror" = registry ]; then
  mirror=""
elif [ -z "$mirror" ]; then
  for d in /opt/tf-plugins /usr/share/terraform/plugins /usr/local/share/terraform/plugins "$HOME/.terraform.d/plugins"; do
    if [ -d "$d/registry.terraform.io/hashicorp/aws" ]; then mirror=$d; break; fi
  done
fi
mkdir -p "$(dirname "$out")"
cache="$(cd "$(dirname "$out")" && pwd)/plugin-cache"
if [ -z "$mirror" ]; then
  # A laptop with normal internet: no mirror, so terraform installs the
  # provider from the registry, once, into the shared plugin cache.
  echo "terraformrc: no local AWS provider mirror found (set LETSLEEP_TF_MIRROR to use one); terraform will download providers from registry.terraform.io" >&2
  mkdir -p "$cache"
  tmp=$(mktemp)
  printf 'plugin_cache_dir = "%s"\n' "$cache" >"$tmp"
  mv "$tmp" "$out"
  exit 0
fi
# Several test packages run terraform init at once; terraform's plugin cache
# is not safe for concurrent filling, so fill it here, once, under a lock.
# Later inits only link from it.
exec 9>"$(dirname "$out")/.terraformrc.lock"
flock 9
tmp=$(mktemp)
cat >"$tmp" <<CFG
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/*/*"]
  }
}
plugin_cache_dir = "$cache"
# Without a lock file terraform would re-install into the cache on every
# init, and concurrent inits race on it; the mirror is trusted, so link.
plugin_cache_may_break_dependency_lock_file = true
CFG
mkdir -p "$cache"
mv "$tmp" "$out"
if ! ls "$cache"/registry.terraform.io/hashicorp/aws/*/*/terraform-provider-aws* >/dev/null 2>&1; then
  warm=$(mktemp -d)
  trap 'rm -rf "$warm"' EXIT
  printf 'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n  }\n}\n' >"$warm/main.tf"
  if ! TF_CLI_CONFIG_FILE="$out" TF_DATA_DIR="$warm/.terraform" terraform -chdir="$warm" init -input=false -no-color >"$warm/log" 2>&1; then
    echo "terraformrc: could not fill the plugin cache from $mirror:" >&2
    tail -n 20 "$warm/log" >&2
    exit 1
  fi
fi
