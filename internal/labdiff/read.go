package labdiff

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/letsleep/letsleep/internal/model"
)

// The lab's own reading of a plan. The lab shares one piece with the
// checker: the security groups and their rules (model.Build's
// SecurityGroups, the plan read into rules). Everything else the lab needs
// (where each function and database sits, which route table a subnet
// uses, where its routes lead, what a prefix list holds) is read here, from
// the plan's planned values and configuration references, without the
// model. A stack the reader does not understand is an error, never a guess.
//
// The reader understands the generator's dialect: root-module resources,
// no count or for_each, references written as TYPE.NAME.ATTR.

// planIndex holds each resource's planned values, unknown markers and
// configuration expressions, by address.
type planIndex struct {
	values  map[string]map[string]any
	unknown map[string]map[string]any
	exprs   map[string]map[string]*tfjson.Expression
	types   map[string][]string // type → addresses, sorted
}

func indexPlan(p *tfjson.Plan) (*planIndex, error) {
	ix := &planIndex{values: map[string]map[string]any{}, unknown: map[string]map[string]any{},
		exprs: map[string]map[string]*tfjson.Expression{}, types: map[string][]string{}}
	if p.PlannedValues == nil || p.PlannedValues.RootModule == nil {
		return nil, fmt.Errorf("plan has no planned values")
	}
	if len(p.PlannedValues.RootModule.ChildModules) > 0 {
		return nil, fmt.Errorf("plan has child modules: the lab reader reads root-module stacks only")
	}
	for _, r := range p.PlannedValues.RootModule.Resources {
		if r.Mode != tfjson.ManagedResourceMode {
			continue
		}
		ix.values[r.Address] = r.AttributeValues
		ix.types[r.Type] = append(ix.types[r.Type], r.Address)
	}
	for _, rc := range p.ResourceChanges {
		if rc.Change != nil {
			if m, ok := rc.Change.AfterUnknown.(map[string]any); ok {
				ix.unknown[rc.Address] = m
			}
		}
	}
	if p.Config != nil && p.Config.RootModule != nil {
		for _, r := range p.Config.RootModule.Resources {
			if r.CountExpression != nil || r.ForEachExpression != nil {
				return nil, fmt.Errorf("%s: count or for_each: the lab reader reads single resources only", r.Address)
			}
			ix.exprs[r.Address] = r.Expressions
		}
	}
	for _, as := range ix.types {
		sort.Strings(as)
	}
	return ix, nil
}

// refs returns the resources of the given types that expression key of addr
// references, in order.
func (ix *planIndex) refs(addr, key string, types ...string) []string {
	return refsIn(ix.exprs[addr][key], types)
}

func refsIn(e *tfjson.Expression, types []string) []string {
	if e == nil {
		return nil
	}
	var out []string
	for _, ref := range e.References {
		parts := strings.Split(ref, ".")
		if len(parts) != 2 || !slices.Contains(types, parts[0]) {
			continue
		}
		if !slices.Contains(out, ref) {
			out = append(out, ref)
		}
	}
	return out
}

// blockRefs returns the references of key inside the first nested block
// blk of addr (vpc_config { subnet_ids = [...] }).
func (ix *planIndex) blockRefs(addr, blk, key string, types ...string) []string {
	e := ix.exprs[addr][blk]
	if e == nil || len(e.NestedBlocks) == 0 {
		return nil
	}
	return refsIn(e.NestedBlocks[0][key], types)
}

func str(v map[string]any, key string) string {
	s, _ := v[key].(string)
	return s
}

func num(v map[string]any, key string) int {
	f, _ := v[key].(float64)
	return int(f)
}

