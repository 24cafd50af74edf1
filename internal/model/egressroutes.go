package model

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/letsleep/letsleep/internal/addrset"
)

// sgEgress is what a function's security groups let out, as an address set.
type sgEgress struct {
	rules []egressRuleSet
	// may: some rule's destination is unknown at plan time (an unresolved
	// rule, a prefix list whose entries the plan lacks, a group not in the
	// plan); it may admit anything.
	may    bool
	mayWhy Step
	// guess: the function's groups are one of several (Function.sgGuess).
	fn, guess string
}

type egressRuleSet struct {
	sg   string
	rule SGRule
	set  addrset.Set
}

func (rh *reacher) functionEgressSets(f *Function) sgEgress {
	out := sgEgress{fn: f.Address, guess: f.sgGuess}
	if len(f.SecurityGroups) == 0 {
		out.may, out.mayWhy = true, assumedStep("security_group", f.Address, "the function's security groups are unknown", "egress assumed")
		return out
	}
	for _, sgA := range f.SecurityGroups {
		sg := rh.sgs[sgA]
		if sg == nil {
			out.may, out.mayWhy = true, assumedStep("security_group", sgA, "a security group of the function is not in the plan", "egress assumed")
			continue
		}
		for _, r := range sg.Egress {
			set := rh.ruleSources(r)
			for _, pl := range r.PrefixLists {
				if _, ok := rh.prefixList(pl); !ok {
					out.may, out.mayWhy = true, assumedStep("sg_rule", r.Address, fmt.Sprintf("egress to prefix list %s on %s, whose entries the plan does not hold", pl, sgA), "assumed to include the destination")
				}
			}
			if r.Unresolved {
				out.may, out.mayWhy = true, assumedStep("sg_rule", r.Address, "egress rule unknown at plan time on "+sgA, "assumed to admit the destination")
			}
			out.rules = append(out.rules, egressRuleSet{sg: sgA, rule: r, set: set})
		}
	}
	return out
}

// admits returns the step of the first rule that lets some of dest out.
func (e sgEgress) admits(dest addrset.Set) (Step, bool) {
	for _, r := range e.rules {
		if !r.set.Overlaps(dest) {
			continue
		}
		// Name the rule's own blocks that let the destination out.
		var named []string
		for _, c := range r.rule.CIDRs {
			if s, bad := addrset.Parse([]string{c}); len(bad) == 0 && s.Overlaps(dest) {
				named = append(named, c)
			}
		}
		to := strings.Join(named, ", ")
		if to == "" {
			to = "prefix list " + strings.Join(r.rule.PrefixLists, ", ")
		}
		s := Step{Kind: "sg_rule", Address: r.rule.Address, Detail: fmt.Sprintf("egress %s %s to %s on %s", r.rule.Protocol, portString(r.rule.FromPort, r.rule.ToPort), to, r.sg)}
		return inGuessedGroup(s, e.fn, e.guess, r.sg), true
	}
	return Step{}, false
}

// routeHop says what a route target does with traffic from a Lambda
// function (which never has a public IPv4 address):
// families it carries out, the evidence step, and whether that rests on an
// assumption. ok is false when the target never leads out.
type routeHop struct {
	step      Step
	families  []string
	assumed   bool
	nat       bool // a NAT gateway or instance: also carries NAT64
	pathKind  string
	blindSpot string
}

