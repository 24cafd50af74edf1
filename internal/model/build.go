package model

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/letsleep/letsleep/internal/plan"
)

// Build assembles the boundary model of a loaded plan.
func Build(p *plan.Plan, cfg Config) (m *Model, err error) {
	return BuildWithSources(p, cfg, nil)
}

func build(p *plan.Plan, cfg Config, src Sources) (m *Model, err error) {
	// A gate must not crash on a plan shape nobody foresaw: turn a bug into
	// an error that names the plan (fuzzing keeps this path unused).
	defer func() {
		if r := recover(); r != nil {
			m, err = nil, fmt.Errorf("build model of %s: internal error (please report it with the plan): %v", p.Source, r)
		}
	}()
	return reach(normalise(resolve(p, src), cfg)), nil
}

// notes collects a stage's warnings, once per (kind, address, message).
type notes struct {
	list []Warning
	seen map[noteKey]bool
}

// noteKey is a warning's identity, a struct so that no key string is built.
type noteKey struct{ kind, addr, msg string }

func (n *notes) warn(kind, addr, format string, args ...any) {
	n.add(Warning{Kind: kind, Address: addr, Message: fmt.Sprintf(format, args...)})
}

func (n *notes) add(w Warning) {
	k := noteKey{w.Kind, w.Address, w.Message}
	if n.seen[k] {
		return
	}
	if n.seen == nil {
		n.seen = map[noteKey]bool{}
	}
	n.seen[k] = true
	n.list = append(n.list, w)
}

// link resolves an attribute that names other resources (by id, ARN or
// name when known, through configuration references when not). It returns
// addresses (or the raw values for things outside the plan), whether any
// came from references, and the references that could not be followed.
type linkResult struct {
	Addrs       []string
	FromUnknown bool
	Lost        []string
	Raw         []string // known values that name nothing in the plan
	// Approx: resolved through a module's for_each/count expression, or
	// through both arms of a conditional the sources could not decide, so
	// the addresses may include ones meant for other instances.
	Approx bool
	// Why says what made it approximate, one entry per cause.
	Why []string
}

func (fx *facts) link(r *res, values, unknown map[string]any, key string, cfgPath []string, types ...string) linkResult {
	var out linkResult
	known := getStrings(values, key)
	for _, v := range known {
		if a := fx.lookupFrom(r, v, types...); a != "" {
			out.Addrs = append(out.Addrs, a)
		} else {
			out.Raw = append(out.Raw, v)
		}
	}
	refs := refsAt(r, cfgPath...)
	if v, set := values[key]; set && v == nil && !unknownAt(unknown, key) {
		// Known to be null at plan time (try(each.value.x, null) of an
		// element without x): the plan's value is the truth, nothing is linked.
		return out
	}
	if unknownAt(unknown, key) || (len(known) == 0 && len(refs) > 0) {
		if len(refs) == 0 {
			// Unknown but not configured: a computed attribute left empty,
			// unless the plan carries no configuration to tell.
			if r.Config == nil && unknownAt(unknown, key) {
				out.Lost = append(out.Lost, key+" (no configuration in the plan)")
			}
			out.Addrs = sortedUnique(out.Addrs)
			return out
		}
		ts, lost, settled := fx.ix.resolveSettled(r.Module, refs)
		if onlyIteration(refs) {
			ts, lost = fx.iterationTargets(r, types...)
		} else if indexedByIteration(refs) {
			ts = ownInstance(r, ts)
		}
		addrs := fx.ix.addrsOf(ts, types...)
		if contains(types, "aws_security_group") {
			addrs = append(addrs, fx.defaultSGRefs(ts)...)
		}
		if out.Addrs == nil {
			out.Addrs = addrs // addrs is not changed below: no copy needed
		} else {
			out.Addrs = append(out.Addrs, addrs...)
		}
		out.FromUnknown = len(addrs) > 0
		var kept []string
		for _, l := range lost {
			if why, ok := strings.CutPrefix(l, ApproxMarker); ok {
				out.Approx = true
				out.Why = append(out.Why, approxWhy(why))
				continue
			}
			kept = append(kept, l)
		}
		lost = kept
		if out.Approx && onlyConditions(out.Why) && len(sortedUnique(slices.Clone(addrs))) <= 1 {
			// An undecided condition whose other arm names nothing in the
			// plan (count = 0, null) leaves one candidate: no guess.
			out.Approx, out.Why = false, nil
		}
		if len(addrs) == 0 {
			if len(lost) == 0 && !settled {
				lost = refs
			}
			out.Lost = append(out.Lost, lost...)
		}
	}
	out.Addrs = sortedUnique(out.Addrs)
	return out
}

