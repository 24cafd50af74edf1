package badinput

import (
	"context"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// shell runs letsleep through bash, for what only a shell can hand it:
// stdin, a process substitution.
func shell(t *testing.T, script string, args ...string) (string, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", append([]string{"-c", script, bin}, args...)...)
	cmd.Env = childEnv(runOpts{})
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("bash -c %q hung", script)
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("bash: %v", err)
	}
	return stdout.String(), stderr.String(), code
}

// A plan on stdin or from a process substitution is read whole and checked
// like the same plan in a file.
func TestPlanFromStreams(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("SKIPPED: bash not found")
	}
	plan := writeFile(t, "plan.json", mustJSON(t, planDoc(tfRes{Addr: "aws_nat_gateway.n", Values: map[string]any{"connectivity_type": "public"}})))
	want := run(t, runOpts{}, "check", "--format", "json", plan)
	for name, script := range map[string]string{
		"stdin":                  `cat "$1" | "$0" check --format json -`,
		"process substitution":   `"$0" check --format json <(cat "$1")`,
		"stdin, big pipe chunks": `{ cat "$1"; } | "$0" check --format json /dev/stdin`,
	} {
		out, stderr, code := shell(t, script, plan)
		if code != want.code {
			t.Errorf("%s: exit %d, from the file %d\nstderr: %s", name, code, want.code, stderr)
			continue
		}
		if got, exp := findingIDs(t, out), findingIDs(t, want.stdout); got != exp {
			t.Errorf("%s: findings %s, from the file %s", name, got, exp)
		}
	}
	// /dev/zero is refused from its first bytes, not after reading the limit.
	res := run(t, runOpts{timeout: 20 * time.Second}, "check", "/dev/zero")
	if res.code != 2 || !strings.Contains(res.stderr, "not JSON") || res.maxRSSKB > 200<<10 {
		t.Errorf("/dev/zero: exit %d, %d MiB, stderr %q", res.code, res.maxRSSKB>>10, res.stderr)
	}
}

func findingIDs(t *testing.T, report string) string {
	t.Helper()
	var r struct {
		Findings []struct {
			RuleID   string `json:"rule_id"`
			Resource string `json:"resource"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(report), &r); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, report)
	}
	var ids []string
	for _, f := range r.Findings {
		ids = append(ids, f.RuleID+" "+f.Resource)
	}
	return strings.Join(ids, ", ")
}

// Numbers terraform writes that no Go number type holds load, and a UTF-16
// plan (PowerShell's `>`) is named with the command that converts it.
func TestPlanNumbersAndEncodings(t *testing.T) {
	t.Parallel()
	huge := "1" + strings.Repeat("0", 400)
	doc := `{"format_version":"1.2","variables":{"n":{"value":` + huge + `}},"resource_changes":[{"address":"aws_sqs_queue.q","mode":"managed","type":"aws_sqs_queue","name":"q","change":{"actions":["create"],"after":{"delay_seconds":1e400},"after_unknown":{}}}],"configuration":{"root_module":{"variables":{"n":{"default":` + huge + `}}}}}`
	res := run(t, runOpts{}, "check", "--format", "json", writeFile(t, "big.json", []byte(doc)))
	if res.code != 0 {
		t.Errorf("plan with 1e400: exit %d, stderr %s", res.code, res.stderr)
	}
	var utf16 []byte
	utf16 = append(utf16, 0xFF, 0xFE)
	for _, c := range []byte(doc) {
		utf16 = append(utf16, c, 0)
	}
	path := writeFile(t, "ps.json", utf16)
	res = run(t, runOpts{}, "check", path)
	if res.code != 2 || !strings.Contains(res.stderr, path+": the file is UTF-16 little-endian text") || !strings.Contains(res.stderr, "iconv -f UTF-16 -t UTF-8") {
		t.Errorf("UTF-16 plan: exit %d, stderr %q", res.code, res.stderr)
	}
}

// The same plan passed twice, however spelled, is checked once.
func TestSamePlanTwice(t *testing.T) {
	t.Parallel()
	plan := writeFile(t, "plan.json", mustJSON(t, planDoc(tfRes{Addr: "aws_nat_gateway.n", Values: map[string]any{"connectivity_type": "public"}})))
	res := run(t, runOpts{}, "check", "--format", "json", plan, strings.Replace(plan, "/plan.json", "/./plan.json", 1))
	var r struct {
		Plans    []json.RawMessage `json:"plans"`
		Findings []json.RawMessage `json:"findings"`
		Warnings []struct {
			Message string `json:"message"`
		} `json:"warnings"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &r); err != nil {
		t.Fatalf("report: %v\n%s", err, res.stderr)
	}
	once := run(t, runOpts{}, "check", "--format", "json", plan)
	var r1 struct {
		Findings []json.RawMessage `json:"findings"`
	}
	if err := json.Unmarshal([]byte(once.stdout), &r1); err != nil {
		t.Fatal(err)
	}
	if len(r.Plans) != 1 || len(r.Findings) != len(r1.Findings) {
		t.Errorf("%d plans and %d findings, want 1 plan and %d findings", len(r.Plans), len(r.Findings), len(r1.Findings))
	}
	found := false
	for _, w := range r.Warnings {
		found = found || strings.Contains(w.Message, "checked once")
	}
	if !found {
		t.Errorf("no warning that the plan was passed twice: %+v", r.Warnings)
	}
}