func (rh *reacher) hopOf(rt Route) (routeHop, bool) {
	both := []string{addrset.IPv4, addrset.IPv6}
	switch rt.TargetKind {
	case "nat":
		g := rh.natByAddr[rt.Target]
		if g != nil && (g.Private || rh.natStranded(g)) {
			return routeHop{}, false // no way from the NAT gateway to the internet
		}
		h := routeHop{step: Step{Kind: "nat_gateway", Address: rt.Target, Detail: "NAT gateway"}, families: []string{addrset.IPv4}, nat: true, pathKind: PathNAT}
		if rh.natByAddr[rt.Target] == nil && !hasPrefix(rt.Target, "nat-") {
			h.assumed = true
			h.step = assume(h.step, rt.Target, "the route's NAT gateway is not in the plan", "it is a working NAT gateway to the internet")
		}
		return h, true
	case "igw":
		return routeHop{step: Step{Kind: "internet", Address: rt.Target, Detail: "internet gateway: IPv6 addresses are public, so a dual-stack function goes out over IPv6 (a Lambda function gets no public IPv4)"}, families: []string{addrset.IPv6}, pathKind: PathRoute}, true
	case "egress-only-igw":
		return routeHop{step: Step{Kind: "internet", Address: rt.Target, Detail: "egress-only internet gateway (IPv6 out)"}, families: []string{addrset.IPv6}, pathKind: PathRoute}, true
	case "tgw":
		return routeHop{step: Step{Kind: "route", Address: rt.Target, Detail: "transit gateway: internet-bound traffic leaves the VPC (the centralised egress design)"}, families: both, pathKind: PathRoute}, true
	case "endpoint":
		if t := rh.ix.byAddr[rt.Target]; t != nil && getStr(t.Values, "vpc_endpoint_type") != "" && getStr(t.Values, "vpc_endpoint_type") != "GatewayLoadBalancer" {
			return routeHop{}, false // gateway and interface endpoints lead to AWS services
		}
		// aws_route's vpc_endpoint_id takes Gateway Load Balancer endpoints.
		return routeHop{step: Step{Kind: "route", Address: rt.Target, Detail: "Gateway Load Balancer endpoint: internet-bound traffic is handed to an appliance that forwards it on"}, families: both, pathKind: PathRoute}, true
	case "instance", "eni":
		check, known := rh.sourceDestCheck(rt.Target)
		if known && check {
			return routeHop{}, false // the instance drops traffic not addressed to it
		}
		h := routeHop{step: Step{Kind: "route", Address: rt.Target, Detail: "NAT instance (source/destination check off)"}, families: both, nat: true, pathKind: PathNAT}
		if !known {
			h.assumed = true
			h.step = assumedStep("route", rt.Target, rt.TargetKind+" "+rt.Target+" may be a NAT instance (its source/destination check is not known)", "egress assumed")
			h.blindSpot = fmt.Sprintf("route to %s (%s) may be a NAT instance; letsleep assumes it reaches the internet", rt.Target, rt.TargetKind)
		}
		return h, true
	case "peering", "vgw", "unknown":
		why := map[string]string{
			"peering": "AWS does not let a peered VPC's internet or NAT gateway carry this traffic (no edge-to-edge routing); a proxy or appliance there still could: egress assumed",
			"vgw":     "what lies beyond the VPN gateway is not in the plan: egress assumed",
			"unknown": "route target unknown at plan time: egress assumed",
		}[rt.TargetKind]
		unknown, assumed, _ := strings.Cut(why, ": ")
		if assumed == "" {
			unknown, assumed = why, "egress assumed"
		}
		h := routeHop{step: assume(Step{Kind: "route", Address: rt.Target, Detail: fmt.Sprintf("%s %s: %s", rt.TargetKind, rt.Target, why)}, rt.Target, rt.TargetKind+" "+rt.Target+": "+unknown, assumed), families: both, assumed: true, pathKind: PathRoute}
		if rt.TargetKind != "unknown" {
			h.blindSpot = fmt.Sprintf("route to %s %s: egress through it is not analysed", rt.TargetKind, rt.Target)
		}
		return h, true
	}
	return routeHop{}, false // local, gateway endpoints to AWS services
}

// natStranded tells whether a public NAT gateway has no way to the
// internet: AWS forwards its traffic by its own subnet's route table, which
// needs a route to an internet gateway (docs/facts/credentials-and-routes.md).
// Only a subnet of the plan whose routes are all known strands it, when
// none goes to an internet gateway and none to a target that might lead on
// (a transit gateway, peering, VPN, instance or unknown target); a table
// that may hold routes the model lost keeps the NAT gateway a way out.
func (rh *reacher) natStranded(g *Gateway) bool {
	s := rh.subnets[g.Subnet]
	if s == nil || rh.routesLost {
		return false
	}
	for _, rt := range s.Routes {
		switch rt.TargetKind {
		case "local", "nat", "egress-only-igw":
			continue // NAT gateways do not chain; an egress-only gateway carries IPv6 only
		case "igw":
			if isIPv6Block(rt.Destination) {
				continue // the NAT gateway sends IPv4 only (lab-diff seed 1128 stack 126)
			}
		case "endpoint":
			if t := rh.ix.byAddr[rt.Target]; t != nil && getStr(t.Values, "vpc_endpoint_type") != "" && getStr(t.Values, "vpc_endpoint_type") != "GatewayLoadBalancer" {
				continue
			}
		}
		return false
	}
	return true
}

