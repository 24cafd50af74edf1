package model

import (
	"sort"
	"strconv"
	"strings"

	"github.com/letsleep/letsleep/internal/iam"
)

// grantTarget is a model object a notable action can be aimed at.
type grantTarget struct {
	addr  string
	arn   string   // known ARN, or ""
	shape []string // ARN patterns the object certainly has when its ARN is unknown
	name  string   // the name the ARN would carry, when known
	// qualified is ":function:NAME:" for functions: a grant on an alias or
	// version of the function names it too.
	qualified string
}

// targetsFor lists the model objects a canonical action can act on.
// targetIndex finds the few targets a resource pattern can name without
// scanning them all: by address, by known ARN, or by the name inside a
// literal ARN. Only wildcard patterns scan.
type targetIndex struct {
	list   []grantTarget
	byAddr map[string]int
	byARN  map[string]int
	byName map[string][]int
	noName []int // targets whose name is unknown: any literal may be theirs
	// byScope: every module-instance prefix of a target → the targets under
	// it, to bound an unresolvable resource to the nearest enclosing module.
	byScope map[string][]int
	// names: the name of every target that has one (from its shape or its
	// known ARN), sorted, with unnamed: the targets that have none. A
	// wildcard pattern whose name begins with a literal only meets the
	// targets whose name shares that beginning.
	names   []namedTarget
	unnamed []int
}

type namedTarget struct {
	name string
	i    int
}

func (fx *facts) targetsFor(action string) *targetIndex {
	if t, ok := fx.targetCache[action]; ok {
		return t
	}
	list := fx.computeTargets(action)
	// Every target has an address and most a name: sized once, the two
	// maps do not rehash while they fill (a third of this function at 50k).
	ti := &targetIndex{list: list, byAddr: make(map[string]int, len(list)), byARN: map[string]int{}, byName: make(map[string][]int, len(list)), byScope: map[string][]int{}}
	for i, t := range ti.list {
		for _, scope := range scopesOf(fx.moduleOf(t.addr)) {
			ti.byScope[scope] = append(ti.byScope[scope], i)
		}
		ti.byAddr[t.addr] = i
		if t.arn != "" {
			ti.byARN[t.arn] = i
		}
		if t.name != "" {
			ti.byName[t.name] = append(ti.byName[t.name], i)
		} else if t.arn == "" {
			ti.noName = append(ti.noName, i)
		}
		switch n := indexName(action, t); {
		case n != "":
			ti.names = append(ti.names, namedTarget{n, i})
		default:
			ti.unnamed = append(ti.unnamed, i)
		}
	}
	sortNamed(ti.names)
	fx.targetCache[action] = ti
	return ti
}

func sortNamed(ns []namedTarget) {
	sort.Slice(ns, func(i, j int) bool {
		if ns[i].name != ns[j].name {
			return ns[i].name < ns[j].name
		}
		return ns[i].i < ns[j].i
	})
}

// nameMarkers: where the name starts in the ARNs of a notable action's
// targets. Each occurs once in such an ARN, and the names hold no colon.
var nameMarkers = map[string]string{
	iam.ActionSecretRead: ":secret:",
	iam.ActionInvoke:     ":function:",
	iam.ActionDataAPI:    ":cluster:",
	iam.ActionDBConnect:  ":dbuser:",
	// SSM parameter names hold no colon either; a path's leading "/"
	// is not in the ARN (nor in the shape's name, ssmTargets).
	iam.ActionSSMRead: ":parameter/",
}

// indexName is the name a target is found by for the literal-prefix
// filter: from its known ARN, else its shape's name; "" when neither.
func indexName(action string, t grantTarget) string {
	marker := nameMarkers[action]
	if marker == "" {
		return ""
	}
	if t.arn != "" {
		if i := strings.Index(t.arn, marker); i >= 0 {
			return t.arn[i+len(marker):]
		}
		return ""
	}
	return t.name
}

// literalNamePrefix is the literal beginning of a pattern's name (after
// the action's marker, up to the first wildcard), and whether the filter
// applies: the marker occurs once, so it lines up with the target's.
func literalNamePrefix(action, pattern string) (string, bool) {
	marker := nameMarkers[action]
	if marker == "" || strings.Count(pattern, marker) != 1 {
		return "", false
	}
	rest := pattern[strings.Index(pattern, marker)+len(marker):]
	if i := strings.IndexAny(rest, "*?"); i >= 0 {
		rest = rest[:i]
	}
	return rest, rest != ""
}

