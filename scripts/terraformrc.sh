#!/usr/bin/env bash
# Writes a terraform CLI config that installs the AWS provider from the local
# filesystem mirror, so `terraform init` and `plan` work without the internet.
# Usage: scripts/terraformrc.sh OUTFILE
set -euo pipefail
out=${1:?usage: terraformrc.sh OUTFILE}
mirror=${LETSLEEP_TF_MIRROR:-}
if [ -z "$mirror" ]; then
  for d in /opt/tf-plugins /usr/share/terraform/plugins /usr/local/share/terraform/plugins "$HOME/.terraform.d/plugins"; do
    if [ -d "$d/registry.terraform.io/hashicorp/aws" ]; then mirror=$d; break; fi
  done
fi
if [ -z "$mirror" ]; then
  echo "terraformrc: no AWS provider mirror found; set LETSLEEP_TF_MIRROR to a directory holding registry.terraform.io/hashicorp/aws" >&2
  exit 1
fi
mkdir -p "$(dirname "$out")"
tmp=$(mktemp)
cat >"$tmp" <<CFG
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/*/*"]
  }
}
plugin_cache_dir = "$(cd "$(dirname "$out")" && pwd)/plugin-cache"
CFG
mkdir -p "$(dirname "$out")/plugin-cache"
mv "$tmp" "$out"