// isIPv6Block tells whether a route destination is an IPv6 CIDR block.
func isIPv6Block(dest string) bool {
	p, err := netip.ParsePrefix(dest)
	return err == nil && p.Addr().Is6()
}

func hasPrefix(s, p string) bool { return len(s) >= len(p) && s[:len(p)] == p }

// sourceDestCheck reads source_dest_check of a route's instance or ENI.
func (rh *reacher) sourceDestCheck(addr string) (check, known bool) {
	r := rh.ix.byAddr[addr]
	if r == nil || r.Data {
		return false, false
	}
	if unknownAt(r.Unknown, "source_dest_check") {
		return false, false
	}
	if v, ok := r.Values["source_dest_check"].(bool); ok {
		return v, true
	}
	return false, false
}

// routeDestination is the public part of a route's destination, minus the
// VPC's own ranges. may is true when the destination is not known (unknown
// at plan time, or a prefix list whose entries the plan lacks).
func (rh *reacher) routeDestination(rt Route, vpc string) (pub addrset.Set, may bool) {
	var dest addrset.Set
	switch {
	case rt.Destination == "local":
		return addrset.Empty, false
	case rt.Destination == "(unknown)":
		return addrset.Internet, true
	case hasPrefix(rt.Destination, "pl-") || rh.lookup(rt.Destination, prefixListTypes...) != "":
		s, ok := rh.prefixList(rt.Destination)
		if !ok {
			return addrset.Internet, true
		}
		dest = s
	default:
		s, bad := addrset.Parse([]string{rt.Destination})
		if len(bad) > 0 {
			rh.warn("unresolved-reference", rt.Address, "route destination %q is not a CIDR block; it is assumed to be public", rt.Destination)
			return addrset.Internet, true
		}
		dest = s
	}
	pub = dest.Public()
	if rt.TargetKind == "nat" || rt.TargetKind == "instance" || rt.TargetKind == "eni" {
		pub = pub.Union(dest.Intersect(addrset.NAT64))
	}
	vr := rh.vpcRange(vpc)
	pub = pub.Minus(vr.set)
	// A range of the VPC unknown until apply (a secondary or IPv6 block
	// from IPAM, say) may hold part of the destination: may-match, not
	// fact, unless the route covers that family's whole internet anyway.
	for _, f := range []struct {
		fam     string
		unknown bool
		whole   addrset.Set
	}{{addrset.IPv4, vr.unknown4, addrset.Internet4}, {addrset.IPv6, vr.unknown6, addrset.Internet6}} {
		if p := pub.Family(f.fam); f.unknown && !p.IsEmpty() && !p.Covers(f.whole) {
			may = true
		}
	}
	return pub, may
}

