package model

import (
	"strings"
	"testing"
)

// Ways out of a VPC, decided on address sets and route targets (plan
// testdata/ways, planned with the real provider).
func TestWaysOutOfTheVPC(t *testing.T) {
	m := buildFixture(t, "ways", Config{})
	cases := []struct {
		fn   string
		want []string
	}{
		// 0.0.0.0/1 + 128.0.0.0/1 to a NAT gateway: two routes out.
		{"split", []string{"nat→internet", "nat→internet"}},
		{"tgwprivate", []string{}},
		{"tgw", []string{"route→internet"}},
		// A Lambda function has no public IPv4: an IGW route alone is no way out.
		{"igw4", []string{}},
		// ::/1 holds every global unicast IPv6 address; dual stack goes out.
		{"igw6", []string{"route→internet"}},
		{"eigw", []string{"route→internet"}},
		{"natinst", []string{"nat→internet"}},
		// source_dest_check left on: the instance drops forwarded traffic.
		{"plaininst", []string{}},
		// NAT route, but the security group lets out private ranges only.
		{"sgprivate", []string{}},
		// Destination and egress are both a prefix list whose entries the
		// plan knows: resolved, a fact.
		{"prefixlist", []string{"nat→internet"}},
		// A public NAT gateway whose own subnet has no route to an internet
		// gateway cannot reach the internet.
		{"natstranded", []string{}},
	}
	for _, c := range cases {
		f := fn(t, m, "aws_lambda_function."+c.fn)
		if got := pathKinds(f.Egress); !equal(got, c.want) {
			t.Errorf("%s egress = %v, want %v", c.fn, got, c.want)
			for _, p := range f.Egress {
				t.Logf("  %+v", p.Steps)
			}
		}
	}
	split := fn(t, m, "aws_lambda_function.split")
	p := findPath(t, split.Egress, PathNAT)
	if !hasStep(p, "route", "aws_route.split_high", "128.0.0.0/1") || !hasStep(p, "sg_rule", "", "128.0.0.0/1") {
		t.Errorf("split path must name its route and the rule's block: %+v", p.Steps)
	}
	igw6 := findPath(t, fn(t, m, "aws_lambda_function.igw6").Egress, PathRoute)
	if !hasStep(igw6, "sg_rule", "", "0::/0") || !hasStep(igw6, "internet", "aws_internet_gateway.igw", "IPv6") {
		t.Errorf("igw6 path: %+v", igw6.Steps)
	}
}

func TestOpenRulesOnAddressSets(t *testing.T) {
	m := buildFixture(t, "ways", Config{})
	open := map[string][]string{}
	with := map[string][]string{}
	for _, sg := range m.SecurityGroups {
		for _, r := range sg.Ingress {
			open[r.Address] = r.Open
			with[r.Address] = r.OpenWith
		}
	}
	want := map[string]string{
		"aws_security_group.ssh_split":             "IPv4",
		"aws_security_group.ssh_v6":                "IPv6",
		"aws_vpc_security_group_ingress_rule.low":  "IPv4", // with the all-protocol other half
		"aws_vpc_security_group_ingress_rule.high": "",     // all ports from half the internet only
		"aws_security_group.half":                  "",
	}
	for addr, fam := range want {
		if got := strings.Join(open[addr], ","); got != fam {
			t.Errorf("%s open = %q, want %q", addr, got, fam)
		}
	}
	if got := with["aws_vpc_security_group_ingress_rule.low"]; !equal(got, []string{"aws_vpc_security_group_ingress_rule.high"}) {
		t.Errorf("low open_with = %v", got)
	}
}