// onlyConditions: every reason for an approximation is an undecided
// condition (source.Guess), not a module's for_each expression.
func onlyConditions(why []string) bool {
	for _, w := range why {
		if !strings.HasPrefix(w, "the condition") {
			return false
		}
	}
	return true
}

// sortedCopy is sortedUnique on a copy, for slices the facts own.
func sortedCopy(in []string) []string {
	return sortedUnique(slices.Clone(in))
}

// finish sorts every slice and replaces nil slices by empty ones so the
// JSON is deterministic and never has null lists.
func (rh *reacher) finish() {
	m := rh.m
	m.Warnings = mergeWarnings(rh.notes.list, rh.resolved.list, rh.facts.notes.list)
	rh.finishAllAssumptions()
	// Each list grows once to its final length: the model's structs are
	// large, and growth by doubling copied them about twice over.
	m.SecurityGroups = slices.Grow(m.SecurityGroups, len(rh.sgs))
	m.Subnets = slices.Grow(m.Subnets, len(rh.subnets))
	m.Databases = slices.Grow(m.Databases, len(rh.dbs))
	m.Secrets = slices.Grow(m.Secrets, len(rh.secrets))
	m.Functions = slices.Grow(m.Functions, len(rh.functions))
	m.Roles = slices.Grow(m.Roles, len(rh.roles))
	for _, g := range rh.sgs {
		sg := *g
		sg.Ingress = slices.Clone(sg.Ingress)
		sg.Egress = slices.Clone(sg.Egress)
		sortRules(sg.Ingress)
		sortRules(sg.Egress)
		m.SecurityGroups = append(m.SecurityGroups, sg)
	}
	for _, sn := range rh.subnets {
		s := *sn
		s.Routes = slices.Clone(s.Routes)
		if s.Routes == nil {
			s.Routes = []Route{}
		}
		sort.Slice(s.Routes, func(i, j int) bool {
			if s.Routes[i].Destination != s.Routes[j].Destination {
				return s.Routes[i].Destination < s.Routes[j].Destination
			}
			return s.Routes[i].Address < s.Routes[j].Address
		})
		m.Subnets = append(m.Subnets, s)
	}
	for _, db := range rh.dbs {
		d := *db
		d.Secrets = sortedCopy(d.Secrets)
		d.SecurityGroups = sortedCopy(d.SecurityGroups)
		d.ZeroETL = sortedCopy(d.ZeroETL)
		d.Proxies = sortedCopy(d.Proxies)
		d.Unknown = sortedCopy(d.Unknown)
		d.Instances = slices.Clone(d.Instances)
		if d.Instances == nil {
			d.Instances = []DBInstance{}
		}
		sort.Slice(d.Instances, func(i, j int) bool { return d.Instances[i].Address < d.Instances[j].Address })
		m.Databases = append(m.Databases, d)
	}
	for _, s := range rh.secrets {
		m.Secrets = append(m.Secrets, *s)
	}
	for _, f := range rh.functions {
		f.Subnets = sortedCopy(f.Subnets)
		f.SecurityGroups = sortedCopy(f.SecurityGroups)
		f.Unresolved = sortedCopy(f.Unresolved)
		sortPaths(f.Egress)
		sortPaths(f.DataPaths)
		if f.Egress == nil {
			f.Egress = []Path{}
		}
		if f.DataPaths == nil {
			f.DataPaths = []Path{}
		}
		if f.Tags == nil {
			f.Tags = map[string]string{}
		}
		m.Functions = append(m.Functions, *f)
	}
	for _, r := range rh.roles {
		m.Roles = append(m.Roles, r.toModel())
	}
	sort.Slice(m.Functions, func(i, j int) bool { return m.Functions[i].Address < m.Functions[j].Address })
	sort.Slice(m.Roles, func(i, j int) bool { return m.Roles[i].Address < m.Roles[j].Address })
	sort.Slice(m.Databases, func(i, j int) bool { return m.Databases[i].Address < m.Databases[j].Address })
	sort.Slice(m.Proxies, func(i, j int) bool { return m.Proxies[i].Address < m.Proxies[j].Address })
	sort.Slice(m.NATGateways, func(i, j int) bool { return m.NATGateways[i].Address < m.NATGateways[j].Address })
	sort.Slice(m.InternetGateway, func(i, j int) bool { return m.InternetGateway[i].Address < m.InternetGateway[j].Address })
	sort.Slice(m.SecurityGroups, func(i, j int) bool { return m.SecurityGroups[i].Address < m.SecurityGroups[j].Address })
	sort.Slice(m.Subnets, func(i, j int) bool { return m.Subnets[i].Address < m.Subnets[j].Address })
	sort.Slice(m.Secrets, func(i, j int) bool { return m.Secrets[i].Address < m.Secrets[j].Address })
	sort.Slice(m.EntryPoints, func(i, j int) bool {
		if m.EntryPoints[i].Address != m.EntryPoints[j].Address {
			return m.EntryPoints[i].Address < m.EntryPoints[j].Address
		}
		return m.EntryPoints[i].Function < m.EntryPoints[j].Function
	})
	sort.Slice(m.Schedules, func(i, j int) bool { return m.Schedules[i].Address < m.Schedules[j].Address })
	sort.Slice(m.Tables, func(i, j int) bool { return m.Tables[i].Address < m.Tables[j].Address })
	sort.Slice(m.Endpoints, func(i, j int) bool { return m.Endpoints[i].Address < m.Endpoints[j].Address })
	for i := range m.Proxies {
		m.Proxies[i].Targets = sortedCopy(m.Proxies[i].Targets)
	}
	for i := range m.Endpoints {
		if m.Endpoints[i].Subnets == nil {
			m.Endpoints[i].Subnets = []string{}
		}
		if m.Endpoints[i].SecurityGroups == nil {
			m.Endpoints[i].SecurityGroups = []string{}
		}
	}
	m.TargetSets = rh.sets.list()
	emptyIfNil(m)
}

