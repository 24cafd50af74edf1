package model

import (
	"strconv"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

var sgTypes = []string{"aws_security_group", "aws_default_security_group"}

// routeState collects the routes of one route table before they are copied
// onto the subnets that use it.
type routeState struct {
	addr   string
	vpc    string
	routes []Route
}

func (b *builder) buildNetwork() {
	b.buildSecurityGroups()
	b.buildGateways()
	b.buildSubnets()
	b.buildRouteTables()
	b.buildEndpoints()
}

func (b *builder) buildSecurityGroups() {
	for _, t := range sgTypes {
		for _, r := range b.ix.byType[t] {
			if r.Data {
				continue
			}
			sg := &SecurityGroup{Address: r.Address, ID: getStr(r.Values, "id"), Name: getStr(r.Values, "name"), Ingress: []SGRule{}, Egress: []SGRule{}}
			if vpc := b.link(r, r.Values, r.Unknown, "vpc_id", []string{"vpc_id"}, "aws_vpc", "aws_default_vpc"); len(vpc.Addrs) > 0 {
				sg.VPC = vpc.Addrs[0]
			} else if len(vpc.Raw) > 0 {
				sg.VPC = vpc.Raw[0]
			}
			b.sgs[r.Address] = sg
			sg.Ingress = append(sg.Ingress, b.inlineRules(r, "ingress")...)
			sg.Egress = append(sg.Egress, b.inlineRules(r, "egress")...)
		}
	}
	for _, r := range b.ix.byType["aws_security_group_rule"] {
		dir := getStr(r.Values, "type")
		rule := SGRule{
			Address: r.Address, Form: "aws_security_group_rule",
			Protocol: normProto(getStr(r.Values, "protocol")),
			CIDRs:    append(getStrings(r.Values, "cidr_blocks"), getStrings(r.Values, "ipv6_cidr_blocks")...),
			Self:     getBool(r.Values, "self"), PrefixLists: getStrings(r.Values, "prefix_list_ids"),
		}
		rule.FromPort, rule.ToPort = ports(r.Values, rule.Protocol)
		if unknownAt(r.Unknown, "cidr_blocks") || unknownAt(r.Unknown, "ipv6_cidr_blocks") {
			rule.Unresolved = true
			b.warn("unresolved-reference", r.Address, "CIDR blocks are unknown at plan time; the rule is treated as unresolved")
		}
		peer := b.link(r, r.Values, r.Unknown, "source_security_group_id", []string{"source_security_group_id"}, sgTypes...)
		rule.PeerGroups = append(peer.Addrs, peer.Raw...)
		b.noteLost(r, "source_security_group_id", peer, &rule.Unresolved)
		b.attachRule(r, rule, dir)
	}
	for _, pair := range [][2]string{{"aws_vpc_security_group_ingress_rule", "ingress"}, {"aws_vpc_security_group_egress_rule", "egress"}} {
		for _, r := range b.ix.byType[pair[0]] {
			rule := SGRule{Address: r.Address, Form: pair[0], Protocol: normProto(getStr(r.Values, "ip_protocol"))}
			for _, k := range []string{"cidr_ipv4", "cidr_ipv6"} {
				if v := getStr(r.Values, k); v != "" {
					rule.CIDRs = append(rule.CIDRs, v)
				}
				if unknownAt(r.Unknown, k) {
					rule.Unresolved = true
					b.warn("unresolved-reference", r.Address, "%s is unknown at plan time; the rule is treated as unresolved", k)
				}
			}
			if v := getStr(r.Values, "prefix_list_id"); v != "" {
				rule.PrefixLists = []string{v}
			}
			rule.FromPort, rule.ToPort = ports(r.Values, rule.Protocol)
			peer := b.link(r, r.Values, r.Unknown, "referenced_security_group_id", []string{"referenced_security_group_id"}, sgTypes...)
			rule.PeerGroups = append(peer.Addrs, peer.Raw...)
			b.noteLost(r, "referenced_security_group_id", peer, &rule.Unresolved)
			b.attachRule(r, rule, pair[1])
		}
	}
}

// noteLost marks a rule unresolved and warns when a peer reference could
// not be followed.
func (b *builder) noteLost(r *res, key string, l linkResult, unresolved *bool) {
	if len(l.Lost) == 0 {
		return
	}
	*unresolved = true
	b.warn("unresolved-reference", r.Address, "%s could not be resolved (%s)", key, strings.Join(l.Lost, ", "))
}

// attachRule puts a standalone rule onto its security group.
func (b *builder) attachRule(r *res, rule SGRule, dir string) {
	if rule.CIDRs == nil {
		rule.CIDRs = []string{}
	}
	if rule.PeerGroups == nil {
		rule.PeerGroups = []string{}
	}
	if rule.PrefixLists == nil {
		rule.PrefixLists = []string{}
	}
	owner := b.link(r, r.Values, r.Unknown, "security_group_id", []string{"security_group_id"}, sgTypes...)
	if rule.Self && len(owner.Addrs) > 0 {
		rule.PeerGroups = append(rule.PeerGroups, owner.Addrs[0])
	}
	var sg *SecurityGroup
	if len(owner.Addrs) > 0 {
		sg = b.sgs[owner.Addrs[0]]
	}
	if sg == nil {
		// The group is outside the plan: keep the rule on a stand-in group
		// named by its id so open-ingress checks still see it.
		id := "(unknown security group)"
		if len(owner.Raw) > 0 {
			id = owner.Raw[0]
		} else {
			b.warn("unresolved-reference", r.Address, "security_group_id could not be resolved to a group in the plan")
		}
		sg = b.sgs[id]
		if sg == nil {
			sg = &SecurityGroup{Address: id, ID: id, Ingress: []SGRule{}, Egress: []SGRule{}}
			b.sgs[id] = sg
		}
	}
	if dir == "egress" {
		sg.Egress = append(sg.Egress, rule)
	} else {
		sg.Ingress = append(sg.Ingress, rule)
	}
}

// inlineRules reads ingress/egress blocks of an aws_security_group. When the
// whole block set is unknown (an unknown peer id inside it), the rules are
// rebuilt from the configuration blocks.
func (b *builder) inlineRules(r *res, kind string) []SGRule {
	blocks := getBlocks(r.Values, kind)
	var cfgBlocks []map[string]*tfjson.Expression
	if r.Config != nil {
		if e := r.Config.Expressions[kind]; e != nil && e.ExpressionData != nil {
			cfgBlocks = e.NestedBlocks
		}
	}
	unknown := unknownAt(r.Unknown, kind)
	var out []SGRule
	if len(blocks) == 0 && unknown {
		for _, cb := range cfgBlocks {
			out = append(out, b.ruleFromConfig(r, cb))
		}
		// No configured blocks: the attribute is computed from standalone
		// rules. (Dynamic blocks are absent from the configuration JSON too;
		// docs/blind-spots.md says so.)
		return out
	}
	ub := unknownBlocks(r.Unknown, kind)
	for i, blk := range blocks {
		rule := SGRule{Address: r.Address, Form: "inline", Protocol: normProto(getStr(blk, "protocol")), Self: getBool(blk, "self")}
		rule.FromPort, rule.ToPort = ports(blk, rule.Protocol)
		rule.CIDRs = append(getStrings(blk, "cidr_blocks"), getStrings(blk, "ipv6_cidr_blocks")...)
		rule.PrefixLists = getStrings(blk, "prefix_list_ids")
		for _, id := range getStrings(blk, "security_groups") {
			if a := b.lookup(id, sgTypes...); a != "" {
				rule.PeerGroups = append(rule.PeerGroups, a)
			} else {
				rule.PeerGroups = append(rule.PeerGroups, id)
			}
		}
		if i < len(ub) && unknownAt(ub[i], "security_groups") {
			b.peersFromConfig(r, kind, cfgBlocks, &rule)
		}
		if rule.Self {
			rule.PeerGroups = append(rule.PeerGroups, r.Address)
		}
		out = append(out, normRule(rule))
	}
	return out
}

// peersFromConfig resolves unknown peer groups of an inline rule through
// the configuration: union of the security_groups references of all blocks
// of that kind (blocks cannot be aligned reliably because sets reorder).
func (b *builder) peersFromConfig(r *res, kind string, cfgBlocks []map[string]*tfjson.Expression, rule *SGRule) {
	var refs []string
	for _, cb := range cfgBlocks {
		if e := cb["security_groups"]; e != nil && e.ExpressionData != nil {
			refs = append(refs, e.References...)
		}
	}
	if len(cfgBlocks) == 0 && r.Config != nil {
		// Attributes-as-blocks: the configuration gives one expression for
		// the whole rule list, with every reference inside it.
		if e := r.Config.Expressions[kind]; e != nil && e.ExpressionData != nil {
			refs = append(refs, e.References...)
		}
	}
	ts, lost := b.ix.resolve(r.Module, refs)
	addrs := b.ix.addrsOf(ts, sgTypes...)
	rule.PeerGroups = append(rule.PeerGroups, addrs...)
	if len(addrs) == 0 {
		rule.Unresolved = true
		b.warn("unresolved-reference", r.Address, "peer security groups are unknown at plan time and could not be resolved (%s)", strings.Join(lost, ", "))
	}
}

func (b *builder) ruleFromConfig(r *res, cb map[string]*tfjson.Expression) SGRule {
	cv := func(k string) (any, bool) {
		e := cb[k]
		if e == nil || e.ExpressionData == nil || e.ConstantValue == nil || e.ConstantValue == tfjson.UnknownConstantValue {
			return nil, false
		}
		return e.ConstantValue, true
	}
	vals := map[string]any{}
	for _, k := range []string{"protocol", "from_port", "to_port", "cidr_blocks", "ipv6_cidr_blocks", "self", "prefix_list_ids"} {
		if v, ok := cv(k); ok {
			vals[k] = v
		}
	}
	rule := SGRule{Address: r.Address, Form: "inline", Protocol: normProto(getStr(vals, "protocol")), Self: getBool(vals, "self")}
	rule.FromPort, rule.ToPort = ports(vals, rule.Protocol)
	rule.CIDRs = append(getStrings(vals, "cidr_blocks"), getStrings(vals, "ipv6_cidr_blocks")...)
	rule.PrefixLists = getStrings(vals, "prefix_list_ids")
	for _, k := range []string{"cidr_blocks", "ipv6_cidr_blocks", "from_port", "to_port"} {
		if e := cb[k]; e != nil && e.ExpressionData != nil && len(e.References) > 0 {
			rule.Unresolved = true
		}
	}
	if e := cb["security_groups"]; e != nil && e.ExpressionData != nil {
		ts, _ := b.ix.resolve(r.Module, e.References)
		rule.PeerGroups = b.ix.addrsOf(ts, sgTypes...)
		if len(e.References) > 0 && len(rule.PeerGroups) == 0 {
			rule.Unresolved = true
		}
	}
	if rule.Self {
		rule.PeerGroups = append(rule.PeerGroups, r.Address)
	}
	return normRule(rule)
}

func normRule(r SGRule) SGRule {
	if r.CIDRs == nil {
		r.CIDRs = []string{}
	}
	if r.PeerGroups == nil {
		r.PeerGroups = []string{}
	}
	if r.PrefixLists == nil {
		r.PrefixLists = []string{}
	}
	return r
}

// normProto maps protocol spellings to names: "-1"/"all" → "-1", 6 → tcp.
func normProto(p string) string {
	switch strings.ToLower(p) {
	case "", "-1", "all":
		return "-1"
	case "6", "tcp":
		return "tcp"
	case "17", "udp":
		return "udp"
	case "1", "icmp":
		return "icmp"
	case "58", "icmpv6":
		return "icmpv6"
	}
	return strings.ToLower(p)
}

// ports reads from_port/to_port; "all protocols" means every port.
func ports(v map[string]any, proto string) (int, int) {
	if proto == "-1" {
		return 0, 65535
	}
	from, okF := getInt(v, "from_port")
	to, okT := getInt(v, "to_port")
	if !okF && !okT {
		return 0, 65535
	}
	if !okT {
		to = from
	}
	if from < 0 || to < 0 {
		return 0, 65535
	}
	return from, to
}

func (b *builder) buildGateways() {
	for _, r := range b.ix.byType["aws_nat_gateway"] {
		g := Gateway{Address: r.Address}
		if s := b.link(r, r.Values, r.Unknown, "subnet_id", []string{"subnet_id"}, "aws_subnet"); len(s.Addrs) > 0 {
			g.Subnet = s.Addrs[0]
		} else if len(s.Raw) > 0 {
			g.Subnet = s.Raw[0]
		}
		b.m.NATGateways = append(b.m.NATGateways, g)
		gg := g
		b.natByAddr[r.Address] = &gg
	}
	for _, t := range []string{"aws_internet_gateway", "aws_egress_only_internet_gateway"} {
		for _, r := range b.ix.byType[t] {
			if r.Data {
				continue
			}
			g := Gateway{Address: r.Address}
			if v := b.link(r, r.Values, r.Unknown, "vpc_id", []string{"vpc_id"}, "aws_vpc", "aws_default_vpc"); len(v.Addrs) > 0 {
				g.VPC = v.Addrs[0]
			} else if len(v.Raw) > 0 {
				g.VPC = v.Raw[0]
			}
			b.m.InternetGateway = append(b.m.InternetGateway, g)
		}
	}
}

func (b *builder) buildSubnets() {
	for _, t := range []string{"aws_subnet", "aws_default_subnet"} {
		for _, r := range b.ix.byType[t] {
			if r.Data {
				continue
			}
			s := &Subnet{Address: r.Address, ID: getStr(r.Values, "id"), CIDR: getStr(r.Values, "cidr_block"), Routes: []Route{}}
			if v := b.link(r, r.Values, r.Unknown, "vpc_id", []string{"vpc_id"}, "aws_vpc", "aws_default_vpc"); len(v.Addrs) > 0 {
				s.VPC = v.Addrs[0]
			} else if len(v.Raw) > 0 {
				s.VPC = v.Raw[0]
			}
			b.subnets[r.Address] = s
		}
	}
}

func (b *builder) buildRouteTables() {
	tables := map[string]*routeState{}
	for _, t := range []string{"aws_route_table", "aws_default_route_table"} {
		for _, r := range b.ix.byType[t] {
			if r.Data {
				continue
			}
			rs := &routeState{addr: r.Address}
			if v := b.link(r, r.Values, r.Unknown, "vpc_id", []string{"vpc_id"}, "aws_vpc", "aws_default_vpc"); len(v.Addrs) > 0 {
				rs.vpc = v.Addrs[0]
			}
			blocks := getBlocks(r.Values, "route")
			if len(blocks) == 0 && unknownAt(r.Unknown, "route") {
				blocks = routeBlocksFromConfig(r)
			}
			for _, blk := range blocks {
				rs.routes = append(rs.routes, b.route(r, blk, r.Address, true)...)
			}
			tables[r.Address] = rs
		}
	}
	for _, r := range b.ix.byType["aws_route"] {
		rt := b.link(r, r.Values, r.Unknown, "route_table_id", []string{"route_table_id"}, "aws_route_table", "aws_default_route_table")
		routes := b.route(r, r.Values, r.Address, false)
		if len(rt.Addrs) == 0 {
			b.warn("unresolved-reference", r.Address, "route_table_id could not be resolved to a route table in the plan")
			continue
		}
		for _, a := range rt.Addrs {
			if tables[a] != nil {
				tables[a].routes = append(tables[a].routes, routes...)
			}
		}
	}
	// Main tables per VPC: explicit association, or the VPC's default table.
	mainOf := map[string]string{}
	for _, r := range b.ix.byType["aws_default_route_table"] {
		if vpc := b.link(r, r.Values, r.Unknown, "default_route_table_id", []string{"default_route_table_id"}, "aws_vpc", "aws_default_vpc"); len(vpc.Addrs) > 0 {
			mainOf[vpc.Addrs[0]] = r.Address
			if tables[r.Address] != nil {
				tables[r.Address].vpc = vpc.Addrs[0]
			}
		}
	}
	for _, r := range b.ix.byType["aws_main_route_table_association"] {
		vpc := b.link(r, r.Values, r.Unknown, "vpc_id", []string{"vpc_id"}, "aws_vpc", "aws_default_vpc")
		rt := b.link(r, r.Values, r.Unknown, "route_table_id", []string{"route_table_id"}, "aws_route_table")
		if len(vpc.Addrs) > 0 && len(rt.Addrs) > 0 {
			mainOf[vpc.Addrs[0]] = rt.Addrs[0]
		}
	}
	assoc := map[string]string{}
	for _, r := range b.ix.byType["aws_route_table_association"] {
		sn := b.link(r, r.Values, r.Unknown, "subnet_id", []string{"subnet_id"}, "aws_subnet", "aws_default_subnet")
		rt := b.link(r, r.Values, r.Unknown, "route_table_id", []string{"route_table_id"}, "aws_route_table", "aws_default_route_table")
		if len(sn.Addrs) == 0 {
			continue // a gateway association, or a subnet outside the plan
		}
		if len(rt.Addrs) == 0 {
			b.warn("unresolved-reference", r.Address, "route_table_id could not be resolved; the subnet's routes are unknown")
			for _, s := range sn.Addrs {
				assoc[s] = ""
			}
			continue
		}
		for _, s := range sn.Addrs {
			assoc[s] = rt.Addrs[0]
		}
	}
	for addr, s := range b.subnets {
		rtAddr, explicit := assoc[addr]
		if !explicit {
			rtAddr = mainOf[s.VPC]
		}
		if rtAddr == "" {
			if _, inPlan := b.ix.byAddr[s.VPC]; inPlan && !explicit {
				// A VPC created in this plan whose main table is untouched
				// has only the local route.
				s.Routes = append(s.Routes, Route{Address: s.VPC, Destination: "local", TargetKind: "local"})
				continue
			}
			s.Routes = append(s.Routes, Route{Address: addr, Destination: "0.0.0.0/0", TargetKind: "unknown", Target: "route table not in the plan"})
			continue
		}
		s.RouteTable = rtAddr
		if rs := tables[rtAddr]; rs != nil {
			s.Routes = append(s.Routes, rs.routes...)
		}
	}
}

// routeBlocksFromConfig rebuilds inline route blocks from configuration
// when the route set is unknown at plan time.
func routeBlocksFromConfig(r *res) []map[string]any {
	if r.Config == nil {
		return nil
	}
	e := r.Config.Expressions["route"]
	if e == nil || e.ExpressionData == nil {
		return nil
	}
	var out []map[string]any
	for _, cb := range e.NestedBlocks {
		blk := map[string]any{"__config": cb}
		for k, ex := range cb {
			if ex != nil && ex.ExpressionData != nil && ex.ConstantValue != nil && ex.ConstantValue != tfjson.UnknownConstantValue {
				blk[k] = ex.ConstantValue
			}
		}
		out = append(out, blk)
	}
	return out
}

var routeTargets = []struct {
	key, kind string
	types     []string
}{
	{"nat_gateway_id", "nat", []string{"aws_nat_gateway"}},
	{"gateway_id", "igw", []string{"aws_internet_gateway", "aws_nat_gateway", "aws_vpn_gateway", "aws_vpc_endpoint"}},
	{"egress_only_gateway_id", "egress-only-igw", []string{"aws_egress_only_internet_gateway"}},
	{"transit_gateway_id", "tgw", []string{"aws_ec2_transit_gateway"}},
	{"vpc_peering_connection_id", "peering", []string{"aws_vpc_peering_connection"}},
	{"instance_id", "instance", []string{"aws_instance"}},
	{"network_interface_id", "eni", []string{"aws_network_interface"}},
	{"vpc_endpoint_id", "endpoint", []string{"aws_vpc_endpoint"}},
	{"local_gateway_id", "local", nil},
	{"carrier_gateway_id", "igw", []string{"aws_ec2_carrier_gateway"}},
	{"core_network_arn", "tgw", nil},
}

// route reads one route (an inline block or an aws_route) into routes, one
// per destination.
func (b *builder) route(r *res, blk map[string]any, addr string, inline bool) []Route {
	var dests []string
	for _, k := range []string{"cidr_block", "destination_cidr_block", "ipv6_cidr_block", "destination_ipv6_cidr_block", "destination_prefix_list_id"} {
		if v := getStr(blk, k); v != "" {
			dests = append(dests, v)
		}
	}
	if len(dests) == 0 {
		dests = []string{"(unknown)"}
	}
	kind, target := "unknown", ""
	var unknown map[string]any
	if !inline {
		unknown = r.Unknown
	}
	if inline && blk["__config"] == nil && !hasRouteTarget(blk) {
		// Attributes-as-blocks: the target id is unknown inside the set and
		// the configuration holds one expression for all routes. Resolve
		// its references; a NAT among them wins (the conservative choice).
		if r.Config != nil {
			if e := r.Config.Expressions["route"]; e != nil && e.ExpressionData != nil {
				ts, _ := b.ix.resolve(r.Module, e.References)
				best := ""
				for _, t := range ts {
					tr := b.ix.byAddr[t.Addr]
					k := kindOfTarget(tr.Type, "")
					if k == "" {
						continue
					}
					if best == "" || k == "nat" {
						best, target = k, t.Addr
					}
				}
				if best != "" {
					kind = best
				}
			}
		}
		out := make([]Route, 0, len(dests))
		for _, d := range dests {
			out = append(out, Route{Address: addr, Destination: d, TargetKind: kind, Target: target})
		}
		return out
	}
	cb, _ := blk["__config"].(map[string]*tfjson.Expression)
	for _, rt := range routeTargets {
		v := getStr(blk, rt.key)
		isUnknown := unknownAt(unknown, rt.key)
		var refs []string
		if !inline {
			refs = refsAt(r, rt.key)
		} else if cb != nil && cb[rt.key] != nil && cb[rt.key].ExpressionData != nil {
			refs = cb[rt.key].References
		}
		if v == "" && !isUnknown && len(refs) == 0 {
			continue
		}
		kind = rt.kind
		if v != "" {
			target = v
			if a := b.lookup(v); a != "" {
				target = a
				kind = kindOfTarget(b.ix.byAddr[a].Type, rt.kind)
			} else if rt.key == "gateway_id" {
				kind = kindOfID(v, rt.kind)
			}
			break
		}
		ts, _ := b.ix.resolve(r.Module, refs)
		if addrs := b.ix.addrsOf(ts, rt.types...); len(addrs) > 0 {
			target = addrs[0]
			kind = kindOfTarget(b.ix.byAddr[addrs[0]].Type, rt.kind)
		} else {
			kind, target = "unknown", rt.key+" unresolved"
		}
		break
	}
	out := make([]Route, 0, len(dests))
	for _, d := range dests {
		out = append(out, Route{Address: addr, Destination: d, TargetKind: kind, Target: target})
	}
	return out
}

func kindOfTarget(typ, fallback string) string {
	switch typ {
	case "aws_nat_gateway":
		return "nat"
	case "aws_internet_gateway":
		return "igw"
	case "aws_egress_only_internet_gateway":
		return "egress-only-igw"
	case "aws_vpc_endpoint":
		return "endpoint"
	case "aws_vpn_gateway":
		return "vgw"
	}
	return fallback
}

// kindOfID guesses the target kind from an AWS id prefix (gateway_id also
// takes NAT and VPN gateway ids).
func kindOfID(id, fallback string) string {
	switch {
	case strings.HasPrefix(id, "nat-"):
		return "nat"
	case strings.HasPrefix(id, "igw-"):
		return "igw"
	case strings.HasPrefix(id, "vgw-"):
		return "vgw"
	case strings.HasPrefix(id, "vpce-"):
		return "endpoint"
	case id == "local":
		return "local"
	}
	return fallback
}

func (b *builder) buildEndpoints() {
	for _, r := range b.ix.byType["aws_vpc_endpoint"] {
		if r.Data {
			continue
		}
		e := VPCEndpoint{Address: r.Address, Service: getStr(r.Values, "service_name"), Type: getStr(r.Values, "vpc_endpoint_type")}
		if e.Type == "" {
			e.Type = "Gateway"
		}
		sn := b.link(r, r.Values, r.Unknown, "subnet_ids", []string{"subnet_ids"}, "aws_subnet")
		e.Subnets = sortedUnique(append(sn.Addrs, sn.Raw...))
		b.m.Endpoints = append(b.m.Endpoints, e)
	}
}

// portString renders a port range for evidence steps.
func portString(from, to int) string {
	if from == 0 && to == 65535 {
		return "all ports"
	}
	if from == to {
		return "port " + strconv.Itoa(from)
	}
	return "ports " + strconv.Itoa(from) + "-" + strconv.Itoa(to)
}

func hasRouteTarget(blk map[string]any) bool {
	for _, rt := range routeTargets {
		if getStr(blk, rt.key) != "" {
			return true
		}
	}
	return false
}
