package model

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/letsleep/letsleep/internal/addrset"
	"github.com/letsleep/letsleep/internal/iam"
)

// reacher is the reach stage at work: it reads the facts and writes only
// its own copies of the functions and of the model.
type reacher struct {
	*facts
	// m is the model being finished: a copy of the facts' model objects,
	// with paths, guest-role entry points and schedules added.
	m *Model
	// functions: copies of the facts' functions that receive the paths.
	functions map[string]*Function
	// edgeCache: hop edges of each role (hops.go).
	edgeCache map[string][]hopEdge
	// vpcSets: VPC address → all its address ranges (built on first use).
	vpcSets map[string]vpcRange
	// sets: the facts' target sets and the database sets reach adds.
	sets *targetSets
	// trigSets, roleSets, memberReach, namedBy, inRoleSet: hops through
	// target sets (hopsets.go), each computed once.
	trigSets    map[string]*triggerSet
	roleSets    map[string]*openRoles
	memberReach map[string]*memberReach
	setUnions   map[string]*roleSetUnion
	namedBy     map[string][]string
	inRoleSet   int
	// walkHopSets, hopSetNotes, hopSetFrom, hopSetPools: who reaches a
	// set of roles that is not followed (hopsetguard.go).
	walkHopSets []string
	hopSetNotes []hopSetNote
	hopSetFrom  map[string]map[string]bool
	hopSetPools map[string]string
	// setDBCache: what a grant on a target set reaches (setDatabases).
	setDBCache map[setDBKey]setDBs
	// allDBs: every database, sorted by address.
	allDBs []*Database
	notes
}

// reach derives the evidence paths from the facts: each function's egress
// and data paths (through the network, grants, credentials and hops), the
// entry points of guest roles and what each schedule wakes. It returns the
// finished Model.
func reach(fx *facts) *Model {
	m := *fx.m
	m.EntryPoints = slices.Clone(m.EntryPoints)
	m.Proxies = slices.Clone(m.Proxies)
	m.NATGateways = slices.Clone(m.NATGateways)
	m.InternetGateway = slices.Clone(m.InternetGateway)
	m.Tables = slices.Clone(m.Tables)
	m.Endpoints = slices.Clone(m.Endpoints)
	m.Schedules = slices.Clone(m.Schedules)
	rh := &reacher{facts: fx, m: &m, functions: make(map[string]*Function, len(fx.functions)), edgeCache: map[string][]hopEdge{}, sets: fx.sets.clone(),
		trigSets: map[string]*triggerSet{}, roleSets: map[string]*openRoles{}, memberReach: map[string]*memberReach{}, setUnions: map[string]*roleSetUnion{}, hopSetPools: map[string]string{}}
	rh.allDBs = sortedDBs(fx.dbs)
	for a, f := range fx.functions {
		c := *f
		c.Egress, c.DataPaths = slices.Clone(c.Egress), slices.Clone(c.DataPaths)
		rh.functions[a] = &c
	}
	rh.functionPaths()
	rh.guestRoles()
	rh.buildSchedules()
	rh.warnHopSets()
	rh.finish()
	return rh.m
}

// functionPaths derives each function's egress and data paths. Every join
// is a map lookup: security groups → databases, role → grants, grant →
// target.
func (rh *reacher) functionPaths() {
	dbBySG := map[string][]string{}
	for _, d := range rh.allDBs {
		for _, sg := range d.SecurityGroups {
			dbBySG[sg] = append(dbBySG[sg], d.Address)
		}
	}
	vpcCIDR := map[string]string{}
	for _, r := range rh.ix.byType["aws_vpc"] {
		vpcCIDR[r.Address] = getStr(r.Values, "cidr_block")
	}
	// Databases by VPC ("" for unknown), so a CIDR rule only meets the
	// databases it could reach instead of every database in the plan.
	all := rh.allDBs
	dbsByVPC := map[string][]*Database{}
	for _, d := range all {
		v := rh.dbVPC(d)
		dbsByVPC[v] = append(dbsByVPC[v], d)
	}
	pws := rh.pws
	own := func(w *reacher, f *Function) {
		w.egress(f)
		cands := all
		if v := w.functionVPC(f); v != "" {
			cands = append(append([]*Database{}, dbsByVPC[v]...), dbsByVPC[""]...)
		}
		w.networkPaths(f, dbBySG, vpcCIDR, cands)
		w.iamPaths(f)
	}
	rh.eachFunction(func(f *Function) []Path { return rh.envCredentialPaths(f, pws) }, own)
	rh.hopPaths()
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
	if f.roleLiteral != "" {
		// Quoted as for a literal policy ARN: the reviewer sees which
		// literal led to the role the next step names.
		d += ", execution role named by the literal ARN " + f.roleLiteral
	}
	return Step{Kind: "function", Address: f.Address, Detail: d}
}

