package model

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/letsleep/letsleep/internal/iam"
)

// reach derives each function's egress and data paths. Every join is a map
// lookup: security groups → databases, role → grants, grant → target.
func (b *builder) reach() {
	dbBySG := map[string][]string{}
	for _, d := range sortedDBs(b.dbs) {
		for _, sg := range d.SecurityGroups {
			dbBySG[sg] = append(dbBySG[sg], d.Address)
		}
	}
	vpcCIDR := map[string]string{}
	for _, r := range b.ix.byType["aws_vpc"] {
		vpcCIDR[r.Address] = getStr(r.Values, "cidr_block")
	}
	// Databases by VPC ("" for unknown), so a CIDR rule only meets the
	// databases it could reach instead of every database in the plan.
	all := sortedDBs(b.dbs)
	dbsByVPC := map[string][]*Database{}
	for _, d := range all {
		v := b.dbVPC(d)
		dbsByVPC[v] = append(dbsByVPC[v], d)
	}
	for _, f := range b.functions {
		b.egress(f)
		cands := all
		if v := b.functionVPC(f); v != "" {
			cands = append(append([]*Database{}, dbsByVPC[v]...), dbsByVPC[""]...)
		}
		b.networkPaths(f, dbBySG, vpcCIDR, cands)
		b.iamPaths(f)
	}
	b.hopPaths()
}

func sortedDBs(m map[string]*Database) []*Database {
	out := make([]*Database, 0, len(m))
	for _, k := range sortedKeysOf(m) {
		out = append(out, m[k])
	}
	return out
}

func sortedKeysOf[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return sortedUnique(keys)
}

func fnStep(f *Function) Step {
	d := "Lambda function"
	if f.Name != "" {
		d += " " + f.Name
	}
	if f.Role != "" {
		d += " (role " + f.Role + ")"
	}
	return Step{Kind: "function", Address: f.Address, Detail: d}
}

func isDefaultRoute(dest string) bool {
	return dest == "0.0.0.0/0" || dest == "::/0" || dest == "(unknown)"
}