// byNamePrefix lists, in index order, the targets a wildcard pattern whose
// name begins with prefix can reach: those whose name begins with it, those
// whose name is a beginning of it (a shape's own wildcards follow its
// name), and those with no name. patternHits still decides each; this only
// spares it the targets that cannot match, which made the grants of a plan
// grow with roles × targets.
func (ti *targetIndex) byNamePrefix(prefix string) []grantTarget {
	idx := append([]int{}, ti.unnamed...)
	lo := sort.Search(len(ti.names), func(i int) bool { return ti.names[i].name >= prefix })
	for j := lo; j < len(ti.names) && strings.HasPrefix(ti.names[j].name, prefix); j++ {
		idx = append(idx, ti.names[j].i)
	}
	for k := 1; k < len(prefix); k++ {
		p := prefix[:k]
		lo := sort.Search(len(ti.names), func(i int) bool { return ti.names[i].name >= p })
		for j := lo; j < len(ti.names) && ti.names[j].name == p; j++ {
			idx = append(idx, ti.names[j].i)
		}
	}
	sort.Ints(idx)
	out := make([]grantTarget, len(idx))
	for i, j := range idx {
		out[i] = ti.list[j]
	}
	return out
}

// moduleOf is the module instance of a target (a synthetic master secret
// lives with its cluster).
func (fx *facts) moduleOf(addr string) string {
	if r := fx.ix.byAddr[strings.TrimSuffix(addr, MasterSecretSuffix)]; r != nil {
		return r.Module
	}
	return ""
}

// scopesOf lists a module instance path and all its ancestors, root ("")
// last. The ancestors are prefixes of mod: its first segments and the dots
// between them.
func scopesOf(mod string) []string {
	segs := splitModule(mod)
	out := make([]string, len(segs)+1) // the last stays "", the root
	end := -1
	for i, s := range segs {
		end += len(s.instance) + 1
		out[len(segs)-1-i] = mod[:end]
	}
	return out
}

// scoped returns the targets of the nearest module instance, walking up
// from mod, that holds any: an unknown resource built from a local or an
// input most likely names something of its own stack. The grant stays
// marked unresolved.
func (ti *targetIndex) scoped(mod string) []grantTarget {
	for _, scope := range scopesOf(mod) {
		if idx := ti.byScope[scope]; len(idx) > 0 {
			out := make([]grantTarget, len(idx))
			for i, j := range idx {
				out[i] = ti.list[j]
			}
			return out
		}
	}
	return nil
}

// candidates returns the targets a pattern may hit.
func (ti *targetIndex) candidates(action, pattern string) []grantTarget {
	if i, ok := ti.byAddr[pattern]; ok {
		return ti.list[i : i+1]
	}
	if pattern == UnknownResource || strings.ContainsAny(pattern, "*?") {
		if prefix, ok := literalNamePrefix(action, pattern); ok && pattern != UnknownResource {
			return ti.byNamePrefix(prefix)
		}
		return ti.list
	}
	var out []grantTarget
	if i, ok := ti.byARN[pattern]; ok {
		out = append(out, ti.list[i])
	}
	if name := nameInARN(action, pattern); name != "" {
		for _, i := range ti.byName[name] {
			if ti.list[i].arn == "" {
				out = append(out, ti.list[i])
			}
		}
	}
	for _, i := range ti.noName {
		out = append(out, ti.list[i])
	}
	return out
}

// nameInARN extracts the name a target is indexed by from a literal ARN.
func nameInARN(action, arn string) string {
	cut := func(marker string) string {
		i := strings.Index(arn, marker)
		if i < 0 {
			return ""
		}
		return arn[i+len(marker):]
	}
	switch action {
	case iam.ActionSecretRead:
		n := cut(":secret:")
		// Secret ARNs end in "-" and six random characters.
		if strings.HasPrefix(n, "rds!cluster-") {
			return "rds!cluster"
		}
		if strings.HasPrefix(n, "rds!db-") {
			return "rds!db"
		}
		if len(n) > 7 && n[len(n)-7] == '-' {
			return n[:len(n)-7]
		}
		return n
	case iam.ActionSSMRead:
		return cut(":parameter/")
	case iam.ActionInvoke:
		n := cut(":function:")
		if i := strings.IndexByte(n, ':'); i >= 0 {
			n = n[:i]
		}
		return n
	case iam.ActionDataAPI:
		return cut(":cluster:")
	case iam.ActionDBConnect:
		n := cut(":dbuser:")
		if i := strings.IndexByte(n, '/'); i >= 0 {
			n = n[:i]
		}
		return n
	}
	return hopNameInARN(action, arn)
}

