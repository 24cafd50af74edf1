package model

import (
	"sort"
	"strings"

	"github.com/letsleep/letsleep/internal/iam"
)

// expander turns a path to a target set into one path per database, with
// the same evidence a grant per target would have given. It reads the
// model through lookups, so the reach stage (while it builds) and the
// reviewer tools (on a finished model) share it.
type expander struct {
	grants   func(string) []Grant // a role's grants
	function func(string) *Function
	set      func(string) *TargetSet
	secret   func(string) *Secret
	db       func(string) *Database
}

// Expander expands the set paths of a finished model (explain, graph, the
// lab's matrix): the model lists a path to a set once; a reviewer who asks
// gets every path.
type Expander struct{ x expander }

// NewExpander indexes m once for ExpandPath.
func NewExpander(m *Model) *Expander {
	fns := byKey(m.Functions, func(f *Function) string { return f.Address })
	sets := byKey(m.TargetSets, func(ts *TargetSet) string { return ts.ID })
	secrets := byKey(m.Secrets, func(s *Secret) string { return s.Address })
	dbs := byKey(m.Databases, func(d *Database) string { return d.Address })
	roles := byKey(m.Roles, func(r *Role) string { return r.Address })
	return &Expander{x: expander{
		grants: func(a string) []Grant {
			if r := roles[a]; r != nil {
				return r.Grants
			}
			return nil
		},
		function: func(a string) *Function { return fns[a] },
		set:      func(id string) *TargetSet { return sets[id] },
		secret:   func(a string) *Secret { return secrets[a] },
		db:       func(a string) *Database { return dbs[a] },
	}}
}

// byKey indexes a model list by a key of its elements.
func byKey[T any](xs []T, key func(*T) string) map[string]*T {
	out := make(map[string]*T, len(xs))
	for i := range xs {
		out[key(&xs[i])] = &xs[i]
	}
	return out
}

// Set is the target set with this id, or nil.
func (e *Expander) Set(id string) *TargetSet { return e.x.set(id) }

// Targets lists the databases a path reaches: its target, or its set's
// members.
func (e *Expander) Targets(p Path) []string { return pathTargets(e.x.set, p) }

// pathTargets is Targets over a set lookup (the reach stage's or a
// finished model's).
func pathTargets(set func(string) *TargetSet, p Path) []string {
	if p.TargetSet == "" {
		return []string{p.Target}
	}
	if ts := set(p.TargetSet); ts != nil {
		return ts.Members
	}
	return nil
}

// ExpandPath returns p itself, or for a path to a set one path per
// database of the set (in the set's order). owner is the function whose
// path it is ("" for a schedule or entry point).
func (e *Expander) ExpandPath(owner string, p Path) []Path {
	if p.TargetSet == "" {
		return []Path{p}
	}
	ts := e.x.set(p.TargetSet)
	if ts == nil {
		return []Path{p}
	}
	out := make([]Path, 0, len(ts.Members))
	for _, d := range ts.Members {
		if q, ok := e.x.expandOne(p, d, map[string]bool{owner: true}); ok {
			out = append(out, q)
		}
	}
	return out
}

// expandOne is p's path to database d, a member of its set. The tail of a
// set path tells how it was made: a grant's set step then the database set
// (a direct grant), a function set step (a wildcard invoke) or a callee's
// function step (an invoke of a function that reaches a set).
func (x expander) expandOne(p Path, d string, seen map[string]bool) (Path, bool) {
	n := len(p.Steps)
	db := x.db(d)
	if n < 2 || db == nil {
		return Path{}, false
	}
	prev := p.Steps[n-2]
	q := Path{Kind: p.Kind, Target: d, Unresolved: p.Unresolved}
	if prev.Kind == StepTargetSet {
		ps := x.set(prev.Address)
		if ps == nil {
			return Path{}, false
		}
		head := p.Steps[: n-2 : n-2]
		lead := setLead(prev, ps)
		switch ps.Kind {
		case SetSecrets:
			for _, s := range ps.Members {
				if sec := x.secret(s); sec != nil && sec.Database == d {
					q.Steps = append(append(clone(head), Step{Kind: "secret", Address: s, Detail: lead, FromUnknown: prev.FromUnknown}), dbStep(db))
					return q, true
				}
			}
			return Path{}, false
		case SetDatabases:
			q.Steps = append(append(clone(head), Step{Kind: "database", Address: d, Detail: lead, FromUnknown: prev.FromUnknown}), dbStep(db))
			return q, true
		case SetRoles:
			// One of the roles reaches d (hopsets.go): the member that does.
			if steps, ok := x.roleMemberTo(head, prev, ps, db); ok {
				q.Steps = append(steps, dbStep(db))
				return q, true
			}
			return Path{}, false
		case SetFunctions:
			for _, g := range ps.Members {
				if seen[g] {
					continue
				}
				if c, ok := x.pathTo(g, d, seen); ok {
					q.Steps = append(x.memberSteps(head, prev, ps, g), calleeRest(g, c)...)
					q.Unresolved = q.Unresolved || c.Unresolved
					return q, true
				}
			}
			return Path{}, false
		}
		return Path{}, false
	}
	if prev.Kind == "function" && !seen[prev.Address] {
		if c, ok := x.pathTo(prev.Address, d, seen); ok {
			q.Steps = append(clone(p.Steps[:n-1]), calleeRest(prev.Address, c)...)
			q.Unresolved = q.Unresolved || c.Unresolved
			return q, true
		}
	}
	return Path{}, false
}

// expandPath is p's path to d when p names a set, else p.
func (x expander) expandPath(owner string, p Path, d string) Path {
	if q, ok := x.expandOne(p, d, map[string]bool{owner: true}); ok {
		return q
	}
	return p
}