// routeEgress adds the paths out through one subnet's routes: the route
// must send some public destination to a target that leads out for a
// family the function uses, and its security groups must let some of that
// destination out.
func (rh *reacher) routeEgress(f *Function, s *Subnet, dualStack bool, sg sgEgress) {
	for _, rt := range s.Routes {
		hop, ok := rh.hopOf(rt)
		if !ok {
			continue
		}
		pub, mayDest := rh.routeDestination(rt, s.VPC)
		var fam addrset.Set
		for _, fm := range hop.families {
			if fm == addrset.IPv6 && !dualStack {
				continue
			}
			fam = fam.Union(pub.Family(fm))
		}
		if hop.nat && dualStack {
			fam = fam.Union(pub.Intersect(addrset.NAT64))
		}
		if fam.IsEmpty() {
			continue
		}
		sgStep, admitted := sg.admits(fam)
		if !admitted && !sg.may {
			continue // security group egress blocks every such destination
		}
		if !admitted {
			sgStep = sg.mayWhy
		}
		if hop.blindSpot != "" {
			rh.warn("blind-spot", rt.Address, "%s", hop.blindSpot)
		}
		dest := rt.Destination
		if d, bad := addrset.Parse([]string{dest}); !mayDest && (len(bad) > 0 || !d.Public().Equal(fam)) {
			dest += " (out: " + fam.String() + ")"
		}
		routeStep := Step{Kind: "route", Address: rt.Address, Detail: dest + " → " + rt.TargetKind}
		if mayDest {
			routeStep = assume(routeStep, rt.Address, "the route's destination "+rt.Destination+" is not fully known (unknown at plan time, a prefix list the plan does not hold, or VPC ranges unknown)", "it includes public addresses")
		}
		subnetStep := Step{Kind: "subnet", Address: s.Address, Detail: "subnet " + s.CIDR}
		if f.subnetGuess != "" {
			subnetStep = assume(subnetStep, f.Address, f.subnetGuess, "the function is in "+s.Address+" (worst case)")
		}
		steps := []Step{
			fnStep(f),
			subnetStep,
			{Kind: "route_table", Address: s.RouteTable, Detail: "effective route table"},
			routeStep,
			hop.step,
			sgStep,
			{Kind: "internet", Detail: "internet"},
		}
		f.Egress = append(f.Egress, Path{Kind: hop.pathKind, Target: "internet", Steps: steps, Unresolved: hop.assumed || mayDest || !admitted || f.subnetGuess != ""})
	}
}

// vpcRange is every range of a VPC: its primary and IPv6 blocks and its
// secondary CIDR associations, with which families hold a range unknown
// until apply. A VPC not in the plan has unknown ranges of both families.
func (rh *reacher) vpcRange(vpc string) vpcRange {
	if rh.vpcSets == nil {
		rh.vpcSets = map[string]vpcRange{}
		for _, t := range []string{"aws_vpc", "aws_default_vpc"} {
			for _, v := range rh.ix.byType[t] {
				rh.addVPCRange(v.Address, v, addrset.IPv4, "cidr_block")
				// The IPv6 block is computed, unknown on every new VPC;
				// it exists only when one is asked for.
				if getBool(v.Values, "assign_generated_ipv6_cidr_block") || getStr(v.Values, "ipv6_ipam_pool_id") != "" || unknownAt(v.Unknown, "ipv6_ipam_pool_id") || getStr(v.Values, "ipv6_cidr_block") != "" {
					rh.addVPCRange(v.Address, v, addrset.IPv6, "ipv6_cidr_block")
				}
			}
		}
		for _, pair := range [][2]string{{"aws_vpc_ipv4_cidr_block_association", addrset.IPv4}, {"aws_vpc_ipv6_cidr_block_association", addrset.IPv6}} {
			for _, a := range rh.ix.byType[pair[0]] {
				key := "cidr_block"
				if pair[1] == addrset.IPv6 {
					key = "ipv6_cidr_block"
				}
				for _, v := range rh.link(a, a.Values, a.Unknown, "vpc_id", []string{"vpc_id"}, "aws_vpc", "aws_default_vpc").Addrs {
					rh.addVPCRange(v, a, pair[1], key)
				}
			}
		}
	}
	vr, ok := rh.vpcSets[vpc]
	if !ok {
		return vpcRange{unknown4: true, unknown6: true}
	}
	return vr
}

type vpcRange struct {
	set                addrset.Set
	unknown4, unknown6 bool
}

func (rh *reacher) addVPCRange(vpc string, r *res, fam, key string) {
	vr := rh.vpcSets[vpc]
	c := getStr(r.Values, key)
	if c == "" {
		if unknownAt(r.Unknown, key) {
			if fam == addrset.IPv6 {
				vr.unknown6 = true
			} else {
				vr.unknown4 = true
			}
		}
		rh.vpcSets[vpc] = vr
		return
	}
	s, _ := addrset.Parse([]string{c})
	vr.set = vr.set.Union(s)
	rh.vpcSets[vpc] = vr
}