func (fx *facts) computeTargets(action string) []grantTarget {
	var out []grantTarget
	switch action {
	case iam.ActionSecretRead:
		for _, s := range fx.secrets {
			if s.Kind == SecretKindSSM {
				continue
			}
			t := grantTarget{addr: s.Address}
			if r := fx.ix.byAddr[s.Address]; r != nil {
				t.arn = getStr(r.Values, "arn")
			}
			switch {
			case t.arn != "":
			case strings.HasSuffix(s.Address, MasterSecretSuffix) && s.Name == "rds!db-*":
				t.shape = []string{masterSecretPatternDB}
				t.name = "rds!db"
			case strings.HasSuffix(s.Address, MasterSecretSuffix):
				t.shape = []string{MasterSecretPattern}
				t.name = "rds!cluster"
			case s.Name != "":
				t.shape = []string{"arn:aws:secretsmanager:*:*:secret:" + s.Name + "-??????"}
				t.name = s.Name
			default:
				t.shape = []string{"arn:aws:secretsmanager:*:*:secret:*"}
			}
			out = append(out, t)
		}
	case iam.ActionDataAPI, iam.ActionDBConnect:
		for _, d := range fx.dbs {
			t := grantTarget{addr: d.Address}
			r := fx.ix.byAddr[d.Address]
			if action == iam.ActionDataAPI {
				if d.Kind != "cluster" {
					continue
				}
				t.arn = getStr(r.Values, "arn")
				ident := d.Identifier
				if ident == "" {
					ident = "*"
				}
				t.shape = []string{"arn:aws:rds:*:*:cluster:" + ident}
				if ident != "*" {
					t.name = ident
				}
			} else {
				rid := getStr(r.Values, "cluster_resource_id")
				if rid == "" {
					rid = getStr(r.Values, "resource_id")
				}
				if rid == "" {
					rid = "*"
				}
				t.shape = []string{"arn:aws:rds-db:*:*:dbuser:" + rid + "/*"}
				if rid != "*" {
					t.name = rid
				}
			}
			out = append(out, t)
		}
	case iam.ActionSSMRead:
		out = fx.ssmTargets()
	case iam.ActionInvoke:
		for _, f := range fx.functions {
			t := grantTarget{addr: f.Address}
			if r := fx.ix.byAddr[f.Address]; r != nil {
				t.arn = getStr(r.Values, "arn")
			}
			name := f.Name
			if name == "" {
				name = "*"
			}
			// Unqualified only: a `:*` qualifier shape would let the
			// wildcard absorb text of other names. Qualified grants
			// (function:name:alias) are caught in patternHits.
			t.shape = []string{"arn:aws:lambda:*:*:function:" + name}
			t.qualified = ":function:" + name + ":"
			if name != "*" {
				t.name = name
			}
			out = append(out, t)
		}
	default:
		out = fx.hopTargets(action)
	}
	for i := range out {
		out[i].shape = inRegion(out[i].shape, fx.regionOf(out[i].addr))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].addr < out[j].addr })
	return out
}

// patternHits tells whether a granted resource pattern reaches a target:
// by address (a reference resolved at plan time), by known ARN, or by the
// ARN shape the target must have. fromUnknown is true when only the
// configuration reference tied them.
func patternHits(pattern string, t grantTarget) (hit, fromUnknown bool) {
	switch {
	case pattern == t.addr:
		return true, true
	case pattern == UnknownResource:
		return true, true
	case pattern == "*":
		return true, false
	case t.arn != "":
		return iam.Match(pattern, t.arn), false
	}
	for _, s := range t.shape {
		if shapeOverlap(pattern, concreteShape(pattern, s)) {
			return true, false
		}
	}
	if t.qualified != "" && strings.Contains(pattern, t.qualified) {
		return true, false
	}
	return false, false
}

// concreteShape fills the region and account of an ARN shape with values
// the pattern itself accepts. A shape's `*` there would otherwise absorb
// colons (no real region or account holds one) and let
// `...:function:SecretsManager*` seem to match function `egress`.
func concreteShape(pattern, shape string) string {
	sp := strings.SplitN(shape, ":", 6)
	if len(sp) < 6 {
		return shape
	}
	region, account := "eu-west-1", "123456789012"
	if pp := strings.SplitN(pattern, ":", 6); len(pp) == 6 {
		region, account = fill(pp[3]), fill(pp[4])
	}
	if sp[3] == "*" {
		sp[3] = region
	}
	if sp[4] == "*" {
		sp[4] = account
	}
	return strings.Join(sp, ":")
}

