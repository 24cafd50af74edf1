package badinput

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

const howTo = "run `terraform plan -out tfplan && terraform show -json tfplan`"

// TestPlanFileInputs passes broken or wrong files where a plan JSON belongs.
func TestPlanFileInputs(t *testing.T) {
	t.Parallel()
	validPlan := string(mustJSON(t, planDoc(tfRes{Addr: "aws_s3_bucket.b", Values: map[string]any{"bucket": "b"}})))
	cases := []struct {
		name string
		file string
		data string
		want inputErr
	}{
		{"empty file", "plan.json", "", inputErr{
			line: "letsleep: {file}: empty file: pass the output of `terraform show -json tfplan`"}},
		{"only white space", "plan.json", " \n\t\n", inputErr{
			line: "letsleep: {file}: empty file: pass the output of `terraform show -json tfplan`"}},
		{"non-JSON text", "plan.json", "hello, this is not a plan\n", inputErr{
			line: "letsleep: {file}: not JSON: invalid character 'h' at line 1, column 1; pass the output of `terraform show -json tfplan`"}},
		{"JSON array", "plan.json", `[{"format_version":"1.2"}]`, inputErr{
			contains: []string{"letsleep: {file}: expected a JSON object from `terraform show -json`, got an array"}}},
		{"JSON scalar number", "plan.json", "42\n", inputErr{
			contains: []string{"letsleep: {file}: expected a JSON object from `terraform show -json`, got a scalar"}}},
		{"JSON scalar string", "plan.json", `"tfplan"`, inputErr{
			contains: []string{"letsleep: {file}: expected a JSON object from `terraform show -json`, got a scalar"}}},
		{"JSON null", "plan.json", "null", inputErr{
			contains: []string{"letsleep: {file}: expected a JSON object from `terraform show -json`, got a scalar"}}},
		{"truncated JSON", "plan.json", validPlan[:len(validPlan)/2], inputErr{
			line: "letsleep: {file}: truncated JSON: the file ends before the plan is complete (was it cut off?); " + howTo + " again"}},
		{"syntax error names line and column", "plan.json", "{\n  \"format_version\": \"1.2\",\n  oops: 1\n}\n", inputErr{
			matches: []string{`^letsleep: \S+: not valid JSON at line 3, column \d+: invalid character 'o'`}}},
		{"wrong type names the JSON path", "plan.json", `{"format_version":"1.2","planned_values":{"root_module":{"resources":7}}}`, inputErr{
			matches: []string{`unexpected JSON at planned_values\.root_module\.resources \(line 1, column \d+\): got number`}}},
		{"format_version of the wrong type", "plan.json", `{"format_version":1.2,"planned_values":{}}`, inputErr{
			matches: []string{`unexpected JSON at format_version \(line 1, column \d+\): got number, want string`}}},
		{"two documents", "plan.json", validPlan + "\n" + validPlan, inputErr{
			contains: []string{"letsleep: {file}: unexpected data after the plan object: pass one plan JSON document"}}},
		{"object that is not a plan", "plan.json", `{"name":"my-app","version":"1.0.0"}`, inputErr{
			line: "letsleep: {file}: not a terraform plan: format_version is missing; " + howTo}},
		{"state file (show -json of state)", "state.json", `{"format_version":"1.0","terraform_version":"1.9.5","values":{"root_module":{"resources":[]}}}`, inputErr{
			line: "letsleep: {file}: this is a state file, not a plan; " + howTo}},
		{"raw terraform.tfstate", "terraform.tfstate", `{"version":4,"terraform_version":"1.9.5","serial":3,"lineage":"0b7c2d6e-1111-2222-3333-444455556666","outputs":{},"resources":[],"check_results":null}`, inputErr{
			line: "letsleep: {file}: this is a state file, not a plan; " + howTo}},
		{"HCL resource", "main.tf", "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n", inputErr{
			line: "letsleep: {file}: this is Terraform configuration (HCL), not a plan; pass its directory, or " + howTo}},
		{"HCL starting with a comment", "main.tf", "# network\nterraform {\n  required_version = \">= 1.5\"\n}\n", inputErr{
			line: "letsleep: {file}: this is Terraform configuration (HCL), not a plan; pass its directory, or " + howTo}},
		{"HCL terraform block", "versions.tf", "terraform {\n  required_providers {}\n}\n", inputErr{
			line: "letsleep: {file}: this is Terraform configuration (HCL), not a plan; pass its directory, or " + howTo}},
		{"plan that errored", "plan.json", `{"format_version":"1.2","terraform_version":"1.9.5","planned_values":{"root_module":{}},"resource_changes":[],"errored":true}`, inputErr{
			line: "letsleep: {file}: the plan errored; fix the terraform errors first (terraform plan shows them)"}},
		{"binary junk", "plan.json", "\x00\x01\x02\xff\xfe binary", inputErr{
			matches: []string{`^letsleep: \S+: not JSON: invalid character`}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := writeFile(t, tc.file, []byte(tc.data))
			res := run(t, runOpts{}, "check", "--format", "json", path)
			assertInputErr(t, res, path, tc.want)
		})
	}
}

// TestMissingFile names the path the user mistyped.
func TestMissingFile(t *testing.T) {
	t.Parallel()
	path := t.TempDir() + "/no-such-plan.json"
	res := run(t, runOpts{}, "check", path)
	assertInputErr(t, res, path, inputErr{
		line: "letsleep: {file}: no such file or directory: pass a plan JSON file, a binary plan or a terraform directory"})
}

