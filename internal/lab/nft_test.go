//go:build linux

package lab

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/letsleep/letsleep/internal/model"
)

func TestTopologyPlacement(t *testing.T) {
	topo, err := BuildTopology(referenceLike(), "t1")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct{ vpc bool }{
		"aws_lambda_function.hot": {false}, "aws_lambda_function.egress": {false},
		"aws_lambda_function.control": {true}, "aws_lambda_function.warmup": {true}, "aws_rds_cluster.db": {true},
	}
	for addr, w := range want {
		n := topo.Node(addr)
		if n == nil {
			t.Fatalf("%s: no node", addr)
		}
		if (n.VPC != "") != w.vpc {
			t.Errorf("%s: in VPC = %v, want %v", addr, n.VPC != "", w.vpc)
		}
		if w.vpc && n.PeerNS != topo.Routers[0].NS || !w.vpc && n.PeerNS != topo.InternetNS {
			t.Errorf("%s: linked to %s", addr, n.PeerNS)
		}
		if !strings.HasPrefix(n.IP, "10.213.") || !strings.HasPrefix(n.NS, "lsl-t1-") || len(n.IfNode) > 15 {
			t.Errorf("%s: address %s ns %s if %s outside the lab conventions", addr, n.IP, n.NS, n.IfNode)
		}
	}
	if len(topo.Routers) != 1 || topo.Routers[0].NAT {
		t.Fatalf("routers %+v; want one VPC router without NAT", topo.Routers)
	}
}

func TestRulesetsFromSecurityGroups(t *testing.T) {
	m := referenceLike()
	topo, _ := BuildTopology(m, "t1")
	rs := Rulesets(topo, m)
	ctl, db := topo.Node("aws_lambda_function.control"), topo.Node("aws_rds_cluster.db")
	wrm := topo.Node("aws_lambda_function.warmup")
	if _, ok := rs[topo.Node("aws_lambda_function.hot").NS]; ok {
		t.Error("a function outside the VPC got a filter; Lambda without vpc_config has none")
	}
	fn := rs[ctl.NS]
	for _, want := range []string{"policy drop", "ct state established,related accept", "ip daddr { " + db.IP + " } tcp dport 5432 accept"} {
		if !strings.Contains(fn, want) {
			t.Errorf("control ruleset lacks %q:\n%s", want, fn)
		}
	}
	dbr := rs[db.NS]
	if want := "ip saddr { " + ctl.IP + ", " + wrm.IP + " } tcp dport 5432 accept"; !strings.Contains(dbr, want) {
		t.Errorf("db ruleset lacks %q:\n%s", want, dbr)
	}
	m.SecurityGroups[1].Ingress = []model.SGRule{{Address: "client[\"control\"]", Protocol: "tcp", FromPort: 5432, ToPort: 5432, Unresolved: true}}
	rs = Rulesets(topo, m)
	hot := topo.Node("aws_lambda_function.hot")
	if dbr := rs[db.NS]; !strings.Contains(dbr, "assumed open to the VPC") || strings.Contains(dbr, hot.IP) || !strings.Contains(dbr, ctl.IP) {
		t.Errorf("an unresolved peer must open the rule to the VPC members only:\n%s", dbr)
	}
	if r := rs[topo.Routers[0].NS]; strings.Contains(r, "masquerade") {
		t.Errorf("router without NAT masquerades:\n%s", r)
	}
}

func TestRulesetsNATAndOpenCIDR(t *testing.T) {
	m := referenceLike()
	m.Subnets[0].Routes = append(m.Subnets[0].Routes, model.Route{Destination: "0.0.0.0/0", TargetKind: "nat", Target: "aws_nat_gateway.gw"})
	m.SecurityGroups[0].Egress = append(m.SecurityGroups[0].Egress,
		model.SGRule{Address: "webhook", Protocol: "tcp", FromPort: 443, ToPort: 443, CIDRs: []string{"0.0.0.0/0"}},
		model.SGRule{Address: "vpc-wide", Protocol: "-1", CIDRs: []string{"10.0.0.0/16"}},
		model.SGRule{Address: "elsewhere", Protocol: "tcp", FromPort: 22, ToPort: 22, CIDRs: []string{"192.168.9.0/24"}},
		model.SGRule{Address: "public-range", Protocol: "tcp", FromPort: 8443, ToPort: 8443, CIDRs: []string{"52.0.0.0/8"}},
	)
	topo, _ := BuildTopology(m, "t2")
	rs := Rulesets(topo, m)
	if !topo.Routers[0].NAT {
		t.Fatal("router must be NAT-linked when a member subnet routes 0.0.0.0/0 to a NAT")
	}
	router := rs[topo.Routers[0].NS]
	if !strings.Contains(router, "masquerade") || !strings.Contains(router, topo.Node("aws_lambda_function.control").IfPeer) {
		t.Errorf("router lacks NAT forwarding:\n%s", router)
	}
	fn := rs[topo.Node("aws_lambda_function.control").NS]
	db := topo.Node("aws_rds_cluster.db")
	for _, want := range []string{
		"tcp dport 443 accept", // 0.0.0.0/0 is anything
		"ip daddr { ",          // the VPC-wide rule names lab nodes
		db.IP,                  // including the DB (placed in its VPC's subnets)
		"# elsewhere tcp 22-22: no lab address matches",            // a private CIDR covering nothing
		"ip daddr { " + topo.CanaryIP + " } tcp dport 8443 accept", // a public CIDR is the internet
	} {
		if !strings.Contains(fn, want) {
			t.Errorf("ruleset lacks %q:\n%s", want, fn)
		}
	}
}