// mergeWarnings is the stages' warnings, each list already without
// repeats, once per (kind, address, message), sorted by address, kind
// and message. Where lists repeat a warning the earlier list's copy is
// kept (it may differ in Part or Guarded), as adding them to one notes
// in this order would; a stable sort and a pass over equal neighbours do
// it without a second set of keys.
func mergeWarnings(lists ...[]Warning) []Warning {
	n := 0
	for _, l := range lists {
		n += len(l)
	}
	all := make([]Warning, 0, n)
	for _, l := range lists {
		all = append(all, l...)
	}
	slices.SortStableFunc(all, compareWarnings)
	return slices.CompactFunc(all, func(a, b Warning) bool { return compareWarnings(a, b) == 0 })
}

// compareWarnings orders warnings by address, kind and message: their
// identity (noteKey), so no two kept warnings compare equal.
func compareWarnings(a, b Warning) int {
	if c := strings.Compare(a.Address, b.Address); c != 0 {
		return c
	}
	if c := strings.Compare(a.Kind, b.Kind); c != 0 {
		return c
	}
	return strings.Compare(a.Message, b.Message)
}

func emptyIfNil(m *Model) {
	if m.TargetSets == nil {
		m.TargetSets = []TargetSet{}
	}
	if m.Functions == nil {
		m.Functions = []Function{}
	}
	if m.Roles == nil {
		m.Roles = []Role{}
	}
	if m.Databases == nil {
		m.Databases = []Database{}
	}
	if m.Proxies == nil {
		m.Proxies = []Proxy{}
	}
	if m.NATGateways == nil {
		m.NATGateways = []Gateway{}
	}
	if m.InternetGateway == nil {
		m.InternetGateway = []Gateway{}
	}
	if m.SecurityGroups == nil {
		m.SecurityGroups = []SecurityGroup{}
	}
	if m.Subnets == nil {
		m.Subnets = []Subnet{}
	}
	if m.Secrets == nil {
		m.Secrets = []Secret{}
	}
	if m.EntryPoints == nil {
		m.EntryPoints = []EntryPoint{}
	}
	if m.Schedules == nil {
		m.Schedules = []Schedule{}
	}
	if m.Tables == nil {
		m.Tables = []Table{}
	}
	if m.Endpoints == nil {
		m.Endpoints = []VPCEndpoint{}
	}
	if m.Warnings == nil {
		m.Warnings = []Warning{}
	}
}