func (b *builder) egress(f *Function) {
	if f.Role == RoleEgress {
		f.Egress = append(f.Egress, Path{Kind: PathDeclared, Target: "internet", Steps: []Step{
			fnStep(f), {Kind: "internet", Detail: "declared egress (" + TagRole + "=egress, source " + f.RoleSource + ")"},
		}})
	}
	if !f.InVPC {
		f.Egress = append(f.Egress, Path{Kind: PathOutsideVPC, Target: "internet", Steps: []Step{
			fnStep(f), {Kind: "internet", Detail: "no vpc_config: AWS gives a Lambda outside a VPC internet access"},
		}})
		return
	}
	ipv6 := b.functionIPv6(f.Address)
	type egressRule struct {
		step           Step
		ok, unresolved bool
	}
	byFamily := map[string]egressRule{}
	ruleFor := func(dest string) egressRule {
		if r, ok := byFamily[dest]; ok {
			return r
		}
		st, ok, un := b.internetEgressRule(f, dest)
		byFamily[dest] = egressRule{st, ok, un}
		return byFamily[dest]
	}
	if len(f.Subnets) == 0 {
		// In a VPC, subnets unknown: their routes cannot be checked.
		f.Egress = append(f.Egress, Path{Kind: PathNAT, Target: "internet", Unresolved: true, Steps: []Step{
			fnStep(f), {Kind: "subnet", Detail: "vpc_config subnets unknown at plan time: routes unknown, egress assumed"},
		}})
	}
	for _, sn := range f.Subnets {
		s := b.subnets[sn]
		if s == nil {
			f.Egress = append(f.Egress, Path{Kind: PathNAT, Target: "internet", Unresolved: true, Steps: []Step{
				fnStep(f), {Kind: "subnet", Address: sn, Detail: "subnet not in the plan: its routes are unknown, egress assumed"},
			}})
			b.warn("unresolved-reference", f.Address, "subnet %s is not in the plan; its route to the internet cannot be checked", sn)
			continue
		}
		for _, rt := range s.Routes {
			if !isDefaultRoute(rt.Destination) || (rt.Destination == "::/0" && !ipv6) {
				continue
			}
			var hop Step
			unresolved := false
			switch rt.TargetKind {
			case "nat":
				hop = Step{Kind: "nat_gateway", Address: rt.Target, Detail: "NAT gateway"}
				if g := b.natByAddr[rt.Target]; g == nil && !strings.HasPrefix(rt.Target, "nat-") {
					unresolved = true
				}
			case "egress-only-igw":
				hop = Step{Kind: "internet", Address: rt.Target, Detail: "egress-only internet gateway (IPv6, function allows dual stack)"}
			case "instance", "eni":
				hop = Step{Kind: "route", Address: rt.Target, Detail: "default route to an instance or ENI (a NAT instance?): not analysed, egress assumed"}
				unresolved = true
				b.warn("blind-spot", rt.Address, "default route to %s (%s) may be a NAT instance; letsleep assumes it reaches the internet", rt.Target, rt.TargetKind)
			case "tgw", "peering", "vgw", "unknown":
				if rt.Destination == "(unknown)" && rt.TargetKind != "unknown" {
					continue
				}
				hop = Step{Kind: "route", Address: rt.Target, Detail: fmt.Sprintf("default route to %s %s: what lies beyond is not analysed, egress assumed", rt.TargetKind, rt.Target)}
				unresolved = true
				if rt.TargetKind != "unknown" {
					b.warn("blind-spot", rt.Address, "default route to %s %s: egress through it is not analysed", rt.TargetKind, rt.Target)
				}
			default:
				continue // igw: Lambda ENIs get no public IP; local; endpoints
			}
			er := ruleFor(rt.Destination)
			sgStep, sgOK, sgUnresolved := er.step, er.ok, er.unresolved
			if !sgOK && !sgUnresolved {
				continue // SG egress blocks the internet
			}
			steps := []Step{
				fnStep(f),
				{Kind: "subnet", Address: s.Address, Detail: "subnet " + s.CIDR},
				{Kind: "route_table", Address: s.RouteTable, Detail: "effective route table"},
				{Kind: "route", Address: rt.Address, Detail: rt.Destination + " → " + rt.TargetKind},
				hop,
				sgStep,
				{Kind: "internet", Detail: "internet"},
			}
			f.Egress = append(f.Egress, Path{Kind: PathNAT, Target: "internet", Steps: steps, Unresolved: unresolved || sgUnresolved})
		}
	}
}

// internetEgressRule finds an egress rule on the function's groups that
// opens the default route's destination (0.0.0.0/0 or ::/0). unresolved when a group is not in the
// plan or a rule is unresolved.
func (b *builder) internetEgressRule(f *Function, dest string) (Step, bool, bool) {
	if len(f.SecurityGroups) == 0 {
		return Step{Kind: "security_group", Detail: "security groups unknown: egress assumed"}, false, true
	}
	unresolved := false
	for _, sgA := range f.SecurityGroups {
		sg := b.sgs[sgA]
		if sg == nil {
			unresolved = true
			continue
		}
		for _, r := range sg.Egress {
			if r.Unresolved {
				unresolved = true
			}
			for _, c := range r.CIDRs {
				// The rule must open the same address family as the route.
				if (c == "0.0.0.0/0" && dest != "::/0") || (c == "::/0" && dest != "0.0.0.0/0") {
					return Step{Kind: "sg_rule", Address: r.Address, Detail: fmt.Sprintf("egress %s %s to %s on %s", r.Protocol, portString(r.FromPort, r.ToPort), c, sgA)}, true, false
				}
			}
		}
	}
	return Step{Kind: "security_group", Detail: "a security group of the function is not in the plan: egress assumed"}, false, unresolved
}

func ruleAllowsPort(r SGRule, port int) bool {
	if r.Protocol != "-1" && r.Protocol != "tcp" {
		return false
	}
	return r.FromPort <= port && port <= r.ToPort
}