// Only a block holding some globally reachable address is the internet
// (IANA special-purpose registry): documentation and benchmarking ranges,
// multicast and reserved space are not, however they are spelled.
func TestPrivateFollowsTheSpecialPurposeRegistry(t *testing.T) {
	for cidr, want := range map[string]bool{
		"10.0.0.0/8": true, "203.0.113.0/24": true, "198.51.100.0/25": true, "198.18.0.0/15": true,
		"240.0.0.0/3": true, "100.64.0.0/10": true,
		"8.8.8.0/24": false, "128.0.0.0/1": false, "192.0.0.0/23": false, "0.0.0.0/1": false,
	} {
		if got := private(netip.MustParsePrefix(cidr)); got != want {
			t.Errorf("private(%s) = %v, want %v", cidr, got, want)
		}
	}
}

// A dual-stack function gets an IPv6 address; its subnet's ::/0 to an
// egress-only gateway links the router to the internet for IPv6 only
// (no NAT). An IPv4 block admits only IPv4, an IPv6 block only IPv6, and
// an IPv6 block with internet addresses means the IPv6 canary.
func TestRulesetsIPv6(t *testing.T) {
	m := referenceLike()
	m.Functions[2].DualStack = true // control
	m.Subnets[0].Routes = append(m.Subnets[0].Routes, model.Route{Destination: "::/0", TargetKind: "egress-only-igw", Target: "aws_egress_only_internet_gateway.gw"})
	m.SecurityGroups[0].Egress = append(m.SecurityGroups[0].Egress,
		model.SGRule{Address: "v4-any", Protocol: "tcp", FromPort: 443, ToPort: 443, CIDRs: []string{"0.0.0.0/0"}},
		model.SGRule{Address: "v6-any", Protocol: "-1", CIDRs: []string{"::/0"}},
		model.SGRule{Address: "v6-public", Protocol: "udp", FromPort: 53, ToPort: 53, CIDRs: []string{"2600::/12"}},
		model.SGRule{Address: "v6-doc", Protocol: "tcp", FromPort: 22, ToPort: 22, CIDRs: []string{"2001:db8::/32"}},
		model.SGRule{Address: "v6-reserved", Protocol: "tcp", FromPort: 23, ToPort: 23, CIDRs: []string{"8000::/1"}},
	)
	topo, err := BuildTopology(m, "t3")
	if err != nil {
		t.Fatal(err)
	}
	ctl, wrm := topo.Node("aws_lambda_function.control"), topo.Node("aws_lambda_function.warmup")
	if ctl.IP6 == "" || !ctl.Out6 || wrm.IP6 != "" {
		t.Fatalf("control ip6 %q out6 %v, warmup ip6 %q: want only control dual-stack and routed out", ctl.IP6, ctl.Out6, wrm.IP6)
	}
	r := topo.Routers[0]
	if r.NAT || !r.Out6 || r.IP6 == "" {
		t.Fatalf("router %+v: want an IPv6-only link to the internet", r)
	}
	rs := Rulesets(topo, m)
	router := rs[r.NS]
	for _, want := range []string{"meta nfproto ipv6 iifname { \"" + ctl.IfPeer + "\" } oifname", "iifname != "} {
		if !strings.Contains(router, want) {
			t.Errorf("router lacks %q:\n%s", want, router)
		}
	}
	if strings.Contains(router, wrm.IfPeer+"\" } oifname") {
		t.Errorf("router forwards the IPv4-only warmup out:\n%s", router)
	}
	fn := rs[ctl.NS]
	for _, want := range []string{
		"icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept",
		"meta nfproto ipv4 tcp dport 443 accept",
		"meta nfproto ipv6 accept",
		"ip6 daddr { " + topo.CanaryIP6 + " } udp dport 53 accept",
		"# v6-doc tcp 22-22: no lab address matches",
		"# v6-reserved tcp 23-23: no lab address matches",
	} {
		if !strings.Contains(fn, want) {
			t.Errorf("ruleset lacks %q:\n%s", want, fn)
		}
	}
	// Peer groups admit their members' addresses of both families.
	db := rs[topo.Node("aws_rds_cluster.db").NS]
	if !strings.Contains(db, "ip6 saddr { "+ctl.IP6+" } tcp dport 5432 accept") {
		t.Errorf("db ruleset lacks the dual-stack member's IPv6:\n%s", db)
	}
}
