package badinput

import (
	"encoding/json"
	"slices"
	"testing"
)

// TestOpenHowEverSpelled: port 22 open to the world, written the way an
// attacker (or a careless module) spells "everywhere" and the AWS provider
// plans it, gets the same findings as 0.0.0.0/0 or ::/0 does. Openness is a
// property of the address set, not of the string.
func TestOpenHowEverSpelled(t *testing.T) {
	t.Parallel()
	findings := func(t *testing.T, v4, v6 []any) []string {
		t.Helper()
		rule := map[string]any{"from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": v4, "ipv6_cidr_blocks": v6,
			"prefix_list_ids": []any{}, "security_groups": []any{}, "self": false, "description": ""}
		plan := writeFile(t, "plan.json", mustJSON(t, planDoc(tfRes{Addr: "aws_security_group.ssh", Values: map[string]any{
			"name": "ssh", "vpc_id": "vpc-1", "ingress": []any{rule}, "egress": []any{}}})))
		res := run(t, runOpts{}, "check", "--format", "json", plan)
		if res.code != 0 && res.code != 1 {
			t.Fatalf("exit %d\n%s", res.code, tail(res.stderr))
		}
		var rep struct {
			Findings []struct{ Rule, Resource, Severity string } `json:"findings"`
		}
		if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil {
			t.Fatalf("report: %v\n%s", err, tail(res.stdout))
		}
		var out []string
		for _, f := range rep.Findings {
			out = append(out, f.Rule+" "+f.Severity+" "+f.Resource)
		}
		slices.Sort(out)
		return out
	}
	v4 := findings(t, []any{"0.0.0.0/0"}, []any{})
	v6 := findings(t, []any{}, []any{"::/0"})
	if !slices.Contains(v4, "LSL-008 high aws_security_group.ssh") || !slices.Contains(v6, "LSL-008 high aws_security_group.ssh") {
		t.Fatalf("port 22 open to 0.0.0.0/0 or ::/0 gives no LSL-008 finding (v4 %v, v6 %v): the reference case is broken", v4, v6)
	}
	for _, tc := range []struct {
		name   string
		v4, v6 []any
		want   []string
	}{
		{"two IPv4 halves", []any{"0.0.0.0/1", "128.0.0.0/1"}, []any{}, v4},
		{"four IPv4 quarters, out of order", []any{"192.0.0.0/2", "0.0.0.0/2", "128.0.0.0/2", "64.0.0.0/2"}, []any{}, v4},
		{"two IPv6 halves", []any{}, []any{"::/1", "8000::/1"}, v6},
		{"0::/0", []any{}, []any{"0::/0"}, v6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := findings(t, tc.v4, tc.v6); !slices.Equal(got, tc.want) {
				t.Errorf("findings %v, want those of the plain spelling %v", got, tc.want)
			}
		})
	}
	// Not the whole internet: one half alone is no open-to-the-world finding.
	if got := findings(t, []any{"0.0.0.0/1"}, []any{}); slices.Equal(got, v4) {
		t.Errorf("0.0.0.0/1 alone gives the findings of 0.0.0.0/0 %v", got)
	}
}