// fill turns a pattern segment into one string it matches. The replacer is
// built once: building it per call was a fifth of the CPU of a 20k-resource
// community plan (fill runs per grant pattern and target shape).
func fill(seg string) string {
	if !strings.ContainsAny(seg, "*?") {
		return seg
	}
	return wildcardFill.Replace(seg)
}

var wildcardFill = strings.NewReplacer("*", "", "?", "x")

func (fx *facts) computeGrants(rs *roleState) {
	if len(rs.stmts) == 0 {
		return
	}
	iamStmts := make([]iam.Statement, len(rs.stmts))
	for i, s := range rs.stmts {
		iamStmts[i] = s.s
	}
	shareable := !hasDeny(iamStmts)
	for _, action := range grantActions {
		allowances := iam.Allowances(iamStmts, action)
		if len(allowances) == 0 {
			continue
		}
		ti := fx.targetsFor(action)
		for _, al := range allowances {
			st := rs.stmts[al.Statement]
			via := fx.grantSteps(rs, st, al)
			hs := fx.hitsFor(action, al, st, shareable, func() []grantHit {
				targets := ti.candidates(action, al.Pattern)
				if al.Pattern == UnknownResource {
					targets = ti.scoped(st.scope)
				}
				return matchTargets(iamStmts, action, al, st, targets)
			})
			for _, g := range grantsOf(action, al, st, via, hs) {
				rs.grants = append(rs.grants, g)
				if st.assumed {
					if rs.assumed == nil {
						rs.assumed = map[string]bool{}
					}
					rs.assumed[grantKey(g)] = true
				}
			}
			if !hs.matched {
				g := Grant{Action: action, Resource: al.Pattern, Broad: iam.Broad(al.Pattern) || al.NotResource, Conditional: al.Conditional, Via: via}
				rs.grants = append(rs.grants, g)
			}
		}
	}
	sort.SliceStable(rs.grants, func(i, j int) bool {
		a, c := rs.grants[i], rs.grants[j]
		if a.Action != c.Action {
			return a.Action < c.Action
		}
		if a.Target != c.Target {
			return a.Target < c.Target
		}
		if a.Resource != c.Resource {
			return a.Resource < c.Resource
		}
		return a.TargetSet < c.TargetSet
	})
}

// matchTargets is every target of targets that the allowance reaches and
// no Deny of the role removes.
func matchTargets(iamStmts []iam.Statement, action string, al iam.Allowance, st stmt, targets []grantTarget) []grantHit {
	var hits []grantHit
	for _, t := range targets {
		hit, fromUnknown := patternHits(al.Pattern, t)
		if !hit {
			continue
		}
		if al.NotResource {
			// "everything except": a target named in NotResource is out.
			excluded := false
			for _, nr := range st.s.NotResources {
				if h, _ := patternHits(nr, t); h && t.arn != "" {
					excluded = true
				}
			}
			if excluded {
				continue
			}
		}
		cond := al.Conditional
		if t.arn != "" {
			denied, maybe := iam.DeniedFor(iamStmts, action, t.arn)
			if denied {
				continue
			}
			cond = cond || maybe
		}
		hits = append(hits, grantHit{t: t, fromUnknown: fromUnknown, cond: cond})
	}
	return hits
}

// grantHit is one target an allowance reaches.
type grantHit struct {
	t                 grantTarget
	fromUnknown, cond bool
}

// grantsOf turns an allowance's hits into grants: one per listed target
// and one per set (groupHits). A grant per target made a plan of N tenants
// granted "*" hold N² grants.
func grantsOf(action string, al iam.Allowance, st stmt, via []Step, hs hitSets) []Grant {
	broad := iam.Broad(al.Pattern) || al.NotResource
	out := make([]Grant, 0, len(hs.listed)+len(hs.sets))
	for _, h := range hs.listed {
		t := h.t
		g := Grant{Action: action, Resource: al.Pattern, Target: t.addr, Broad: broad, Conditional: h.cond}
		hitStep := Step{Kind: targetKind(action), Address: t.addr, Detail: "matched " + al.Pattern, FromUnknown: h.fromUnknown || st.FromUnknown}
		if al.Pattern == UnknownResource {
			hitStep = assume(hitStep, st.Origin, "the statement's resources are unknown at plan time and could not be resolved", "they include "+t.addr+" (a resource of its own module)")
		}
		g.Via = append(append([]Step{}, via...), hitStep)
		out = append(out, g)
	}
	for _, fs := range hs.sets {
		step := setStep(fs.ts, "matched "+al.Pattern)
		step.FromUnknown = fs.flags.fromUnknown || st.FromUnknown
		g := Grant{Action: action, Resource: al.Pattern, TargetSet: fs.ts.ID, Broad: broad, Conditional: fs.flags.cond,
			Via: append(append([]Step{}, via...), step)}
		out = append(out, g)
	}
	return out
}

