package model

import "strings"

// DefaultSGSuffix names the stand-in for a VPC's default security group
// when the plan has no aws_default_security_group for it:
// <vpc>.default_security_group.
const DefaultSGSuffix = ".default_security_group"

// defaultSG returns the default security group of a VPC. AWS gives every
// VPC one, which admits all traffic from its own members and lets all
// traffic out (to 0.0.0.0/0, and to ::/0 when the VPC has an IPv6 block),
// until aws_default_security_group rewrites its rules
// (https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html).
func (fx *facts) defaultSG(vpc string) string {
	for _, r := range fx.ix.byType["aws_default_security_group"] {
		if r.Data {
			continue
		}
		if sg := fx.sgs[r.Address]; sg != nil && sg.VPC == vpc {
			return r.Address
		}
		// Not built yet (a rule naming the default group can be read
		// first): its vpc_id says whose default group it manages.
		if contains(fx.link(r, r.Values, r.Unknown, "vpc_id", []string{"vpc_id"}, "aws_vpc", "aws_default_vpc").Addrs, vpc) {
			return r.Address
		}
	}
	addr := vpc + DefaultSGSuffix
	if fx.sgs[addr] == nil {
		fx.sgs[addr] = &SecurityGroup{
			Address: addr, Name: "default", VPC: vpc,
			Ingress: []SGRule{normRule(SGRule{Address: addr, Form: "default", Protocol: "-1", FromPort: 0, ToPort: 65535, Self: true, PeerGroups: []string{addr}})},
			Egress:  []SGRule{normRule(SGRule{Address: addr, Form: "default", Protocol: "-1", FromPort: 0, ToPort: 65535, CIDRs: []string{"0.0.0.0/0"}})},
		}
		if fx.vpcHasIPv6(vpc) {
			g := fx.sgs[addr]
			g.Egress = append(g.Egress, normRule(SGRule{Address: addr, Form: "default", Protocol: "-1", FromPort: 0, ToPort: 65535, CIDRs: []string{"::/0"}}))
		}
	}
	return addr
}

// vpcHasIPv6: the VPC is given an IPv6 block, on creation or by an
// association in the plan.
func (fx *facts) vpcHasIPv6(vpc string) bool {
	if v := fx.ix.byAddr[vpc]; v != nil && (getBool(v.Values, "assign_generated_ipv6_cidr_block") || getStr(v.Values, "ipv6_cidr_block") != "" ||
		getStr(v.Values, "ipv6_ipam_pool_id") != "" || unknownAt(v.Unknown, "ipv6_ipam_pool_id")) {
		return true
	}
	for _, a := range fx.ix.byType["aws_vpc_ipv6_cidr_block_association"] {
		if contains(fx.link(a, a.Values, a.Unknown, "vpc_id", []string{"vpc_id"}, "aws_vpc", "aws_default_vpc").Addrs, vpc) {
			return true
		}
	}
	return false
}

// defaultSGRefs maps references to a VPC's default_security_group_id onto
// that VPC's default group.
func (fx *facts) defaultSGRefs(ts []target) []string {
	var out []string
	for _, t := range ts {
		r := fx.ix.byAddr[t.Addr]
		if r != nil && (r.Type == "aws_vpc" || r.Type == "aws_default_vpc") && strings.HasPrefix(t.Attr, "default_security_group_id") {
			out = append(out, fx.defaultSG(t.Addr))
		}
	}
	return out
}

// applyDefaultSGs gives a database with no vpc_security_group_ids its
// VPC's default group, the VPC found through its DB subnet group.
func (fx *facts) applyDefaultSGs() {
	for _, d := range sortedDBs(fx.dbs) {
		if len(d.SecurityGroups) > 0 || contains(d.Unknown, "vpc_security_group_ids") {
			continue
		}
		r := fx.ix.byAddr[d.Address]
		sng := fx.link(r, r.Values, r.Unknown, "db_subnet_group_name", []string{"db_subnet_group_name"}, "aws_db_subnet_group")
		vpc := ""
		for _, ga := range sng.Addrs {
			g := fx.ix.byAddr[ga]
			for _, sa := range fx.link(g, g.Values, g.Unknown, "subnet_ids", []string{"subnet_ids"}, "aws_subnet", "aws_default_subnet").Addrs {
				if s := fx.subnets[sa]; s != nil && s.VPC != "" {
					vpc = s.VPC
				}
			}
		}
		if vpc == "" || fx.ix.byAddr[vpc] == nil {
			continue // the default VPC, outside the plan: left unresolved
		}
		d.SecurityGroups = []string{fx.defaultSG(vpc)}
	}
}

// dbGroupDetail is the evidence text of a database's security group; it
// says when that group is the VPC default group, which a database without
// vpc_security_group_ids gets and whose members admit each other unless
// aws_default_security_group rewrites its rules.
func (fx *facts) dbGroupDetail(sg string) string {
	if strings.HasSuffix(sg, DefaultSGSuffix) {
		return "database security group: the VPC default group, with AWS's default rules (every member admits the others)"
	}
	if r := fx.ix.byAddr[sg]; r != nil && r.Type == "aws_default_security_group" {
		return "database security group: the VPC default group, with the rules aws_default_security_group gives it"
	}
	return "database security group"
}