func blocks(v map[string]any, key string) []map[string]any {
	raw, _ := v[key].([]any)
	var out []map[string]any
	for _, b := range raw {
		if m, ok := b.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// one returns the single reference, or an error naming what is missing.
func one(addr, what string, refs []string) (string, error) {
	if len(refs) != 1 {
		return "", fmt.Errorf("%s: want one %s reference, found %v", addr, what, refs)
	}
	return refs[0], nil
}

// LabInput is what the lab is built from: the placement and routes the lab
// read itself, and the security groups it shares with the checker.
type LabInput struct {
	Model *model.Model
}

// ReadLab reads the plan into the lab's input. shared is the checker's
// reading of the same plan, of which only SecurityGroups is used.
func ReadLab(raw []byte, shared *model.Model) (*LabInput, error) {
	var p tfjson.Plan
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, fmt.Errorf("decode plan: %w", err)
	}
	ix, err := indexPlan(&p)
	if err != nil {
		return nil, err
	}
	m := &model.Model{}
	subnets, err := ix.subnets()
	if err != nil {
		return nil, err
	}
	m.Subnets = subnets
	pls := ix.prefixLists()
	for _, g := range shared.SecurityGroups {
		if strings.HasSuffix(g.Address, model.DefaultSGSuffix) {
			continue // the model's stand-in for an unmanaged default group: the reader writes its own
		}
		m.SecurityGroups = append(m.SecurityGroups, withPrefixEntries(g, pls))
	}
	dual := map[string]bool{}
	for _, s := range ix.types["aws_subnet"] {
		dual[s] = ix.exprs[s]["ipv6_cidr_block"] != nil || str(ix.values[s], "ipv6_cidr_block") != ""
	}
	if m.Functions, err = ix.functions(dual); err != nil {
		return nil, err
	}
	if m.Databases, err = ix.databases(); err != nil {
		return nil, err
	}
	m.SecurityGroups = append(m.SecurityGroups, ix.unmanagedDefaultGroups(m)...)
	return &LabInput{Model: m}, nil
}

// groupRefs reads the security groups an expression names: groups and
// managed default groups by their address, and a VPC's
// default_security_group_id as that VPC's default group (the
// aws_default_security_group that manages it, else the group AWS made).
func (ix *planIndex) groupRefs(e *tfjson.Expression) []string {
	out := refsIn(e, []string{"aws_security_group", "aws_default_security_group"})
	if e == nil {
		return out
	}
	for _, ref := range e.References {
		vpc, ok := strings.CutSuffix(ref, ".default_security_group_id")
		if !ok || !strings.HasPrefix(vpc, "aws_vpc.") {
			continue
		}
		if g := ix.defaultGroup(vpc); !slices.Contains(out, g) {
			out = append(out, g)
		}
	}
	return out
}

// defaultGroup names the default group of a VPC: its
// aws_default_security_group, else vpc + model.DefaultSGSuffix (the name
// peers of the shared rule reading use for it).
func (ix *planIndex) defaultGroup(vpc string) string {
	for _, a := range ix.types["aws_default_security_group"] {
		if slices.Contains(ix.refs(a, "vpc_id", "aws_vpc"), vpc) {
			return a
		}
	}
	return vpc + model.DefaultSGSuffix
}

// unmanagedDefaultGroups writes the rules AWS gives a VPC's default group
// for every one the stack uses without aws_default_security_group: all
// traffic in from its own members, all traffic out to 0.0.0.0/0, and to
// ::/0 too when the VPC has an IPv6 block
// (https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html).
func (ix *planIndex) unmanagedDefaultGroups(m *model.Model) []model.SecurityGroup {
	used := map[string]bool{}
	for _, f := range m.Functions {
		for _, g := range f.SecurityGroups {
			used[g] = true
		}
	}
	for _, d := range m.Databases {
		for _, g := range d.SecurityGroups {
			used[g] = true
		}
	}
	for _, g := range m.SecurityGroups {
		for _, r := range append(slices.Clone(g.Ingress), g.Egress...) {
			for _, p := range r.PeerGroups {
				used[p] = true
			}
		}
	}
	var out []model.SecurityGroup
	for _, vpc := range ix.types["aws_vpc"] {
		addr := vpc + model.DefaultSGSuffix
		if !used[addr] {
			continue
		}
		all := model.SGRule{Address: addr, Protocol: "-1", FromPort: 0, ToPort: 65535}
		in, out4 := all, all
		in.Self, in.PeerGroups = true, []string{addr}
		out4.CIDRs = []string{"0.0.0.0/0"}
		g := model.SecurityGroup{Address: addr, Name: "default", VPC: vpc, Ingress: []model.SGRule{in}, Egress: []model.SGRule{out4}}
		if v, _ := ix.values[vpc]["assign_generated_ipv6_cidr_block"].(bool); v {
			out6 := all
			out6.CIDRs = []string{"::/0"}
			g.Egress = append(g.Egress, out6)
		}
		out = append(out, g)
	}
	return out
}

// subnets reads each subnet with its effective route table: its explicit
// association, else its VPC's main table (a main association, else the
// VPC's default table, which holds only the local route unless
// aws_default_route_table manages it).
func (ix *planIndex) subnets() ([]model.Subnet, error) {
	tables := map[string][]model.Route{}
	for _, t := range append(slices.Clone(ix.types["aws_route_table"]), ix.types["aws_default_route_table"]...) {
		rs, err := ix.inlineRoutes(t)
		if err != nil {
			return nil, err
		}
		tables[t] = rs
	}
	for _, a := range ix.types["aws_route"] {
		t, err := one(a, "route table", ix.refs(a, "route_table_id", "aws_route_table"))
		if err != nil {
			return nil, err
		}
		rt, err := ix.route(a, ix.values[a], ix.unknown[a], map[string]string{
			"destination_cidr_block": "", "destination_ipv6_cidr_block": ""}, ix.exprs[a])
		if err != nil {
			return nil, err
		}
		tables[t] = append(tables[t], rt)
	}
	mainOf := map[string]string{}
	for _, t := range ix.types["aws_default_route_table"] {
		vpc, err := one(t, "VPC", ix.refs(t, "default_route_table_id", "aws_vpc"))
		if err != nil {
			return nil, err
		}
		mainOf[vpc] = t
	}
	for _, a := range ix.types["aws_main_route_table_association"] {
		vpc, err := one(a, "VPC", ix.refs(a, "vpc_id", "aws_vpc"))
		if err != nil {
			return nil, err
		}
		t, err := one(a, "route table", ix.refs(a, "route_table_id", "aws_route_table"))
		if err != nil {
			return nil, err
		}
		mainOf[vpc] = t
	}
	assoc := map[string]string{}
	for _, a := range ix.types["aws_route_table_association"] {
		sn, err := one(a, "subnet", ix.refs(a, "subnet_id", "aws_subnet"))
		if err != nil {
			return nil, err
		}
		t, err := one(a, "route table", ix.refs(a, "route_table_id", "aws_route_table"))
		if err != nil {
			return nil, err
		}
		assoc[sn] = t
	}
	var out []model.Subnet
	for _, s := range ix.types["aws_subnet"] {
		vpc, err := one(s, "VPC", ix.refs(s, "vpc_id", "aws_vpc"))
		if err != nil {
			return nil, err
		}
		t := assoc[s]
		if t == "" {
			t = mainOf[vpc] // "" when AWS's own main table: local routes only
		}
		out = append(out, model.Subnet{Address: s, VPC: vpc, CIDR: str(ix.values[s], "cidr_block"), RouteTable: t,
			Routes: append([]model.Route{}, tables[t]...)})
	}
	ix.strandNATs(out)
	return out, nil
}

// strandNATs marks routes to a NAT gateway whose own subnet has no route
// to an internet gateway "nat-no-igw": AWS forwards the NAT gateway's
// traffic by its subnet's table, so it has no way to the internet.
func (ix *planIndex) strandNATs(subnets []model.Subnet) {
	byAddr := map[string]model.Subnet{}
	for _, s := range subnets {
		byAddr[s.Address] = s
	}
	stranded := map[string]bool{}
	for _, nat := range ix.types["aws_nat_gateway"] {
		sn := ix.refs(nat, "subnet_id", "aws_subnet")
		if len(sn) != 1 {
			continue
		}
		// The NAT gateway sends IPv4 only: a route of its subnet to the
		// internet gateway for an IPv6 block does not carry it.
		stranded[nat] = !slices.ContainsFunc(byAddr[sn[0]].Routes, func(r model.Route) bool {
			p, err := netip.ParsePrefix(r.Destination)
			return r.TargetKind == "igw" && (err != nil || p.Addr().Is4())
		})
	}
	for i := range subnets {
		for j, r := range subnets[i].Routes {
			if r.TargetKind == "nat" && stranded[r.Target] {
				subnets[i].Routes[j].TargetKind = "nat-no-igw"
			}
		}
	}
}

// routeTargets maps a route's target attribute to the kind the lab acts
// on and the resource type it references.
var routeTargets = []struct{ key, kind, typ string }{
	{"nat_gateway_id", "nat", "aws_nat_gateway"},
	{"gateway_id", "igw", "aws_internet_gateway"},
	{"egress_only_gateway_id", "egress-only-igw", "aws_egress_only_internet_gateway"},
}

// inlineRoutes reads a table's route blocks. The configuration keeps the
// blocks' references together, so each block's target is the one
// reference of the type its unknown target attribute names.
func (ix *planIndex) inlineRoutes(t string) ([]model.Route, error) {
	var out []model.Route
	unk := blocksAny(ix.unknown[t]["route"])
	for i, blk := range blocks(ix.values[t], "route") {
		var u map[string]any
		if i < len(unk) {
			u = unk[i]
		}
		rt, err := ix.route(t, blk, u, map[string]string{"cidr_block": "", "ipv6_cidr_block": ""}, map[string]*tfjson.Expression{"": ix.exprs[t]["route"]})
		if err != nil {
			return nil, err
		}
		out = append(out, rt)
	}
	return out, nil
}

func blocksAny(v any) []map[string]any {
	raw, _ := v.([]any)
	var out []map[string]any
	for _, b := range raw {
		m, _ := b.(map[string]any)
		out = append(out, m)
	}
	return out
}

// route reads one route: its destination from dests' keys, its target
// from whichever target attribute is unknown (a gateway made in the same
// plan) and the reference of that gateway's type.
func (ix *planIndex) route(addr string, v, unknown map[string]any, dests map[string]string, exprs map[string]*tfjson.Expression) (model.Route, error) {
	rt := model.Route{Address: addr}
	for k := range dests {
		if d := str(v, k); d != "" {
			rt.Destination = d
		}
	}
	if rt.Destination == "" {
		return rt, fmt.Errorf("%s: route without a CIDR destination", addr)
	}
	for _, tg := range routeTargets {
		// aws_route: the target attribute is configured. Inline blocks: it
		// is the one unknown target (the configuration keeps the blocks'
		// references together under the table's route expression).
		e := exprs[tg.key]
		if e == nil && exprs[""] != nil && unknown[tg.key] == true {
			e = exprs[""]
		}
		if e == nil {
			continue
		}
		refs := refsIn(e, []string{tg.typ})
		target, err := one(addr, tg.typ, refs)
		if err != nil {
			return rt, err
		}
		rt.TargetKind, rt.Target = tg.kind, target
		if tg.typ == "aws_nat_gateway" && str(ix.values[target], "connectivity_type") == "private" {
			// A private NAT gateway translates inside private networks
			// only: no way to the internet.
			rt.TargetKind = "nat-private"
		}
		return rt, nil
	}
	return rt, fmt.Errorf("%s: route to %s has no target the lab reader knows (NAT, internet or egress-only gateway)", addr, rt.Destination)
}

// prefixLists reads each managed prefix list's entries.
func (ix *planIndex) prefixLists() map[string][]string {
	out := map[string][]string{}
	for _, a := range ix.types["aws_ec2_managed_prefix_list"] {
		for _, e := range blocks(ix.values[a], "entry") {
			if c := str(e, "cidr"); c != "" {
				out[a] = append(out[a], c)
			}
		}
	}
	return out
}

// withPrefixEntries gives the lab rules the addresses of their prefix
// lists (the lab matches addresses, not list ids).
func withPrefixEntries(g model.SecurityGroup, pls map[string][]string) model.SecurityGroup {
	fix := func(rules []model.SGRule) []model.SGRule {
		out := make([]model.SGRule, 0, len(rules))
		for _, r := range rules {
			var keep []string
			cidrs := slices.Clone(r.CIDRs)
			for _, pl := range r.PrefixLists {
				if entries, ok := pls[pl]; ok {
					cidrs = append(cidrs, entries...)
				} else {
					keep = append(keep, pl)
				}
			}
			r.CIDRs, r.PrefixLists = cidrs, keep
			out = append(out, r)
		}
		return out
	}
	g.Ingress, g.Egress = fix(g.Ingress), fix(g.Egress)
	return g
}

// functions reads each function's placement. A function in a VPC is
// dual-stack when its vpc_config allows IPv6 and every subnet it uses has
// an IPv6 block (dual[subnet]); Lambda then gives it an IPv6 address.
func (ix *planIndex) functions(dual map[string]bool) ([]model.Function, error) {
	var out []model.Function
	for _, a := range ix.types["aws_lambda_function"] {
		f := model.Function{Address: a, Name: str(ix.values[a], "function_name")}
		if vc := blocks(ix.values[a], "vpc_config"); len(vc) > 0 {
			f.Subnets = ix.blockRefs(a, "vpc_config", "subnet_ids", "aws_subnet")
			if e := ix.exprs[a]["vpc_config"]; e != nil && len(e.NestedBlocks) > 0 {
				f.SecurityGroups = ix.groupRefs(e.NestedBlocks[0]["security_group_ids"])
			}
			if len(f.Subnets) == 0 || len(f.SecurityGroups) == 0 {
				return nil, fmt.Errorf("%s: vpc_config without subnet or security group references", a)
			}
			f.InVPC = true
			f.DualStack, _ = vc[0]["ipv6_allowed_for_dual_stack"].(bool)
			for _, s := range f.Subnets {
				f.DualStack = f.DualStack && dual[s]
			}
		}
		out = append(out, f)
	}
	return out, nil
}

// databases reads clusters and instances with their groups, port and the
// subnets of their DB subnet group (where their network interfaces live).
func (ix *planIndex) databases() ([]model.Database, error) {
	var out []model.Database
	for _, typ := range []string{"aws_rds_cluster", "aws_db_instance"} {
		for _, a := range ix.types[typ] {
			d := model.Database{Address: a, Port: num(ix.values[a], "port"),
				SecurityGroups: ix.groupRefs(ix.exprs[a]["vpc_security_group_ids"])}
			group, err := one(a, "DB subnet group", ix.refs(a, "db_subnet_group_name", "aws_db_subnet_group"))
			if err != nil {
				return nil, err
			}
			d.Subnets = ix.refs(group, "subnet_ids", "aws_subnet")
			if len(d.SecurityGroups) == 0 && len(d.Subnets) > 0 {
				// No groups named: RDS gives the database its VPC's default group.
				vpc, err := one(d.Subnets[0], "VPC", ix.refs(d.Subnets[0], "vpc_id", "aws_vpc"))
				if err != nil {
					return nil, err
				}
				d.SecurityGroups = []string{ix.defaultGroup(vpc)}
			}
			if d.Port == 0 || len(d.SecurityGroups) == 0 || len(d.Subnets) == 0 {
				return nil, fmt.Errorf("%s: port, security groups or subnets missing", a)
			}
			out = append(out, d)
		}
	}
	return out, nil
}
