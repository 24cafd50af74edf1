#!/usr/bin/env bash
# Regenerates docs/formats.md and docs/images/graph-*.png from real runs of
# letsleep on the example stacks, planned offline.
# Needs: terraform and the local AWS provider mirror (see scripts/terraformrc.sh)
# and rsvg-convert (Debian: librsvg2-bin) for the PNG screenshots.
# Usage: docs/gen-formats.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
go build -trimpath -o bin/letsleep ./cmd/letsleep
ll=$root/bin/letsleep
scripts/terraformrc.sh build/terraformrc
export TF_CLI_CONFIG_FILE=$root/build/terraformrc TF_IN_AUTOMATION=1 TF_VAR_offline=true \
  AWS_ACCESS_KEY_ID=offline-fake AWS_SECRET_ACCESS_KEY=offline-fake AWS_REGION=eu-west-1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

plan() { # plan STACK_DIR OUT_JSON
  (cd "$1" && terraform init -input=false >/dev/null && terraform plan -refresh=false -input=false -out "$work/tfplan" >/dev/null \
    && terraform show -json "$work/tfplan" >"$2")
}
plan terraform/examples/data-api-grant "$work/plan.json"
plan terraform/stacks/reference "$work/reference.json"

# A waivers file that waives one finding and has one expired entry, so the
# samples show waived findings and notices too.
cat >"$work/waivers.yaml" <<'YAML'
waivers:
  - rule: LSL-015
    resource: 'module.stack.module.control.data.aws_iam_policy_document.connect'
    reason: "the connect policy names one DB user; resources checked by hand"
    expires: 2099-12-31
  - rule: LSL-004
    resource: "module.stack.module.network.*"
    reason: "NAT kept until the egress split ships"
    expires: 2026-01-31
YAML

cd "$work"
out=$root/docs/formats.md
{
  cat <<'MD'
# Output formats

Every sample below is the real output of `letsleep`, produced by
`docs/gen-formats.sh` from the `terraform/examples/data-api-grant` stack
(planned offline: the hot role is granted `rds-data:*` and the master secret)
with this waivers file:

```yaml
MD
  cat waivers.yaml
  cat <<'MD'
```

The check command for each sample is
`letsleep check plan.json --waivers waivers.yaml --format FORMAT`
(exit code 1: findings at or above `medium`).

Waivers: `rule` is a rule id or a category; `resource` is a glob over the
full address (`*` also crosses dots, `{a,b}` alternatives); square brackets
are glob classes, so a literal index such as `[0]` or `["control"]` is
escaped as `\[0\]` (in a single-quoted YAML string; double the
backslashes in a double-quoted one). `reason` and `expires` (YYYY-MM-DD,
valid through that day in UTC) are required. An expired waiver waives
nothing and is reported as an `expired-waiver` notice; a waiver that
matches no finding is an `unused-waiver` notice; waived findings stay in
the report under `waived`. A bad date, a missing field, an unknown rule or
a duplicate is an input error (exit 2) naming the file and line.

| format | for | notes |
|---|---|---|
| `table` | people at a terminal (default) | colour only on a terminal; `NO_COLOR` turns it off |
| `json` | scripts | the stable contract: sorted findings, byte-identical across runs, `[]` for empty arrays; each finding's `assumptions`, and `summary.analysed` |
| `sarif` | GitHub code scanning and other SARIF viewers | SARIF 2.1.0, one rule per check with `security-severity`, the evidence path as a code flow, waived findings as suppressed results, a finding's assumptions in the result's `properties` |
| `junit` | CI test reports | one test suite per rule, a failing test case per finding, a skipped one per waived finding |
| `markdown` | pull-request comments, job summaries | summary table, collapsible evidence, Mermaid boundary graph |
| `github` | GitHub Actions annotations | one `::error`/`::warning`/`::notice` workflow command per finding, escaped per GitHub's rules |

MD
  for f in table json sarif junit markdown github; do
    echo "## \`$f\`"
    echo
    case $f in
      json) lang=json ;; sarif) lang=json ;; junit) lang=xml ;; *) lang=text ;;
    esac
    if [ "$f" = markdown ]; then
      echo "Rendered as GitHub shows it in a PR comment (quoted here):"
      echo
      { "$ll" check plan.json --waivers waivers.yaml --format "$f" || true; } | sed 's/^/> /' 
      echo
      echo "<details><summary>Markdown source</summary>"
      echo
      echo '````markdown'
      "$ll" check plan.json --waivers waivers.yaml --format "$f" || true
      echo '````'
      echo
      echo "</details>"
    else
      echo "\`\`\`$lang"
      "$ll" check plan.json --waivers waivers.yaml --format "$f" || true
      echo '```'
    fi
    echo
  done
  cp "$root/internal/model/testdata/community/dynvpc/plan.json" guess.json
  cat <<'MD'
## A finding that rests on an assumption

What letsleep could not know is never reported as a fact. Each finding has
`assumptions` (`[]` for a fact), each `{address, unknown, assumed}`; a
finding with any is at most `medium`, so the run still fails at the default
threshold. The table and markdown print them after the path, `github` and
`junit` in the message, SARIF in the message and in the result's
`properties` (`unresolved`, `assumptions`). Every summary also states what
was analysed (`summary.analysed` in JSON).

`letsleep check guess.json`, the plan of
`internal/model/testdata/community/dynvpc` read without its `.tf` files (the
egress function's `vpc_config` is a `dynamic` block, which the plan does not
carry):

```text
MD
  "$ll" check guess.json || true
  cat <<'MD'
```

The same finding in `--format json`:

```json
MD
  { "$ll" check guess.json --format json || true; } | jq '.findings[] | select(.category == "unanalysed" and .severity == "medium")'
  cat <<'MD'
```

## `letsleep explain`

`letsleep explain plan.json LSL-011` (a rule id or category; a function address gives its capabilities):

```text
MD
  "$ll" explain plan.json LSL-011
  cat <<'MD'
```

`letsleep explain plan.json module.stack.module.hot.aws_lambda_function.this`:

```text
MD
  "$ll" explain plan.json module.stack.module.hot.aws_lambda_function.this
  cat <<'MD'
```

## `letsleep graph`

`letsleep graph plan.json --format mermaid` (SVG and DOT are the other formats):

```mermaid
MD
  "$ll" graph plan.json --format mermaid
  cat <<'MD'
```

The reference stack, `letsleep graph reference.json --format svg`, converted
to PNG with `rsvg-convert`:

![boundary graph of the reference stack](images/graph-reference.png)

The data-api-grant example: the red edges are the violating paths.

![boundary graph of the data-api-grant example](images/graph-data-api-grant.png)

## `letsleep cost`

`letsleep cost plan.json --region eu-west-1 --awake-hours 180`:

```text
MD
  "$ll" cost plan.json --region eu-west-1 --awake-hours 180
  echo '```'
} >"$out"

"$ll" graph reference.json --format svg --output graph-reference.svg
"$ll" graph plan.json --format svg --output graph-data-api-grant.svg
rsvg-convert -b white -z 1.3 graph-reference.svg -o "$root/docs/images/graph-reference.png"
rsvg-convert -b white -z 1.3 graph-data-api-grant.svg -o "$root/docs/images/graph-data-api-grant.png"
echo "wrote $out and docs/images/graph-{reference,data-api-grant}.png"