// TestUnknownFormatVersion: a newer plan format is read on best effort with
// a warning, never a crash and never an input error.
func TestUnknownFormatVersion(t *testing.T) {
	t.Parallel()
	doc := planDoc(tfRes{Addr: "aws_s3_bucket.b", Values: map[string]any{"bucket": "b"}})
	doc["format_version"] = "9.0"
	path := writeFile(t, "plan.json", mustJSON(t, doc))
	res := run(t, runOpts{}, "check", "--format", "json", path)
	if res.code == 2 {
		t.Fatalf("unknown format_version made an input error; want a warning and a best effort\nstderr:\n%s", res.stderr)
	}
	var rep struct {
		Warnings []struct {
			Kind, Source, Message string
		} `json:"warnings"`
		Plan struct {
			FormatVersion string `json:"format_version"`
		} `json:"plan"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil {
		t.Fatalf("stdout is not the JSON report: %v\n%s", err, tail(res.stdout))
	}
	found := false
	for _, w := range rep.Warnings {
		if strings.Contains(w.Message, `"9.0"`) && strings.Contains(w.Message, "best effort") {
			found = true
		}
	}
	if !found {
		t.Errorf("no warning about format_version 9.0 in the JSON warnings: %+v", rep.Warnings)
	}
	if rep.Plan.FormatVersion != "9.0" {
		t.Errorf("plan.format_version = %q, want 9.0", rep.Plan.FormatVersion)
	}
	if res.code != 0 {
		t.Errorf("exit %d, want 0: a best-effort read is low (unanalysed), under --fail-on medium", res.code)
	}
	// A best-effort read is something letsleep could not fully analyse.
	if strict := run(t, runOpts{}, "check", "--strict", "--format", "json", path); strict.code != 1 {
		t.Errorf("--strict exit %d, want 1: an unknown plan format must fail a strict run", strict.code)
	}
	// The table format must show the warning too: a human reviewer reads it.
	res = run(t, runOpts{}, "check", path)
	if !strings.Contains(res.stdout+res.stderr, "9.0") {
		t.Errorf("table output does not mention the unknown format_version 9.0:\nstdout:\n%s\nstderr:\n%s", tail(res.stdout), tail(res.stderr))
	}
}

// TestUsageErrors: wrong flags exit 2 with a message that says what is valid.
func TestUsageErrors(t *testing.T) {
	t.Parallel()
	plan := writeFile(t, "plan.json", mustJSON(t, planDoc(tfRes{Addr: "aws_s3_bucket.b", Values: map[string]any{"bucket": "b"}})))
	cases := []struct {
		name string
		args []string
		want inputErr
	}{
		{"unknown flag", []string{"check", "--bogus", plan}, inputErr{
			contains: []string{"unknown flag: --bogus"}, maxLines: 3}},
		{"unknown format", []string{"check", "--format", "xml", plan}, inputErr{
			contains: []string{`"xml"`, "json", "sarif", "junit"}}},
		{"unknown fail-on", []string{"check", "--fail-on", "severe", plan}, inputErr{
			contains: []string{`invalid argument "severe" for "--fail-on" flag: use one of critical, high, medium, low, info, none`}}},
		{"unknown profile", []string{"check", "--profile", "always-off", plan}, inputErr{
			contains: []string{`invalid argument "always-off" for "--profile" flag: use one of sleep-first, always-on`}}},
		{"no path", []string{"check"}, inputErr{
			matches: []string{`(?i)arg|PATH`}, maxLines: 3}},
		{"bad timeout", []string{"check", "--timeout", "soon", plan}, inputErr{
			contains: []string{"--timeout"}, maxLines: 3}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := run(t, runOpts{}, tc.args...)
			assertInputErr(t, res, "", tc.want)
		})
	}
}

// TestOneBadPlanAmongMany: a multi-plan run with one bad plan names that
// plan, exits 2 and writes no partial report.
func TestOneBadPlanAmongMany(t *testing.T) {
	t.Parallel()
	good := writeFile(t, "good.json", mustJSON(t, planDoc(tfRes{Addr: "aws_s3_bucket.b", Values: map[string]any{"bucket": "b"}})))
	bad := writeFile(t, "bad.json", []byte(`{"format_version":"1.2","planned_values":`))
	res := run(t, runOpts{}, "check", "--format", "json", good, bad, good)
	assertInputErr(t, res, bad, inputErr{contains: []string{"letsleep: {file}: truncated JSON"}})
}

// TestOutputFileErrors: --output to a place that cannot be written exits 2,
// names the path the user gave, and does not leak temporary file names.
func TestOutputFileErrors(t *testing.T) {
	t.Parallel()
	plan := writeFile(t, "plan.json", mustJSON(t, planDoc(tfRes{Addr: "aws_s3_bucket.b", Values: map[string]any{"bucket": "b"}})))
	cases := []struct{ name, out string }{
		{"missing directory", filepath.Join(t.TempDir(), "no-such-dir", "report.json")},
		{"a directory", t.TempDir()},
		// Lexically this is dir/report.json; the kernel resolves
		// no-such-dir/.. and fails: the check and the write must agree.
		{"through a missing directory and ..", filepath.Join(t.TempDir(), "no-such-dir") + "/../report.json"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := run(t, runOpts{}, "check", "--format", "json", "--output", tc.out, plan)
			assertInputErr(t, res, tc.out, inputErr{})
			if strings.Contains(res.stderr, ".letsleep-") {
				t.Errorf("the message shows a temporary file name the user never gave:\n%s", res.stderr)
			}
		})
	}
}