func targetKind(action string) string {
	switch action {
	case iam.ActionSecretRead, iam.ActionSSMRead:
		return "secret"
	case iam.ActionInvoke:
		return "function"
	case iam.ActionDataAPI, iam.ActionDBConnect:
		return "database"
	}
	return hopTargetKind(action)
}

// grantSteps is the evidence chain role → policy → statement → action →
// resource.
func (fx *facts) grantSteps(rs *roleState, st stmt, al iam.Allowance) []Step {
	name := st.Sid
	if name == "" {
		name = "#" + strconv.Itoa(st.s.Index)
	}
	actionDetail := al.Action
	if len(st.NotActions) > 0 {
		actionDetail += " via NotAction " + joinList(st.NotActions)
	} else {
		for _, a := range st.Actions {
			if iam.MatchFold(a, al.Action) || (al.Action == iam.ActionDataAPI && iam.Service(a) == "rds-data") || a == "*" || a == "*:*" {
				actionDetail = a
				break
			}
		}
	}
	res := al.Pattern
	if al.NotResource {
		res = "NotResource " + joinList(st.NotResources)
	}
	detail := "statement " + name + " (" + st.Effect + ")"
	var guess *Assumption
	if st.assumed {
		detail = "policy unknown at plan time: assumed to grant this, from its configuration references"
		guess = &Assumption{Address: st.Origin, Unknown: "the policy document is unknown at plan time", Assumed: "it grants " + al.Action + " on what it references"}
	}
	if al.Conditional {
		detail += ", with a condition that may apply"
	}
	if al.MaybeDeniedBy >= 0 {
		detail += ", a conditional Deny may remove it"
	}
	return []Step{
		{Kind: "role", Address: rs.addr, Detail: roleDetail(rs.name)},
		{Kind: "policy", Address: st.Origin, Detail: policyDetail(st)},
		{Kind: "statement", Address: st.Origin, Detail: detail, FromUnknown: st.FromUnknown, Assumption: guess},
		// The action and resource are lines of the statement: they carry
		// its policy's address so a reviewer can open what grants them.
		{Kind: "action", Address: st.Origin, Detail: actionDetail},
		{Kind: "resource", Address: st.Origin, Detail: res, FromUnknown: st.FromUnknown},
	}
}

func joinList(l []string) string {
	out := "["
	for i, s := range l {
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return out + "]"
}

// shapeOverlap reports whether a granted pattern can match some ARN of the
// given shape. Unlike a pattern's wildcards (IAM lets `*` span `:`), a
// shape's `*` and `?` stand for characters of a name or an id, which never
// hold `:`; otherwise the shape of secret `rds!cluster-…` would absorb
// `:secret:rds-db-credentials/` and seem to match that grant.
func shapeOverlap(p, sh string) bool {
	n, m := len(p), len(sh)
	memo := make([]uint8, (n+1)*(m+1))
	var f func(i, j int) bool
	f = func(i, j int) bool {
		k := i*(m+1) + j
		if memo[k] != 0 {
			return memo[k] == 2
		}
		res := false
		switch {
		case i == n && j == m:
			res = true
		case i < n && p[i] == '*':
			res = f(i+1, j) || (j < m && f(i, j+1))
		case j < m && sh[j] == '*':
			res = f(i, j+1) || (i < n && p[i] != ':' && f(i+1, j))
		case i < n && j < m:
			switch {
			case p[i] == '?':
				res = f(i+1, j+1)
			case sh[j] == '?':
				res = p[i] != ':' && f(i+1, j+1)
			default:
				res = p[i] == sh[j] && f(i+1, j+1)
			}
		}
		if res {
			memo[k] = 2
		} else {
			memo[k] = 1
		}
		return res
	}
	return f(0, 0)
}

// policyDetail says how the policy came to the role when no reference
// shows it: the literal ARN that attached it.
func policyDetail(st stmt) string {
	if st.literal != "" {
		return "policy, attached by the literal ARN " + st.literal
	}
	return "policy"
}

// roleDetail names the role, or says its name is not known yet, so a
// reviewer never reads a dangling "IAM role ".
func roleDetail(name string) string {
	if name == "" {
		return "IAM role (name unknown at plan time)"
	}
	return "IAM role " + name
}