func sortRules(rules []SGRule) {
	for i := range rules {
		rules[i].CIDRs = sortedUnique(rules[i].CIDRs)
		rules[i].PeerGroups = sortedUnique(rules[i].PeerGroups)
		rules[i].PrefixLists = sortedUnique(rules[i].PrefixLists)
	}
	sort.SliceStable(rules, func(i, j int) bool {
		a, c := rules[i], rules[j]
		if a.Address != c.Address {
			return a.Address < c.Address
		}
		if a.FromPort != c.FromPort {
			return a.FromPort < c.FromPort
		}
		if a.ToPort != c.ToPort {
			return a.ToPort < c.ToPort
		}
		if a.Protocol != c.Protocol {
			return a.Protocol < c.Protocol
		}
		return fmt.Sprint(a.CIDRs, a.PeerGroups) < fmt.Sprint(c.CIDRs, c.PeerGroups)
	})
}

// sortPaths puts known paths before assumed ones, so that a path's first
// entry (the evidence the checks quote) is a fact whenever one exists.
// The evidence key of each path is built once, not per comparison: a
// function with hundreds of paths (wildcard grants) built it ~n·log n
// times, half a GB of garbage on the 50k community plan.
func sortPaths(ps []Path) {
	if len(ps) < 2 {
		return
	}
	type keyed struct {
		p   Path
		key string
	}
	ks := make([]keyed, len(ps))
	for i, p := range ps {
		ks[i] = keyed{p, stepsKey(p.Steps)}
	}
	sort.SliceStable(ks, func(i, j int) bool {
		a, c := &ks[i].p, &ks[j].p
		if a.Unresolved != c.Unresolved {
			return !a.Unresolved
		}
		if a.Kind != c.Kind {
			return a.Kind < c.Kind
		}
		if a.Target != c.Target {
			return a.Target < c.Target
		}
		if a.TargetSet != c.TargetSet {
			return a.TargetSet < c.TargetSet
		}
		return ks[i].key < ks[j].key
	})
	for i := range ks {
		ps[i] = ks[i].p
	}
}

func stepsKey(s []Step) string {
	n := 0
	for _, st := range s {
		n += len(st.Kind) + len(st.Address) + len(st.Detail) + 3
	}
	var b strings.Builder
	b.Grow(n)
	for _, st := range s {
		b.WriteString(st.Kind)
		b.WriteByte('|')
		b.WriteString(st.Address)
		b.WriteByte('|')
		b.WriteString(st.Detail)
		b.WriteByte(';')
	}
	return b.String()
}