// memberSteps replaces the step of a set of functions (set ps, step
// setStep) that ends head with the step of its member g. When the step
// before names a set of topics, queues, state machines or APIs (a
// wildcard hop grant), that step becomes the member that runs g and the
// trigger's steps (its run), ending at g's step.
func (x expander) memberSteps(head []Step, setStep Step, ps *TargetSet, g string) []Step {
	if n := len(head); n > 0 && head[n-1].Kind == StepTargetSet {
		if ts := x.set(head[n-1].Address); ts != nil && ts.Kind != SetRoles {
			for _, r := range ts.Runs {
				if r.Function == g {
					out := append(clone(head[:n-1]), Step{Kind: memberKind(ts.Kind), Address: r.Member, Detail: setLead(head[n-1], ts), FromUnknown: head[n-1].FromUnknown})
					return append(out, r.Steps...)
				}
			}
		}
	}
	return append(clone(head), Step{Kind: "function", Address: g, Detail: setLead(setStep, ps), FromUnknown: setStep.FromUnknown})
}

// roleMemberTo is the evidence from a set of roles (set rs, step setStep,
// after head) to database d: the first member with a grant that reaches d
// directly, its trust step and the grant. Reach through the member's own
// further hops is not expanded (false).
func (x expander) roleMemberTo(head []Step, setStep Step, rs *TargetSet, d *Database) ([]Step, bool) {
	if x.grants == nil {
		return nil, false
	}
	for _, m := range rs.Members {
		for _, g := range x.grants(m) {
			via, ok := x.grantTo(g, d)
			if !ok {
				continue
			}
			steps := append(clone(head), Step{Kind: "role", Address: m, Detail: setLead(setStep, rs), FromUnknown: setStep.FromUnknown})
			for _, r := range runsOf(rs, m) {
				steps = append(steps, r.Steps...)
			}
			return append(steps, via...), true
		}
	}
	return nil, false
}

// grantTo is a grant's evidence to database d (ending at the secret or
// database step) when the grant reaches it directly.
func (x expander) grantTo(g Grant, d *Database) ([]Step, bool) {
	switch g.Action {
	case iam.ActionDataAPI:
		if !d.HTTPEndpoint {
			return nil, false
		}
	case iam.ActionDBConnect:
		if !d.IAMAuth {
			return nil, false
		}
	case iam.ActionSecretRead, iam.ActionSSMRead:
	default:
		return nil, false
	}
	reaches := func(t string) bool {
		if g.Action == iam.ActionSecretRead || g.Action == iam.ActionSSMRead {
			s := x.secret(t)
			return s != nil && s.Database == d.Address
		}
		return t == d.Address
	}
	if g.Target != "" {
		return g.Via, reaches(g.Target) && len(g.Via) > 0
	}
	ts := x.set(g.TargetSet)
	if ts == nil || len(g.Via) == 0 {
		return nil, false
	}
	last := g.Via[len(g.Via)-1]
	for _, t := range ts.Members {
		if reaches(t) {
			return append(clone(g.Via[:len(g.Via)-1]), Step{Kind: memberKind(ts.Kind), Address: t, Detail: setLead(last, ts), FromUnknown: last.FromUnknown}), true
		}
	}
	return nil, false
}

// pathTo is function g's path to database d (one of its own, or one
// expanded from a set), a known one first; seen cuts cycles.
func (x expander) pathTo(g, d string, seen map[string]bool) (Path, bool) {
	f := x.function(g)
	if f == nil || seen[g] {
		return Path{}, false
	}
	seen[g] = true
	defer delete(seen, g)
	for _, wantKnown := range []bool{true, false} {
		for _, p := range f.DataPaths {
			if p.Unresolved == wantKnown {
				continue
			}
			if p.Target == d && p.TargetSet == "" {
				return p, true
			}
			if p.TargetSet == "" {
				continue
			}
			if ts := x.set(p.TargetSet); ts != nil && inSorted(ts.Members, d) {
				if q, ok := x.expandOne(p, d, seen); ok {
					return q, true
				}
			}
		}
	}
	return Path{}, false
}

// calleeRest is the callee's path after its own step, then the step that
// says what the caller gains.
func calleeRest(g string, c Path) []Step {
	rest := c.Steps
	if len(rest) > 0 && rest[0].Kind == "function" && rest[0].Address == g {
		rest = rest[1:]
	}
	return append(clone(rest), Step{Kind: "data_path", Address: c.Target, Detail: g + " reaches " + c.Target + " by " + c.Kind})
}

func clone(s []Step) []Step { return append(make([]Step, 0, len(s)+3), s...) }

func inSorted(list []string, s string) bool {
	i := sort.SearchStrings(list, s)
	return i < len(list) && list[i] == s
}

// SetMember says whether address is a member of set id ("" when absent).
func (e *Expander) SetMember(id, address string) bool {
	ts := e.x.set(id)
	return ts != nil && inSorted(ts.Members, address)
}

// describeTarget names a path's target for people.
func (e *Expander) DescribeTarget(p Path) string {
	if p.TargetSet == "" {
		return p.Target
	}
	if ts := e.x.set(p.TargetSet); ts != nil {
		return DescribeSet(ts)
	}
	return strings.TrimSpace(p.TargetSet)
}

// ExpandTo is p's path to database d when p reaches it (its target, or a
// member of its set).
func (e *Expander) ExpandTo(owner string, p Path, d string) (Path, bool) {
	if p.TargetSet == "" {
		return p, p.Target == d
	}
	if !e.SetMember(p.TargetSet, d) {
		return Path{}, false
	}
	return e.x.expandOne(p, d, map[string]bool{owner: true})
}
