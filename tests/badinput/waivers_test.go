package badinput

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestWaiverFileErrors: waivers files with a bad date, an unknown rule or a
// duplicate exit 2 with file:line and what to do.
func TestWaiverFileErrors(t *testing.T) {
	t.Parallel()
	plan := cleanPlan(t)
	cases := []struct {
		name, body string
		want       inputErr
	}{
		{"bad date", "waivers:\n  - rule: LSL-004\n    resource: \"aws_nat_gateway.*\"\n    reason: legacy VPC\n    expires: 2027-13-45\n",
			inputErr{line: `letsleep: load waivers: {file}:5: expires "2027-13-45" is not a date: write YYYY-MM-DD, e.g. 2027-01-31`}},
		{"date in another layout", "waivers:\n  - rule: LSL-004\n    resource: \"*\"\n    reason: legacy\n    expires: 31/01/2027\n",
			inputErr{line: `letsleep: load waivers: {file}:5: expires "31/01/2027" is not a date: write YYYY-MM-DD, e.g. 2027-01-31`}},
		{"unknown rule", "waivers:\n  - rule: LSL-004\n    resource: \"*\"\n    reason: legacy\n    expires: 2027-01-31\n  - rule: LSL-999\n    resource: \"*\"\n    reason: typo\n    expires: 2027-01-31\n",
			inputErr{contains: []string{`letsleep: load waivers: {file}:6: unknown rule "LSL-999": use a rule id or category`}}},
		{"duplicate", "waivers:\n  - rule: LSL-004\n    resource: \"aws_nat_gateway.*\"\n    reason: one\n    expires: 2027-01-31\n  - rule: LSL-004\n    resource: \"aws_nat_gateway.*\"\n    reason: two\n    expires: 2027-02-28\n",
			inputErr{contains: []string{"letsleep: load waivers: {file}:6: duplicate waiver for rule LSL-004 and resource ", "aws_nat_gateway.*", "(first at line 2)"}}},
		{"not YAML", "waivers: [\n  - rule\n",
			inputErr{matches: []string{`^letsleep: load waivers: \S+: not valid YAML`}}},
		{"missing expiry", "waivers:\n  - rule: LSL-004\n    resource: \"*\"\n    reason: forever\n",
			inputErr{line: "letsleep: load waivers: {file}:2: waiver for LSL-004 without `expires`: give a date YYYY-MM-DD; waivers must expire"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			file := writeFile(t, "waivers.yaml", []byte(tc.body))
			res := run(t, runOpts{}, "check", "--waivers", file, plan)
			assertInputErr(t, res, file, tc.want)
		})
	}
}

// TestWaiversNeverHide: a live waiver moves a finding to `waived` (never
// drops it); an expired waiver waives nothing and says so.
func TestWaiversNeverHide(t *testing.T) {
	t.Parallel()
	plan := writeFile(t, "plan.json", mustJSON(t, planDoc(tfRes{
		Addr:    "aws_nat_gateway.this",
		Values:  map[string]any{"subnet_id": "subnet-0123", "allocation_id": "eipalloc-0123", "tags": map[string]any{}},
		Unknown: map[string]any{"id": true},
	})))
	type waived struct {
		Waived []struct {
			Rule, Resource string
		} `json:"waived"`
		Findings []struct{ Rule, Resource string } `json:"findings"`
		Warnings []struct{ Kind, Message string }  `json:"warnings"`
	}
	decode := func(res result) waived {
		var w waived
		if err := json.Unmarshal([]byte(res.stdout), &w); err != nil {
			t.Fatalf("not the JSON report (exit %d): %v\n%s", res.code, err, tail(res.stderr))
		}
		return w
	}
	base := run(t, runOpts{}, "check", "--format", "json", plan)
	if base.code != 1 || len(decode(base).Findings) == 0 {
		t.Fatalf("a NAT gateway should fail the default run (LSL-004 medium): exit %d\n%s", base.code, tail(base.stdout))
	}

	live := writeFile(t, "live.yaml", []byte("waivers:\n  - rule: LSL-004\n    resource: \"aws_nat_gateway.*\"\n    reason: legacy VPC until the Q1 migration\n    expires: 2999-12-31\n"))
	res := run(t, runOpts{}, "check", "--format", "json", "--waivers", live, plan)
	w := decode(res)
	if res.code != 0 {
		t.Errorf("live waiver: exit %d, want 0", res.code)
	}
	if len(w.Waived) != 1 || w.Waived[0].Resource != "aws_nat_gateway.this" {
		t.Errorf("live waiver: the waived finding must be listed under `waived`, got %+v", w.Waived)
	}

	expired := writeFile(t, "expired.yaml", []byte("waivers:\n  - rule: LSL-004\n    resource: \"aws_nat_gateway.*\"\n    reason: legacy VPC\n    expires: 2020-01-31\n"))
	res = run(t, runOpts{}, "check", "--format", "json", "--waivers", expired, plan)
	w = decode(res)
	if res.code != 1 || len(w.Waived) != 0 {
		t.Errorf("expired waiver: exit %d with %d waived; want exit 1 and nothing waived", res.code, len(w.Waived))
	}
	said := false
	for _, n := range w.Warnings {
		said = said || (n.Kind == "expired-waiver" && strings.Contains(n.Message, "2020-01-31"))
	}
	if !said {
		t.Errorf("expired waiver: no expired-waiver warning naming its date: %+v", w.Warnings)
	}
}