func cidrOverlaps(a, b string) (bool, bool) {
	pa, err1 := netip.ParsePrefix(a)
	pb, err2 := netip.ParsePrefix(b)
	if err1 != nil || err2 != nil {
		return false, false
	}
	return pa.Overlaps(pb), true
}

func isOpenCIDR(c string) bool { return c == "0.0.0.0/0" || c == "::/0" }

func (b *builder) functionVPC(f *Function) string {
	for _, sn := range f.Subnets {
		if s := b.subnets[sn]; s != nil && s.VPC != "" {
			return s.VPC
		}
	}
	return ""
}

func (b *builder) dbVPC(d *Database) string {
	for _, sg := range d.SecurityGroups {
		if g := b.sgs[sg]; g != nil && g.VPC != "" {
			return g.VPC
		}
	}
	return ""
}

// networkPaths: function SG egress allows the DB port toward the DB's SG
// (or a CIDR covering it) AND the DB SG ingress allows the function's SG
// (or a CIDR covering its subnets), in the same VPC when known.
func (b *builder) networkPaths(f *Function, dbBySG map[string][]string, vpcCIDR map[string]string, cidrCands []*Database) {
	if !f.InVPC {
		return
	}
	fVPC := b.functionVPC(f)
	fSGs := map[string]bool{}
	for _, s := range f.SecurityGroups {
		fSGs[s] = true
	}
	var fCIDRs []string
	for _, sn := range f.Subnets {
		if s := b.subnets[sn]; s != nil && s.CIDR != "" {
			fCIDRs = append(fCIDRs, s.CIDR)
		}
	}
	type cand struct {
		egress     SGRule
		sg         string
		unresolved bool
	}
	cands := map[string]cand{}
	order := []string{}
	addCand := func(db string, c cand) {
		if _, ok := cands[db]; !ok {
			order = append(order, db)
			cands[db] = c
		}
	}
	for _, sgA := range f.SecurityGroups {
		sg := b.sgs[sgA]
		if sg == nil {
			continue
		}
		for _, r := range sg.Egress {
			for _, peer := range r.PeerGroups {
				for _, db := range dbBySG[peer] {
					if ruleAllowsPort(r, b.dbs[db].Port) {
						addCand(db, cand{egress: r, sg: sgA, unresolved: r.Unresolved})
					}
				}
			}
			if len(r.CIDRs) == 0 {
				continue
			}
			for _, d := range cidrCands {
				if !ruleAllowsPort(r, d.Port) {
					continue
				}
				dVPC := b.dbVPC(d)
				for _, c := range r.CIDRs {
					if isOpenCIDR(c) {
						addCand(d.Address, cand{egress: r, sg: sgA, unresolved: r.Unresolved})
						break
					}
					if cidr := vpcCIDR[dVPC]; cidr != "" {
						if ov, ok := cidrOverlaps(c, cidr); ok && ov {
							addCand(d.Address, cand{egress: r, sg: sgA, unresolved: r.Unresolved})
							break
						}
					}
				}
			}
		}
	}
	for _, dbA := range order {
		c := cands[dbA]
		d := b.dbs[dbA]
		dVPC := b.dbVPC(d)
		if fVPC != "" && dVPC != "" && fVPC != dVPC {
			continue
		}
		egressStep := Step{Kind: "sg_rule", Address: c.egress.Address, Detail: fmt.Sprintf("egress %s %s from %s", c.egress.Protocol, portString(c.egress.FromPort, c.egress.ToPort), c.sg)}
		if len(d.SecurityGroups) == 0 {
			f.DataPaths = append(f.DataPaths, Path{Kind: PathNetwork, Target: dbA, Unresolved: true, Steps: []Step{
				fnStep(f), egressStep, {Kind: "security_group", Detail: "database security groups unknown (VPC default group?): ingress assumed"}, dbStep(d),
			}})
			continue
		}
		for _, dsgA := range d.SecurityGroups {
			dsg := b.sgs[dsgA]
			if dsg == nil {
				f.DataPaths = append(f.DataPaths, Path{Kind: PathNetwork, Target: dbA, Unresolved: true, Steps: []Step{
					fnStep(f), egressStep, {Kind: "security_group", Address: dsgA, Detail: "database security group not in the plan: ingress assumed"}, dbStep(d),
				}})
				break
			}
			found := false
			for _, in := range dsg.Ingress {
				if !ruleAllowsPort(in, d.Port) {
					continue
				}
				how := ""
				for _, p := range in.PeerGroups {
					if fSGs[p] {
						how = "from " + p
						break
					}
				}
				if how == "" {
					for _, cidr := range in.CIDRs {
						if isOpenCIDR(cidr) {
							how = "from " + cidr
							break
						}
						for _, fc := range fCIDRs {
							if ov, ok := cidrOverlaps(cidr, fc); ok && ov {
								how = "from " + cidr + " (covers " + fc + ")"
								break
							}
						}
						if how != "" {
							break
						}
					}
				}
				if how == "" && !in.Unresolved {
					continue
				}
				if how == "" {
					how = "unresolved rule"
				}
				f.DataPaths = append(f.DataPaths, Path{Kind: PathNetwork, Target: dbA, Unresolved: c.unresolved || in.Unresolved, Steps: []Step{
					fnStep(f), egressStep,
					{Kind: "security_group", Address: dsgA, Detail: "database security group"},
					{Kind: "sg_rule", Address: in.Address, Detail: fmt.Sprintf("ingress %s %s %s", in.Protocol, portString(in.FromPort, in.ToPort), how)},
					dbStep(d),
				}})
				found = true
				break
			}
			if found {
				break
			}
		}
	}
}

