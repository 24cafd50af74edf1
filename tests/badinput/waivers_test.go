package badinput

import (
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
