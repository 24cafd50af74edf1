package badinput

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// cleanPlan is a tiny valid plan with nothing to find at medium or above.
func cleanPlan(t *testing.T) string {
	t.Helper()
	return writeFile(t, "plan.json", mustJSON(t, planDoc(tfRes{Addr: "aws_s3_bucket.assets", Values: map[string]any{"bucket": "assets"}})))
}

func policyDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestUserRegoErrors: user policies that do not parse or compile exit 2
// with file:line.
func TestUserRegoErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, file, body string
		want             string // regexp: file:line and the problem
		compiler         bool   // the message is the Rego compiler's own
	}{
		{"syntax error", "bad.rego", "package letsleep.checks.team_bad\n\ndeny contains msg if {\n  msg := \n}\n",
			`bad\.rego:[45]\b`, true},
		{"unsafe variable", "unsafe.rego", "package letsleep.checks.team_unsafe\n\ndeny contains {\"resource\": r, \"message\": \"m\"} if {\n  r != \"x\"\n}\n",
			`unsafe\.rego:[34]\b.*(?i)unsafe`, true},
		{"undefined function", "undef.rego", "package letsleep.checks.team_undef\n\ndeny contains {\"resource\": \"r\", \"message\": m} if {\n  m := no_such_function(1)\n}\n",
			`undef\.rego:4\b.*(?i)undefined function`, true},
		{"deny outside letsleep.checks", "outside.rego", "package myteam\n\ndeny contains {\"resource\": \"r\", \"message\": \"m\"} if {\n  true\n}\n",
			`outside\.rego:1\b.*letsleep\.checks`, false},
	}
	plan := cleanPlan(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := policyDir(t, map[string]string{tc.file: tc.body})
			res := run(t, runOpts{}, "check", "--policy", dir, plan)
			assertInputErr(t, res, filepath.Join(dir, tc.file), inputErr{matches: []string{tc.want}, maxLines: 3, passthrough: tc.compiler})
		})
	}

	metadataCases := []struct {
		name, body, want string
	}{
		{"severity that does not exist", "# METADATA\n# title: Team check\n# scope: package\n# custom:\n#   id: TEAM-1\n#   category: team\n#   severity: catastrophic\npackage letsleep.checks.team_sev\n\ndeny contains {\"resource\": \"r\", \"message\": \"m\"} if true\n",
			`a\.rego:1: METADATA custom\.severity "catastrophic" is not one of critical, high, medium, low, info`},
		{"id of a built-in check", "# METADATA\n# title: Team check\n# scope: package\n# custom:\n#   id: LSL-001\n#   category: team\n#   severity: low\npackage letsleep.checks.team_dup\n\ndeny contains {\"resource\": \"r\", \"message\": \"m\"} if true\n",
			`a\.rego.*LSL-001 is already used by package letsleep\.checks\.egress_reaches_db`},
		{"finding field of the wrong type", "package letsleep.checks.team_num\n\ndeny contains {\"resource\": 7, \"message\": \"m\"} if true\n",
			`letsleep\.checks\.team_num \(\S*a\.rego\): finding field resource must be a string, got a number`},
	}
	for _, tc := range metadataCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := policyDir(t, map[string]string{"a.rego": tc.body})
			res := run(t, runOpts{}, "check", "--policy", dir, plan)
			assertInputErr(t, res, "", inputErr{matches: []string{tc.want}})
		})
	}

	t.Run("policy directory without rego", func(t *testing.T) {
		t.Parallel()
		dir := policyDir(t, map[string]string{"README.md": "nothing\n"})
		res := run(t, runOpts{}, "check", "--policy", dir, plan)
		assertInputErr(t, res, dir, inputErr{contains: []string{"holds no .rego files"}})
	})

	t.Run("missing policy directory", func(t *testing.T) {
		t.Parallel()
		dir := filepath.Join(t.TempDir(), "no-such-dir")
		res := run(t, runOpts{}, "check", "--policy", dir, plan)
		assertInputErr(t, res, dir, inputErr{})
	})
}

// TestUserRegoTimeout: a user policy that would run for hours is stopped by
// --timeout, exits 2, and says so, within a few seconds.
func TestUserRegoTimeout(t *testing.T) {
	t.Parallel()
	// 2000^3 = 8e9 iterations over small arrays: CPU-bound, little memory.
	slow := `package letsleep.checks.team_slow

deny contains {"resource": "x", "message": "never"} if {
  xs := numbers.range(1, 2000)
  some a in xs
  some b in xs
  some c in xs
  a + b + c < 0
}
`
	quick := `package letsleep.checks.team_quick

deny contains {"resource": "x", "message": "never"} if {
  input.model.schema == "no such schema"
}
`
	plan := cleanPlan(t)
	// The same run with a quick policy: start-up and compile time on this
	// machine, so the bound below holds on a loaded CI runner too.
	base := run(t, runOpts{}, "check", "--timeout", "2s", "--policy", policyDir(t, map[string]string{"quick.rego": quick}), plan)
	if base.code != 0 {
		t.Fatalf("baseline run with a quick user policy: exit %d\nstderr:\n%s", base.code, tail(base.stderr))
	}
	dir := policyDir(t, map[string]string{"slow.rego": slow})
	res := run(t, runOpts{timeout: 60 * time.Second}, "check", "--timeout", "2s", "--policy", dir, plan)
	assertInputErr(t, res, "", inputErr{contains: []string{"--timeout 2s"}, matches: []string{`(?i)timed out|exceeded`}, maxLines: 3})
	if limit := base.elapsed + 2*time.Second + 5*time.Second; res.elapsed > limit {
		t.Errorf("--timeout 2s took %s to stop the run (a quick run takes %s); want about 2s more", res.elapsed.Round(time.Millisecond), base.elapsed.Round(time.Millisecond))
	}
	t.Logf("stopped after %s (quick run %s)", res.elapsed.Round(time.Millisecond), base.elapsed.Round(time.Millisecond))
	if !strings.Contains(res.stderr, "policy") {
		t.Errorf("timeout message does not say that policy evaluation was stopped:\n%s", res.stderr)
	}
}

// TestBOMPlanWithPolicyReadingInputPlan: a plan saved with a UTF-8 byte
// order mark loads; a user policy that reads input.plan must see it too.
func TestBOMPlanWithPolicyReadingInputPlan(t *testing.T) {
	t.Parallel()
	doc := append([]byte("\xef\xbb\xbf"), mustJSON(t, planDoc(tfRes{Addr: "aws_s3_bucket.assets", Values: map[string]any{"bucket": "assets"}}))...)
	path := writeFile(t, "bom.json", doc)
	if res := run(t, runOpts{}, "check", "--format", "json", path); res.code != 0 {
		t.Fatalf("BOM plan: exit %d, want 0\nstderr:\n%s", res.code, tail(res.stderr))
	}
	reads := `package letsleep.checks.team_reads_plan

deny contains {"resource": "plan", "message": "old format"} if {
  input.plan.format_version == "0.1"
}
`
	res := run(t, runOpts{}, "check", "--format", "json", "--policy", policyDir(t, map[string]string{"reads.rego": reads}), path)
	if res.code != 0 {
		t.Fatalf("BOM plan with a policy that reads input.plan: exit %d, want 0\nstderr:\n%s", res.code, tail(res.stderr))
	}
}