func dbStep(d *Database) Step {
	detail := fmt.Sprintf("%s %s port %d", d.Kind, d.Engine, d.Port)
	if d.HTTPEndpoint {
		detail += " (HTTP endpoint on)"
	}
	return Step{Kind: "database", Address: d.Address, Detail: detail}
}

// iamPaths turns the execution role's grants into data paths.
func (b *builder) iamPaths(f *Function) {
	cands := b.fnRoles[f.Address]
	for _, ra := range cands {
		rs := b.roles[ra]
		if rs == nil {
			continue
		}
		b.iamPathsOf(f, rs, len(cands) > 1 || contains(f.Unresolved, "execution_role"))
	}
}

func (b *builder) iamPathsOf(f *Function, rs *roleState, ambiguous bool) {
	f.DataPaths = append(f.DataPaths, b.grantDataPaths(rs, []Step{fnStep(f)}, ambiguous)...)
}

// grantDataPaths turns a role's grants on database objects into data
// paths, each starting with prefix (the function, and any role hops).
func (b *builder) grantDataPaths(rs *roleState, prefix []Step, ambiguous bool) []Path {
	if rs == nil {
		return nil
	}
	var out []Path
	for _, g := range rs.grants {
		if g.Target == "" {
			continue
		}
		unresolved := g.Resource == UnknownResource || ambiguous || rs.assumed[grantKey(g)]
		via := append(append([]Step{}, prefix...), g.Via...)
		switch g.Action {
		case iam.ActionSecretRead:
			s := b.secrets[g.Target]
			if s == nil || s.Database == "" {
				continue
			}
			d := b.dbs[s.Database]
			out = append(out, Path{Kind: PathSecret, Target: d.Address, Unresolved: unresolved, Steps: append(via, dbStep(d))})
		case iam.ActionDataAPI:
			d := b.dbs[g.Target]
			if d == nil || !d.HTTPEndpoint {
				continue
			}
			out = append(out, Path{Kind: PathDataAPI, Target: d.Address, Unresolved: unresolved, Steps: append(via, dbStep(d))})
		case iam.ActionDBConnect:
			d := b.dbs[g.Target]
			if d == nil || !d.IAMAuth {
				continue
			}
			out = append(out, Path{Kind: PathRDSDBConnect, Target: d.Address, Unresolved: unresolved, Steps: append(via, dbStep(d))})
		}
	}
	return out
}
