#!/usr/bin/env bash
# The logic of the letsleep GitHub Action (action.yml runs it; tests/action
# runs it locally with a fake GitHub environment). Inputs come as INPUT_*
# variables, GitHub's context as the usual GITHUB_* variables.
#
#   INPUT_PLAN        plan JSON or binary plan to check, or
#   INPUT_DIRECTORY   Terraform directory to plan (init, plan, show) first
#   INPUT_VAR_FILES   var files for the plan, one per line or comma-separated
#   INPUT_WORKSPACE   Terraform workspace to select before planning
#   INPUT_ARGS        extra arguments for letsleep check (word-split)
#   INPUT_FAIL_ON     critical|high|medium|low|info|none
#   INPUT_STRICT      true: fail on anything letsleep could not analyse
#   INPUT_POLICY      directories of your own Rego, one per line or comma-separated
#   INPUT_WAIVERS     waivers YAML file
#   INPUT_SARIF       true: hand the SARIF to the upload step
#   INPUT_COMMENT     true: post or update the pull-request comment
#
# letsleep runs once and writes the SARIF, the Markdown summary and the run's
# annotations from that one analysis. Outputs: exit-code, sarif-file,
# markdown-file, upload-sarif.
set -uo pipefail

out_dir="${RUNNER_TEMP:-$(mktemp -d)}/letsleep"
mkdir -p "$out_dir"
sarif="$out_dir/letsleep.sarif"
markdown="$out_dir/letsleep.md"

output() { echo "$1=$2" >> "${GITHUB_OUTPUT:-/dev/null}"; }
notice() { echo "::notice title=letsleep::$1"; }
fail() {
  echo "::error title=letsleep::$1"
  output exit-code 2
  exit 2
}
# truthy avoids ${1,,}: macOS runners have bash 3.2.
truthy() { case "$(tr '[:upper:]' '[:lower:]' <<< "${1:-}")" in true | yes | 1 | on) return 0 ;; *) return 1 ;; esac }
# list splits a comma- or newline-separated input into non-empty lines.
list() { tr ',' '\n' <<< "${1:-}" | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' -e '/^$/d'; }

plan="${INPUT_PLAN:-}"
dir="${INPUT_DIRECTORY:-}"
if [ -n "$plan" ] && [ -n "$dir" ]; then
  fail "give either plan or directory, not both"
fi
if [ -z "$plan" ] && [ -z "$dir" ]; then
  fail "give plan (a plan JSON or binary plan) or directory (a Terraform directory to plan)"
fi

if [ -n "$dir" ]; then
  [ -d "$dir" ] || fail "directory $dir does not exist"
  tf=(terraform -chdir="$dir")
  "${tf[@]}" init -input=false || fail "terraform init failed in $dir"
  if [ -n "${INPUT_WORKSPACE:-}" ]; then
    "${tf[@]}" workspace select -or-create "$INPUT_WORKSPACE" || fail "terraform workspace select $INPUT_WORKSPACE failed"
  fi
  plan_args=(plan -input=false -out="$out_dir/tfplan")
  while IFS= read -r f; do
    # Relative var files are relative to the directory, as terraform -chdir reads them.
    plan_args+=("-var-file=$f")
  done < <(list "${INPUT_VAR_FILES:-}")
  "${tf[@]}" "${plan_args[@]}" || fail "terraform plan failed in $dir"
  "${tf[@]}" show -json "$out_dir/tfplan" > "$out_dir/plan.json" || fail "terraform show failed in $dir"
  plan="$out_dir/plan.json"
elif [ -n "${INPUT_VAR_FILES:-}" ] || [ -n "${INPUT_WORKSPACE:-}" ]; then
  notice "var-files and workspace apply when the action plans a directory; they are ignored for an existing plan"
fi

args=(check "$plan" --fail-on "${INPUT_FAIL_ON:-medium}"
  -o "sarif=$sarif" -o "markdown=$markdown" -o "github=-")
if truthy "${INPUT_STRICT:-false}"; then args+=(--strict); fi
while IFS= read -r p; do args+=(--policy "$p"); done < <(list "${INPUT_POLICY:-}")
if [ -n "${INPUT_WAIVERS:-}" ]; then args+=(--waivers "$INPUT_WAIVERS"); fi
# shellcheck disable=SC2206 # word-splitting the free-form args is the point
if [ -n "${INPUT_ARGS:-}" ]; then extra=(${INPUT_ARGS}); args+=("${extra[@]}"); fi

echo "letsleep $(letsleep --version 2>/dev/null | sed 's/^letsleep //')"
letsleep "${args[@]}"
code=$?
output exit-code "$code"
if [ "$code" -ge 2 ]; then
  echo "::error title=letsleep::letsleep could not check the plan (exit $code); see the message above"
  exit 0
fi
output sarif-file "$sarif"
output markdown-file "$markdown"
cat "$markdown" >> "${GITHUB_STEP_SUMMARY:-/dev/null}"

# A pull request from a fork runs with a read-only token: code scanning
# uploads and comments would fail, so they are skipped with a notice.
pr_number=""
fork=false
if [[ "${GITHUB_EVENT_NAME:-}" == pull_request* ]] && [ -f "${GITHUB_EVENT_PATH:-}" ]; then
  pr_number=$(jq -r '.pull_request.number // empty' "$GITHUB_EVENT_PATH")
  head_repo=$(jq -r '.pull_request.head.repo.full_name // empty' "$GITHUB_EVENT_PATH")
  if [ -n "$head_repo" ] && [ "$head_repo" != "${GITHUB_REPOSITORY:-}" ]; then
    fork=true
  fi
fi

if truthy "${INPUT_SARIF:-true}" && [ "$fork" = false ]; then
  output upload-sarif true
else
  output upload-sarif false
  if truthy "${INPUT_SARIF:-true}"; then notice "pull request from a fork ($head_repo): the SARIF upload is skipped (the token is read-only); the annotations and the job summary have the findings"; fi
fi

if ! truthy "${INPUT_COMMENT:-true}" || [ -z "$pr_number" ]; then
  exit 0
fi
if [ "$fork" = true ]; then
  notice "pull request from a fork ($head_repo): the comment is skipped (the token is read-only); the job summary has the report"
  exit 0
fi

# The hidden marker names what was checked, so that two letsleep steps in one
# workflow (two stacks) keep one comment each, and no other bot's comment is
# ever edited.
marker="<!-- letsleep-action: ${INPUT_DIRECTORY:-${INPUT_PLAN:-}} -->"
body="$out_dir/comment.md"
{ echo "$marker"; cat "$markdown"; } > "$body"
api="repos/${GITHUB_REPOSITORY}/issues"
comments=$(gh api --paginate "$api/$pr_number/comments?per_page=100") || { notice "could not list the pull request's comments; no comment posted"; exit 0; }
id=$(jq -rs --arg m "$marker" '[.[] | if type == "array" then .[] else . end | select((.body // "") | contains($m))][0].id // empty' <<< "$comments")
if [ -n "$id" ]; then
  gh api --method PATCH "$api/comments/$id" -F "body=@$body" > /dev/null || notice "could not update comment $id"
else
  gh api --method POST "$api/$pr_number/comments" -F "body=@$body" > /dev/null || notice "could not post the comment"
fi
exit 0