// iterationTargets resolves each.value / count.index references of r
// through its own for_each or count expression. When r's instance key also
// keys an instance of the referenced resource (for_each = aws_subnet.x),
// only that instance is kept; otherwise every one is, marked approximate.
// The narrowing looks only at targets of the wanted types when there are
// any: a map {jobs = {queue = aws_sqs_queue.jobs.arn, fn = module.a.arn}}
// names the queue by its key, which says nothing of the function.
func (rx *resolved) iterationTargets(r *res, types ...string) ([]target, []string) {
	if r.Config == nil {
		return nil, nil
	}
	var refs []string
	for _, x := range []*tfjson.Expression{r.Config.ForEachExpression, r.Config.CountExpression} {
		if x != nil && x.ExpressionData != nil {
			refs = append(refs, x.References...)
		}
	}
	ts, lost := rx.ix.resolve(r.Module, refs)
	pool := ts
	if len(types) > 0 {
		var typed []target
		for _, t := range ts {
			if tr := rx.ix.byAddr[t.Addr]; tr != nil && contains(types, tr.Type) {
				typed = append(typed, t)
			}
		}
		if len(typed) > 0 {
			pool = typed
		}
	}
	if idx := indexSuffix(r.Address); idx != "" {
		var same []target
		for _, t := range pool {
			if strings.HasSuffix(t.Addr, idx) {
				same = append(same, t)
			}
		}
		if len(same) > 0 {
			return same, lost
		}
	}
	// The plan flattens a for_each map's references into one list, so the
	// value of each key is lost. A map written the usual way,
	// { control = module.control.sg_id }, names the same thing as its key:
	// keep the one target named by the key. One target and one instance
	// need no guess.
	if key, ok := r.Index.(string); ok && key != "" {
		if named := targetsNamed(pool, key); len(named) > 0 {
			return named, lost
		}
	}
	if len(distinctAddrs(pool)) == 1 && len(rx.ix.byModKey[modKey{r.Module, r.key()}]) == 1 {
		return pool, lost
	}
	return ts, append(lost, ApproxMarker+"each.value")
}

// ownInstance narrows the targets of an expression such as
// aws_subnet.x[each.key] or aws_subnet.x[count.index] to the instance with
// r's own key. Terraform lists that reference as "aws_subnet.x" plus
// "each.key", which alone would resolve to every instance of x and mix the
// instances' links (every subnet associated with every route table). When
// no target has r's key the expression indexes something else, and all are
// kept.
func ownInstance(r *res, ts []target) []target {
	idx := indexSuffix(r.Address)
	if idx == "" {
		return ts
	}
	var same []target
	for _, t := range ts {
		if strings.HasSuffix(t.Addr, idx) {
			same = append(same, t)
		}
	}
	if len(same) == 0 {
		return ts
	}
	return same
}

// targetsNamed keeps the targets of one address whose module call or
// resource name (or index key) is key, or none when several addresses
// match, since then the key does not tell them apart.
func targetsNamed(ts []target, key string) []target {
	if key == "" {
		return nil
	}
	var out []target
	for _, t := range ts {
		for _, part := range splitRef(t.Addr) {
			name, idx := cutIndex(part)
			if name == key || idx == "[\""+key+"\"]" {
				out = append(out, t)
				break
			}
		}
	}
	if len(distinctAddrs(out)) != 1 {
		return nil
	}
	return out
}

func distinctAddrs(ts []target) map[string]bool {
	out := map[string]bool{}
	for _, t := range ts {
		out[t.Addr] = true
	}
	return out
}

// indexSuffix returns the trailing [key] of an address, or "".
func indexSuffix(addr string) string {
	if !strings.HasSuffix(addr, "]") {
		return ""
	}
	depth, inQuote := 0, false
	for i := len(addr) - 1; i >= 0; i-- {
		switch c := addr[i]; {
		case c == '"' && (i == 0 || addr[i-1] != '\\'):
			inQuote = !inQuote
		case c == ']' && !inQuote:
			depth++
		case c == '[' && !inQuote:
			depth--
			if depth == 0 {
				return addr[i:]
			}
		}
	}
	return ""
}
