package badinput

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestOutputNeverOverwritesAnInput: --output pointed at any file the run
// reads (the plan, waivers, config, prices, a policy file, a .rego of a
// --policy folder, a .tf of the sources) is refused before the analysis,
// names the path, and leaves the file as it was. A .rego or .tf that does
// not exist yet is refused too: the next run would read the report.
func TestOutputNeverOverwritesAnInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	plan := write("plan/plan.json", string(mustJSON(t, planDoc(tfRes{Addr: "aws_s3_bucket.b", Values: map[string]any{"bucket": "b"}}))))
	waivers := write("waivers.yaml", "waivers: []\n")
	config := write("config.yaml", "roles: []\n")
	prices := write("prices.yaml", "regions: {}\n")
	policy := write("policies/team.rego", "package letsleep.checks.team\n")
	source := write("src/main.tf", "locals {}\n")
	planTF := write("plan/main.tf", "locals {}\n")
	cases := []struct {
		name, out string
		args      []string
	}{
		{"the plan", plan, []string{"check", plan}},
		{"the waivers", waivers, []string{"check", "--waivers", waivers, plan}},
		{"the config", config, []string{"model", "--config", config, plan}},
		{"the prices", prices, []string{"cost", "--prices", prices, plan}},
		{"a policy file of --policy DIR", policy, []string{"check", "--policy", filepath.Dir(policy), plan}},
		{"a new .rego in --policy DIR", filepath.Join(dir, "policies", "report.rego"), []string{"graph", "--policy", filepath.Dir(policy), plan}},
		{"a policy given as a file", policy, []string{"check", "--policy", policy, plan}},
		{"a .tf of --source", source, []string{"check", "--source", filepath.Dir(source), plan}},
		{"a .tf beside the plan (the default sources)", planTF, []string{"explain", plan}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := os.ReadFile(tc.out)
			args := append(append([]string{}, tc.args[:1]...), append([]string{"--output", tc.out}, tc.args[1:]...)...)
			if tc.args[0] == "explain" {
				args = append(args, "aws_s3_bucket.b")
			}
			res := run(t, runOpts{}, args...)
			assertInputErr(t, res, tc.out, inputErr{})
			after, _ := os.ReadFile(tc.out)
			if !bytes.Equal(before, after) {
				t.Errorf("%s changed: %q → %q", tc.out, before, after)
			}
		})
	}
}
