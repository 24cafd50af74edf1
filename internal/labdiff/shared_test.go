package labdiff

import (
	"os"
	"slices"
	"testing"

	"github.com/letsleep/letsleep/internal/model"
)

// The one part the model and the lab share is reading the plan into
// security-group rules (model.Build's SecurityGroups). A mistake there is
// invisible to lab-diff, as both sides inherit it, so it is tested on its
// own here: testdata/sgforms holds every spelling of a rule, planned
// offline by the real provider, and each expectation below is what the
// provider and EC2 documentation say the rule means.
func TestSharedRuleReadingFollowsTheProviderDocs(t *testing.T) {
	raw, err := os.ReadFile("testdata/sgforms/plan.json")
	if err != nil {
		t.Fatal(err)
	}
	m, err := BuildModel(raw)
	if err != nil {
		t.Fatal(err)
	}
	groups := map[string]model.SecurityGroup{}
	for _, g := range m.SecurityGroups {
		groups[g.Address] = g
	}
	find := func(group, dir, rule string, match func(model.SGRule) bool) model.SGRule {
		t.Helper()
		g, ok := groups["aws_security_group."+group]
		if !ok {
			t.Fatalf("group %s not read", group)
		}
		rules := g.Ingress
		if dir == "egress" {
			rules = g.Egress
		}
		for _, r := range rules {
			if r.Address == rule && (match == nil || match(r)) {
				return r
			}
		}
		t.Fatalf("%s %s: no rule %s among %+v", group, dir, rule, rules)
		return model.SGRule{}
	}
	allPorts := func(r model.SGRule) bool { return r.FromPort == 0 && r.ToPort == 65535 }
	port := func(from, to int) func(model.SGRule) bool {
		return func(r model.SGRule) bool { return r.FromPort == from && r.ToPort == to }
	}

	// Inline blocks belong to their group; a peer group is named by the
	// group's address even though its id is unknown until apply.
	r := find("inline", "ingress", "aws_security_group.inline", port(5432, 5432))
	if r.Protocol != "tcp" || !slices.Equal(r.PeerGroups, []string{"aws_security_group.peer"}) || r.Unresolved {
		t.Errorf("inline tcp 5432 from peer: %+v", r)
	}
	// protocol -1 means every protocol and every port, whatever the
	// from_port/to_port say (EC2: "Use -1 to specify all protocols";
	// provider: -1 with ports opens all ports).
	r = find("inline", "egress", "aws_security_group.inline", allPorts)
	if r.Protocol != "-1" || !slices.Equal(r.CIDRs, []string{"0.0.0.0/0"}) {
		t.Errorf("inline -1 egress: %+v", r)
	}
	// self: the group itself is the peer.
	r = find("inline", "ingress", "aws_security_group.inline", func(r model.SGRule) bool { return r.Self })
	if !slices.Contains(r.PeerGroups, "aws_security_group.inline") || !allPorts(r) {
		t.Errorf("inline self: %+v", r)
	}
	// IPv6 blocks are kept as IPv6 blocks (they admit only IPv6 traffic).
	r = find("inline", "ingress", "aws_security_group.inline", port(443, 443))
	if !slices.Equal(r.CIDRs, []string{"::/0"}) {
		t.Errorf("inline ipv6: %+v", r)
	}
	// A prefix list made in the same plan is followed to its resource.
	r = find("inline", "egress", "aws_security_group.inline", port(1024, 65535))
	if !slices.Equal(r.PrefixLists, []string{"aws_ec2_managed_prefix_list.pl"}) || r.Unresolved {
		t.Errorf("inline prefix list: %+v", r)
	}
	// A group with no egress block and no egress rule has no egress: the
	// provider removes the allow-all rule AWS adds to a new group.
	if g := groups["aws_security_group.peer"]; len(g.Egress) != 0 || len(g.Ingress) != 0 {
		t.Errorf("group without rules: %+v", g)
	}

	// aws_security_group_rule: "all" is protocol -1; protocol numbers are
	// the protocol (6 is tcp); a port range keeps both ends; self names the
	// owning group; ICMP is not TCP.
	r = find("legacy", "egress", "aws_security_group_rule.legacy_all", nil)
	if r.Protocol != "-1" || !allPorts(r) || !slices.Equal(r.CIDRs, []string{"10.9.0.0/16", "203.0.113.0/24"}) {
		t.Errorf("legacy all: %+v", r)
	}
	r = find("legacy", "ingress", "aws_security_group_rule.legacy_numeric", nil)
	if r.Protocol != "tcp" || r.FromPort != 5000 || r.ToPort != 6000 || !slices.Equal(r.PeerGroups, []string{"aws_security_group.inline"}) {
		t.Errorf("legacy protocol 6 from inline: %+v", r)
	}
	r = find("legacy", "ingress", "aws_security_group_rule.legacy_self", nil)
	if r.Protocol != "udp" || !r.Self || !slices.Contains(r.PeerGroups, "aws_security_group.legacy") {
		t.Errorf("legacy udp self: %+v", r)
	}
	r = find("legacy", "ingress", "aws_security_group_rule.legacy_icmp", nil)
	if r.Protocol != "icmp" {
		t.Errorf("legacy icmp: %+v", r)
	}
	r = find("legacy", "egress", "aws_security_group_rule.legacy_pl", nil)
	if r.Protocol != "-1" || !slices.Equal(r.PrefixLists, []string{"aws_ec2_managed_prefix_list.pl"}) || r.Unresolved {
		t.Errorf("legacy prefix list (id unknown until apply): %+v", r)
	}

	// aws_vpc_security_group_*_rule: exactly one peer per rule; ip_protocol
	// -1 without ports is every port.
	r = find("vpcrules", "ingress", "aws_vpc_security_group_ingress_rule.all_from_group", nil)
	if r.Protocol != "-1" || !allPorts(r) || !slices.Equal(r.PeerGroups, []string{"aws_security_group.legacy"}) {
		t.Errorf("vpc rule -1 from group: %+v", r)
	}
	r = find("vpcrules", "ingress", "aws_vpc_security_group_ingress_rule.pl", nil)
	if !slices.Equal(r.PrefixLists, []string{"aws_ec2_managed_prefix_list.pl"}) || r.Unresolved || r.FromPort != 3306 {
		t.Errorf("vpc rule prefix list (id unknown until apply): %+v", r)
	}
	r = find("vpcrules", "egress", "aws_vpc_security_group_egress_rule.v6", nil)
	if !slices.Equal(r.CIDRs, []string{"2001:db8::/32"}) {
		t.Errorf("vpc rule cidr_ipv6: %+v", r)
	}
	r = find("vpcrules", "egress", "aws_vpc_security_group_egress_rule.v4", nil)
	if !slices.Equal(r.CIDRs, []string{"10.9.2.0/24"}) || r.FromPort != 5432 || r.ToPort != 5433 {
		t.Errorf("vpc rule cidr_ipv4 range: %+v", r)
	}

	// aws_default_security_group: only its own blocks (the provider removes
	// AWS's rules on adoption); protocol 1 is ICMP, whose from/to are the
	// ICMP type and code.
	dg, ok := groups["aws_default_security_group.v"]
	if !ok || len(dg.Ingress) != 1 || len(dg.Egress) != 1 {
		t.Fatalf("default group: %+v", dg)
	}
	if r := dg.Ingress[0]; r.Protocol != "icmp" || r.FromPort != 8 || r.ToPort != 0 || !r.Self || !slices.Contains(r.PeerGroups, "aws_default_security_group.v") {
		t.Errorf("default group icmp echo from self: %+v", r)
	}
	if r := dg.Egress[0]; r.Protocol != "-1" || !slices.Equal(r.CIDRs, []string{"::/0"}) {
		t.Errorf("default group -1 to ::/0: %+v", r)
	}
	// A peer named through the VPC's default_security_group_id is the
	// group that aws_default_security_group manages.
	r = find("vpcrules", "egress", "aws_vpc_security_group_egress_rule.udp_to_default", nil)
	if r.Protocol != "udp" || r.FromPort != 53 || r.ToPort != 53 || !slices.Equal(r.PeerGroups, []string{"aws_default_security_group.v"}) {
		t.Errorf("vpc rule udp 17 to the default group: %+v", r)
	}
	r = find("legacy", "ingress", "aws_security_group_rule.icmp_echo_from_default", nil)
	if r.Protocol != "icmp" || r.FromPort != 8 || r.ToPort != 0 || !slices.Equal(r.PeerGroups, []string{"aws_default_security_group.v"}) {
		t.Errorf("legacy icmp echo from the default group: %+v", r)
	}
}