func (rh *reacher) egress(f *Function) {
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
	dualStack := rh.functionIPv6(f.Address)
	if len(f.Subnets) == 0 {
		// In a VPC, subnets unknown: their routes cannot be checked.
		f.Egress = append(f.Egress, Path{Kind: PathNAT, Target: "internet", Unresolved: true, Steps: []Step{
			fnStep(f), assumedStep("subnet", f.Address, "vpc_config subnets unknown at plan time, so their routes are unknown", "egress assumed"),
		}})
	}
	sg := rh.functionEgressSets(f)
	for _, sn := range f.Subnets {
		s := rh.subnets[sn]
		if s == nil {
			f.Egress = append(f.Egress, Path{Kind: PathNAT, Target: "internet", Unresolved: true, Steps: []Step{
				fnStep(f), assumedStep("subnet", sn, "subnet not in the plan, so its routes are unknown", "egress assumed"),
			}})
			rh.warn("unresolved-reference", f.Address, "subnet %s is not in the plan; its route to the internet cannot be checked", sn)
			continue
		}
		rh.routeEgress(f, s, dualStack, sg)
	}
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

// isOpenCIDR: the block alone covers the IPv4 or IPv6 internet, however
// it is spelled (0::/0, ::/1).
func isOpenCIDR(c string) bool {
	s, bad := addrset.Parse([]string{c})
	return len(bad) == 0 && len(s.OpenFamilies()) > 0
}

// openOver reports whether block c alone covers every address of one of the
// families a connection may use.
func openOver(c string, fams map[string]bool) bool {
	s, bad := addrset.Parse([]string{c})
	if len(bad) > 0 {
		return false
	}
	for _, f := range s.OpenFamilies() {
		if fams[f] {
			return true
		}
	}
	return false
}

// dbFamilies are the address families a function may reach a database
// over: IPv4 always; IPv6 too only when the function is dual-stack and the
// database is (network_type = "DUAL"). An IPv6-only rule (::/0) does not
// let a function reach an IPv4 database.
// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html#USER_VPC.IP_addressing
func (fx *facts) dbFamilies(f *Function, d *Database) map[string]bool {
	fams := map[string]bool{addrset.IPv4: true}
	if r := fx.ix.byAddr[d.Address]; r != nil && strings.EqualFold(getStr(r.Values, "network_type"), "DUAL") && fx.functionIPv6(f.Address) {
		fams[addrset.IPv6] = true
	}
	return fams
}

func (fx *facts) functionVPC(f *Function) string {
	for _, sn := range f.Subnets {
		if s := fx.subnets[sn]; s != nil && s.VPC != "" {
			return s.VPC
		}
	}
	return ""
}

func (fx *facts) dbVPC(d *Database) string {
	for _, sg := range d.SecurityGroups {
		if g := fx.sgs[sg]; g != nil && g.VPC != "" {
			return g.VPC
		}
	}
	return ""
}

// networkPaths: function SG egress allows the DB port toward the DB's SG
// (or a CIDR covering it) AND the DB SG ingress allows the function's SG
// (or a CIDR covering its subnets), in the same VPC when known.
func (rh *reacher) networkPaths(f *Function, dbBySG map[string][]string, vpcCIDR map[string]string, cidrCands []*Database) {
	if !f.InVPC {
		return
	}
	fVPC := rh.functionVPC(f)
	fSGs := map[string]bool{}
	for _, s := range f.SecurityGroups {
		fSGs[s] = true
	}
	var fCIDRs []string
	for _, sn := range f.Subnets {
		if s := rh.subnets[sn]; s != nil && s.CIDR != "" {
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
		sg := rh.sgs[sgA]
		if sg == nil {
			continue
		}
		for _, r := range sg.Egress {
			for _, peer := range r.PeerGroups {
				for _, db := range dbBySG[peer] {
					if ruleAllowsPort(r, rh.dbs[db].Port) {
						addCand(db, cand{egress: r, sg: sgA, unresolved: r.Unresolved})
					}
				}
			}
			cidrs, plUnknown := rh.ruleBlocks(r)
			if len(cidrs) == 0 && !plUnknown {
				continue
			}
			for _, d := range cidrCands {
				if !ruleAllowsPort(r, d.Port) {
					continue
				}
				dVPC := rh.dbVPC(d)
				if plUnknown {
					addCand(d.Address, cand{egress: r, sg: sgA, unresolved: true})
					continue
				}
				for _, c := range cidrs {
					if openOver(c, rh.dbFamilies(f, d)) {
						addCand(d.Address, cand{egress: r, sg: sgA, unresolved: r.Unresolved})
						break
					}
					if dbOverlaps(c, rh.dbBlocks(d, vpcCIDR[dVPC])) {
						addCand(d.Address, cand{egress: r, sg: sgA, unresolved: r.Unresolved})
						break
					}
				}
			}
		}
	}
	for _, dbA := range order {
		c := cands[dbA]
		d := rh.dbs[dbA]
		dVPC := rh.dbVPC(d)
		if fVPC != "" && dVPC != "" && fVPC != dVPC {
			continue
		}
		egressStep := Step{Kind: "sg_rule", Address: c.egress.Address, Detail: fmt.Sprintf("egress %s %s from %s", c.egress.Protocol, portString(c.egress.FromPort, c.egress.ToPort), c.sg)}
		if c.unresolved {
			egressStep = assume(egressStep, c.egress.Address, "part of this egress rule is unknown at plan time", "it admits the database")
		}
		// The path leaves through the function's own group, as it enters
		// through the database's.
		ownSG := inGuessedGroup(Step{Kind: "security_group", Address: c.sg, Detail: "function security group"}, f.Address, f.sgGuess, c.sg)
		if len(d.SecurityGroups) == 0 {
			f.DataPaths = append(f.DataPaths, Path{Kind: PathNetwork, Target: dbA, Unresolved: true, Steps: []Step{
				fnStep(f), ownSG, egressStep, assumedStep("security_group", dbA, "database security groups unknown (VPC default group?)", "ingress assumed"), dbStep(d),
			}})
			continue
		}
		for _, dsgA := range d.SecurityGroups {
			dsg := rh.sgs[dsgA]
			if dsg == nil {
				f.DataPaths = append(f.DataPaths, Path{Kind: PathNetwork, Target: dbA, Unresolved: true, Steps: []Step{
					fnStep(f), ownSG, egressStep, assumedStep("security_group", dsgA, "database security group not in the plan", "ingress assumed"), dbStep(d),
				}})
				break
			}
			found := false
			for _, in := range dsg.Ingress {
				if !ruleAllowsPort(in, d.Port) {
					continue
				}
				how, plAssumed := "", false
				for _, p := range in.PeerGroups {
					if fSGs[p] {
						how = "from " + p
						break
					}
				}
				if how == "" {
					inCIDRs, inPLUnknown := rh.ruleBlocks(in)
					if inPLUnknown {
						how, plAssumed = "from a prefix list whose entries the plan does not hold", true
					}
					for _, cidr := range inCIDRs {
						if how != "" {
							break
						}
						if openOver(cidr, rh.dbFamilies(f, d)) {
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
				inStep := Step{Kind: "sg_rule", Address: in.Address, Detail: fmt.Sprintf("ingress %s %s %s", in.Protocol, portString(in.FromPort, in.ToPort), how)}
				if in.Unresolved {
					inStep = assume(inStep, in.Address, "part of this ingress rule is unknown at plan time", "it admits the function")
				} else if plAssumed {
					inStep = assume(inStep, in.Address, "the entries of a prefix list in this ingress rule are not in the plan", "they hold the function's addresses")
				}
				f.DataPaths = append(f.DataPaths, Path{Kind: PathNetwork, Target: dbA, Unresolved: c.unresolved || in.Unresolved || plAssumed, Steps: []Step{
					fnStep(f), ownSG, egressStep,
					{Kind: "security_group", Address: dsgA, Detail: rh.dbGroupDetail(dsgA)},
					inStep,
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

// dbBlocks are the address blocks a database's interfaces live in: the
// CIDRs of its DB subnet group's subnets, or its VPC's block when the plan
// does not place it that precisely.
func (fx *facts) dbBlocks(d *Database, vpcCIDR string) []string {
	var out []string
	for _, sn := range d.Subnets {
		s := fx.subnets[sn]
		if s == nil || s.CIDR == "" {
			out = nil
			break
		}
		out = append(out, s.CIDR)
	}
	if len(out) == 0 && vpcCIDR != "" {
		out = []string{vpcCIDR}
	}
	return out
}

func dbOverlaps(cidr string, blocks []string) bool {
	for _, blk := range blocks {
		if ov, ok := cidrOverlaps(cidr, blk); ok && ov {
			return true
		}
	}
	return false
}

// ruleBlocks is a rule's address blocks: its CIDRs and the entries of its
// prefix lists. unknown is true when a prefix list's entries are not in the
// plan (an AWS-managed list, entries unknown until apply): it may hold
// anything, so callers err open and mark the path unresolved.
func (fx *facts) ruleBlocks(r SGRule) (cidrs []string, unknown bool) {
	cidrs = append(cidrs, r.CIDRs...)
	for _, pl := range r.PrefixLists {
		s, ok := fx.prefixList(pl)
		if !ok {
			unknown = true
			continue
		}
		cidrs = append(cidrs, s.Prefixes()...)
	}
	return cidrs, unknown
}

func dbStep(d *Database) Step {
	detail := fmt.Sprintf("%s %s port %d", d.Kind, d.Engine, d.Port)
	if d.HTTPEndpoint {
		detail += " (HTTP endpoint on)"
	}
	return Step{Kind: "database", Address: d.Address, Detail: detail}
}

// iamPaths turns the execution role's grants into data paths.
func (rh *reacher) iamPaths(f *Function) {
	cands := rh.fnRoles[f.Address]
	for _, ra := range cands {
		rs := rh.roles[ra]
		if rs == nil {
			continue
		}
		rh.iamPathsOf(f, rs, len(cands) > 1 || contains(f.Unresolved, "execution_role"))
	}
}

func (rh *reacher) iamPathsOf(f *Function, rs *roleState, ambiguous bool) {
	f.DataPaths = append(f.DataPaths, rh.grantDataPaths(rs, rh.roleHead(f, ambiguous), ambiguous)...)
}

// roleHead starts the IAM paths of f: its own step, and when its execution
// role could not be pinned down, the assumption that it may be any of the
// candidates.
func (fx *facts) roleHead(f *Function, ambiguous bool) []Step {
	if !ambiguous {
		return []Step{fnStep(f)}
	}
	cands := fx.fnRoles[f.Address]
	assumed := "it may be any of " + strings.Join(cands, ", ")
	if len(cands) == 0 {
		assumed = "it may be any role"
	}
	return []Step{fnStep(f), assumedStep("role", f.Address, "the execution role is unknown at plan time or names several candidates", assumed)}
}

// grantDataPaths turns a role's grants on database objects into data
// paths, each starting with prefix (the function, and any role hops).
func (rh *reacher) grantDataPaths(rs *roleState, prefix []Step, ambiguous bool) []Path {
	if rs == nil {
		return nil
	}
	var out []Path
	for _, g := range rs.grants {
		if g.TargetSet != "" {
			unresolved := ambiguous || rs.assumed[grantKey(g)]
			out = append(out, rh.setDataPaths(g, append(append([]Step{}, prefix...), g.Via...), unresolved)...)
			continue
		}
		if g.Target == "" {
			out = append(out, rh.queryEditorPaths(g, append(append([]Step{}, prefix...), g.Via...))...)
			continue
		}
		unresolved := g.Resource == UnknownResource || ambiguous || rs.assumed[grantKey(g)]
		via := append(append([]Step{}, prefix...), g.Via...)
		switch g.Action {
		case iam.ActionSecretRead, iam.ActionSSMRead:
			s := rh.secrets[g.Target]
			if s == nil || s.Database == "" {
				continue
			}
			d := rh.dbs[s.Database]
			out = append(out, Path{Kind: PathSecret, Target: d.Address, Unresolved: unresolved, Steps: append(via, dbStep(d))})
		case iam.ActionDataAPI:
			d := rh.dbs[g.Target]
			if d == nil || !d.HTTPEndpoint {
				continue
			}
			out = append(out, Path{Kind: PathDataAPI, Target: d.Address, Unresolved: unresolved, Steps: append(via, dbStep(d))})
		case iam.ActionDBConnect:
			d := rh.dbs[g.Target]
			if d == nil || !d.IAMAuth {
				continue
			}
			out = append(out, Path{Kind: PathRDSDBConnect, Target: d.Address, Unresolved: unresolved, Steps: append(via, dbStep(d))})
		}
	}
	return out
}

// setDataPaths turns a grant on a target set into data paths: one per
// matched target, as for a grant per target, when they are few; else one
// path to the set of databases they reach, whose last step names it.
func (rh *reacher) setDataPaths(g Grant, via []Step, unresolved bool) []Path {
	ts := rh.sets.get(g.TargetSet)
	if ts == nil || len(via) == 0 {
		return nil
	}
	sd := rh.setDatabases(g.Action, ts)
	kind, hits := sd.kind, sd.hits
	if len(hits) == 0 {
		return nil
	}
	head, last := via[:len(via)-1], via[len(via)-1]
	if len(hits) <= ListedTargets {
		out := make([]Path, 0, len(hits))
		for _, h := range hits {
			hitStep := Step{Kind: targetKind(g.Action), Address: h.member, Detail: setLead(last, ts), FromUnknown: last.FromUnknown}
			steps := append(append(append(make([]Step, 0, len(head)+2), head...), hitStep), dbStep(h.d))
			out = append(out, Path{Kind: kind, Target: h.d.Address, Unresolved: unresolved, Steps: steps})
		}
		return out
	}
	return []Path{{Kind: kind, TargetSet: sd.dbs.ID, Unresolved: unresolved, Steps: append(via, setStep(sd.dbs, "reaches"))}}
}

// setDBs is what a grant of one action on a target set reaches: the
// members that lead to a database, and the set of those databases when
// they are more than ListedTargets.
type setDBs struct {
	kind string
	hits []setDBHit
	dbs  *TargetSet
}

type setDBHit struct {
	member string
	d      *Database
}

type setDBKey struct{ action, set string }

// setDatabases computes setDBs once per (action, set): every function of
// a plan of N tenants granted "*" holds a grant on the same set, and
// walking its N members per function made reach grow with N².
func (rh *reacher) setDatabases(action string, ts *TargetSet) setDBs {
	k := setDBKey{action, ts.ID}
	if sd, ok := rh.setDBCache[k]; ok {
		return sd
	}
	var sd setDBs
	for _, m := range ts.Members {
		var d *Database
		switch action {
		case iam.ActionSecretRead, iam.ActionSSMRead:
			sd.kind = PathSecret
			if s := rh.secrets[m]; s != nil && s.Database != "" {
				d = rh.dbs[s.Database]
			}
		case iam.ActionDataAPI:
			sd.kind = PathDataAPI
			if d = rh.dbs[m]; d != nil && !d.HTTPEndpoint {
				d = nil
			}
		case iam.ActionDBConnect:
			sd.kind = PathRDSDBConnect
			if d = rh.dbs[m]; d != nil && !d.IAMAuth {
				d = nil
			}
		}
		if d != nil {
			sd.hits = append(sd.hits, setDBHit{m, d})
		}
	}
	if len(sd.hits) > ListedTargets {
		dbs := make([]string, len(sd.hits))
		for i, h := range sd.hits {
			dbs[i] = h.d.Address
		}
		sd.dbs = rh.sets.intern(SetDatabases, dbs)
	}
	if rh.setDBCache == nil {
		rh.setDBCache = map[setDBKey]setDBs{}
	}
	rh.setDBCache[k] = sd
	return sd
}
