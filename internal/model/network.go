package model

import (
	"strconv"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

var sgTypes = []string{"aws_security_group", "aws_default_security_group"}

func (fx *facts) buildNetwork() {
	fx.buildSecurityGroups()
	fx.buildGateways()
	fx.buildSubnets()
	fx.buildRouteTables()
	fx.buildEndpoints()
	fx.markOpenRules()
}

func (fx *facts) buildSecurityGroups() {
	for _, t := range sgTypes {
		for _, r := range fx.ix.byType[t] {
			if r.Data {
				continue
			}
			sg := &SecurityGroup{Address: r.Address, ID: getStr(r.Values, "id"), Name: getStr(r.Values, "name"), Ingress: []SGRule{}, Egress: []SGRule{}}
			if vpc := fx.link(r, r.Values, r.Unknown, "vpc_id", []string{"vpc_id"}, "aws_vpc", "aws_default_vpc"); len(vpc.Addrs) > 0 {
				sg.VPC = vpc.Addrs[0]
			} else if len(vpc.Raw) > 0 {
				sg.VPC = vpc.Raw[0]
			}
			fx.sgs[r.Address] = sg
			sg.Ingress = append(sg.Ingress, fx.inlineRules(r, "ingress")...)
			sg.Egress = append(sg.Egress, fx.inlineRules(r, "egress")...)
		}
	}
	// DB, Redshift and ElastiCache security groups (EC2-Classic era):
	// ingress by CIDR or by EC2 group name, no ports (the service's port).
	for _, t := range []string{"aws_db_security_group", "aws_redshift_security_group", "aws_elasticache_security_group"} {
		for _, r := range fx.ix.byType[t] {
			sg := &SecurityGroup{Address: r.Address, Name: getStr(r.Values, "name"), Ingress: []SGRule{}, Egress: []SGRule{}}
			for _, blk := range getBlocks(r.Values, "ingress") {
				rule := normRule(SGRule{Address: r.Address, Form: t, Protocol: "tcp", FromPort: 0, ToPort: 65535})
				if c := getStr(blk, "cidr"); c != "" {
					rule.CIDRs = append(rule.CIDRs, c)
				}
				if n := getStr(blk, "security_group_name"); n != "" {
					rule.PeerGroups = append(rule.PeerGroups, n)
				}
				sg.Ingress = append(sg.Ingress, rule)
			}
			fx.sgs[r.Address] = sg
		}
	}
	for _, r := range fx.ix.byType["aws_security_group_rule"] {
		dir := getStr(r.Values, "type")
		rule := SGRule{
			Address: r.Address, Form: "aws_security_group_rule",
			Protocol: normProto(getStr(r.Values, "protocol")),
			CIDRs:    append(getStrings(r.Values, "cidr_blocks"), getStrings(r.Values, "ipv6_cidr_blocks")...),
			Self:     getBool(r.Values, "self"),
		}
		rule.PrefixLists = fx.rulePrefixLists(r, "prefix_list_ids", &rule)
		rule.FromPort, rule.ToPort = ports(r.Values, rule.Protocol)
		if unknownAt(r.Unknown, "cidr_blocks") || unknownAt(r.Unknown, "ipv6_cidr_blocks") {
			rule.Unresolved = true
			fx.warn("unresolved-reference", r.Address, "CIDR blocks are unknown at plan time; the rule is treated as unresolved")
		}
		peer := fx.link(r, r.Values, r.Unknown, "source_security_group_id", []string{"source_security_group_id"}, sgTypes...)
		rule.PeerGroups = append(peer.Addrs, peer.Raw...)
		fx.noteLost(r, "source_security_group_id", peer, &rule.Unresolved)
		fx.attachRule(r, rule, dir)
	}
	for _, pair := range [][2]string{{"aws_vpc_security_group_ingress_rule", "ingress"}, {"aws_vpc_security_group_egress_rule", "egress"}} {
		for _, r := range fx.ix.byType[pair[0]] {
			rule := SGRule{Address: r.Address, Form: pair[0], Protocol: normProto(getStr(r.Values, "ip_protocol"))}
			for _, k := range []string{"cidr_ipv4", "cidr_ipv6"} {
				if v := getStr(r.Values, k); v != "" {
					rule.CIDRs = append(rule.CIDRs, v)
				}
				if unknownAt(r.Unknown, k) {
					rule.Unresolved = true
					fx.warn("unresolved-reference", r.Address, "%s is unknown at plan time; the rule is treated as unresolved", k)
				}
			}
			rule.PrefixLists = fx.rulePrefixLists(r, "prefix_list_id", &rule)
			rule.FromPort, rule.ToPort = ports(r.Values, rule.Protocol)
			peer := fx.link(r, r.Values, r.Unknown, "referenced_security_group_id", []string{"referenced_security_group_id"}, sgTypes...)
			rule.PeerGroups = append(peer.Addrs, peer.Raw...)
			fx.noteLost(r, "referenced_security_group_id", peer, &rule.Unresolved)
			fx.attachRule(r, rule, pair[1])
		}
	}
}

// rulePrefixLists reads a standalone rule's prefix lists: ids known at plan
// time, or a list made in the same plan (its id is unknown until apply, so
// the reference is followed through the configuration).
func (fx *facts) rulePrefixLists(r *res, key string, rule *SGRule) []string {
	if !unknownAt(r.Unknown, key) {
		return getStrings(r.Values, key) // known ids (an empty list from a variable, say)
	}
	l := fx.link(r, r.Values, r.Unknown, key, []string{key}, rulePrefixListTypes...)
	fx.noteLost(r, key, l, &rule.Unresolved)
	return append(l.Addrs, l.Raw...)
}

// noteLost marks a rule unresolved and warns when a peer reference could
// not be followed.
func (fx *facts) noteLost(r *res, key string, l linkResult, unresolved *bool) {
	if l.Approx {
		*unresolved = true
		fx.warn("unresolved-reference", r.Address, "%s comes from a for_each/count value the plan does not split per instance; peers %s are a guess, so the rule is treated as unresolved", key, strings.Join(l.Addrs, ", "))
	}
	if len(l.Lost) == 0 {
		return
	}
	*unresolved = true
	fx.warn("unresolved-reference", r.Address, "%s could not be resolved (%s)", key, strings.Join(l.Lost, ", "))
}

// attachRule puts a standalone rule onto its security group.
func (fx *facts) attachRule(r *res, rule SGRule, dir string) {
	if rule.CIDRs == nil {
		rule.CIDRs = []string{}
	}
	if rule.PeerGroups == nil {
		rule.PeerGroups = []string{}
	}
	if rule.PrefixLists == nil {
		rule.PrefixLists = []string{}
	}
	owner := fx.link(r, r.Values, r.Unknown, "security_group_id", []string{"security_group_id"}, sgTypes...)
	if rule.Self && len(owner.Addrs) > 0 {
		rule.PeerGroups = append(rule.PeerGroups, owner.Addrs[0])
	}
	var sg *SecurityGroup
	if len(owner.Addrs) > 0 {
		sg = fx.sgs[owner.Addrs[0]]
	}
	if sg == nil {
		// The group is outside the plan: keep the rule on a stand-in group
		// named by its id so open-ingress checks still see it.
		id := "(unknown security group)"
		if len(owner.Raw) > 0 {
			id = owner.Raw[0]
		} else {
			fx.warn("unresolved-reference", r.Address, "security_group_id could not be resolved to a group in the plan%s", lostNote(owner.Lost))
		}
		sg = fx.sgs[id]
		if sg == nil {
			sg = &SecurityGroup{Address: id, ID: id, Ingress: []SGRule{}, Egress: []SGRule{}}
			fx.sgs[id] = sg
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
func (fx *facts) inlineRules(r *res, kind string) []SGRule {
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
			out = append(out, fx.ruleFromConfig(r, cb))
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
			if a := fx.lookup(id, sgTypes...); a != "" {
				rule.PeerGroups = append(rule.PeerGroups, a)
			} else {
				rule.PeerGroups = append(rule.PeerGroups, id)
			}
		}
		if i < len(ub) && unknownAt(ub[i], "prefix_list_ids") {
			var refs []string
			for _, cb := range cfgBlocks {
				if e := cb["prefix_list_ids"]; e != nil && e.ExpressionData != nil {
					refs = append(refs, e.References...)
				}
			}
			if r.Config != nil && len(cfgBlocks) == 0 && r.Config.Expressions[kind] != nil && r.Config.Expressions[kind].ExpressionData != nil {
				e := r.Config.Expressions[kind]
				refs = e.References // attributes-as-blocks: one expression for all rules
			}
			rule.PrefixLists = append(rule.PrefixLists, fx.prefixListRefs(r, refs, &rule)...)
		}
		if i < len(ub) && unknownAt(ub[i], "security_groups") {
			fx.peersFromConfig(r, kind, cfgBlocks, &rule)
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
func (fx *facts) peersFromConfig(r *res, kind string, cfgBlocks []map[string]*tfjson.Expression, rule *SGRule) {
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
	if len(refs) == 0 {
		// dynamic "ingress" { for_each = local.clients; content {
		// security_groups = [ingress.value] } }: not in the plan's
		// configuration; the sources follow the iterator.
		refs = fx.ix.sourceRefs(r, kind, "security_groups")
	}
	ts, lost := fx.ix.resolve(r.Module, refs)
	// A VPC's default_security_group_id is that VPC's default group.
	addrs := append(fx.ix.addrsOf(ts, sgTypes...), fx.defaultSGRefs(ts)...)
	rule.PeerGroups = append(rule.PeerGroups, addrs...)
	if len(addrs) == 0 {
		rule.Unresolved = true
		fx.warn("unresolved-reference", r.Address, "peer security groups are unknown at plan time and could not be resolved (%s)", strings.Join(lost, ", "))
	}
}

func (fx *facts) ruleFromConfig(r *res, cb map[string]*tfjson.Expression) SGRule {
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
	if e := cb["prefix_list_ids"]; e != nil && e.ExpressionData != nil && len(e.References) > 0 {
		rule.PrefixLists = append(rule.PrefixLists, fx.prefixListRefs(r, e.References, &rule)...)
	}
	if e := cb["security_groups"]; e != nil && e.ExpressionData != nil {
		ts, _ := fx.ix.resolve(r.Module, e.References)
		rule.PeerGroups = append(fx.ix.addrsOf(ts, sgTypes...), fx.defaultSGRefs(ts)...)
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

func (fx *facts) buildGateways() {
	for _, r := range fx.ix.byType["aws_nat_gateway"] {
		g := Gateway{Address: r.Address, Private: getStr(r.Values, "connectivity_type") == "private"}
		if s := fx.link(r, r.Values, r.Unknown, "subnet_id", []string{"subnet_id"}, "aws_subnet"); len(s.Addrs) > 0 {
			g.Subnet = s.Addrs[0]
		} else if len(s.Raw) > 0 {
			g.Subnet = s.Raw[0]
		}
		fx.m.NATGateways = append(fx.m.NATGateways, g)
		gg := g
		fx.natByAddr[r.Address] = &gg
	}
	for _, t := range []string{"aws_internet_gateway", "aws_egress_only_internet_gateway"} {
		for _, r := range fx.ix.byType[t] {
			if r.Data {
				continue
			}
			g := Gateway{Address: r.Address}
			if v := fx.link(r, r.Values, r.Unknown, "vpc_id", []string{"vpc_id"}, "aws_vpc", "aws_default_vpc"); len(v.Addrs) > 0 {
				g.VPC = v.Addrs[0]
			} else if len(v.Raw) > 0 {
				g.VPC = v.Raw[0]
			}
			fx.m.InternetGateway = append(fx.m.InternetGateway, g)
		}
	}
}

func (fx *facts) buildSubnets() {
	for _, t := range []string{"aws_subnet", "aws_default_subnet"} {
		for _, r := range fx.ix.byType[t] {
			if r.Data {
				continue
			}
			s := &Subnet{Address: r.Address, ID: getStr(r.Values, "id"), CIDR: getStr(r.Values, "cidr_block"), Routes: []Route{}}
			if v := fx.link(r, r.Values, r.Unknown, "vpc_id", []string{"vpc_id"}, "aws_vpc", "aws_default_vpc"); len(v.Addrs) > 0 {
				s.VPC = v.Addrs[0]
			} else if len(v.Raw) > 0 {
				s.VPC = v.Raw[0]
			}
			fx.subnets[r.Address] = s
		}
	}
}

func (fx *facts) buildEndpoints() {
	for _, r := range fx.ix.byType["aws_vpc_endpoint"] {
		if r.Data {
			continue
		}
		e := VPCEndpoint{Address: r.Address, Service: getStr(r.Values, "service_name"), Type: getStr(r.Values, "vpc_endpoint_type")}
		if e.Type == "" {
			e.Type = "Gateway"
		}
		sn := fx.link(r, r.Values, r.Unknown, "subnet_ids", []string{"subnet_ids"}, "aws_subnet")
		e.Subnets = sortedUnique(append(sn.Addrs, sn.Raw...))
		sg := fx.link(r, r.Values, r.Unknown, "security_group_ids", []string{"security_group_ids"}, "aws_security_group")
		e.SecurityGroups = sortedUnique(append(sg.Addrs, sg.Raw...))
		e.PrivateDNS = getBool(r.Values, "private_dns_enabled")
		fx.m.Endpoints = append(fx.m.Endpoints, e)
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
