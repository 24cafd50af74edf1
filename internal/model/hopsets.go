package model

import (
	"fmt"
	"sort"

	"github.com/letsleep/letsleep/internal/iam"
)

// Hops through target sets. A wildcard sts:AssumeRole, sns:Publish,
// sqs:SendMessage, states:StartExecution or execute-api:Invoke grant of
// more than ListedTargets targets is one grant naming a set (grantsOf).
// Followed per member, a plan of N tenants each granted "*" gave every
// function N hops and N paths per hop kind: N² in the plan. Here a hop
// into a set is followed once per set: the functions a set of topics
// (queues, state machines, APIs) runs are one set of functions, and what
// a set of roles reaches is computed once and named by one path per
// (caller, set).

// hopPathKind is the kind of a data path whose first hop is action.
func hopPathKind(action string) string {
	switch action {
	case ActionStartExecution:
		return PathStateMachine
	case ActionAPIInvoke:
		return PathAPIInvoke
	case ActionAssumeRole:
		return PathAssumeRole
	case iam.ActionInvoke:
		return PathInvoke
	}
	return PathTrigger
}

// triggerSet is a set of topics, queues, state machines or APIs with the
// functions its members run, computed once per set.
type triggerSet struct {
	ts  *TargetSet // with Runs
	fns []string   // the functions run, sorted
	fs  *TargetSet // the set of fns, when there are more than ListedTargets
}

func (rh *reacher) triggerSetOf(id string) *triggerSet {
	if t, ok := rh.trigSets[id]; ok {
		return t
	}
	t := &triggerSet{}
	rh.trigSets[id] = t
	ts := rh.sets.get(id)
	if ts == nil {
		return t
	}
	var runs []SetRun
	var fns []string
	for _, m := range ts.Members {
		for _, tr := range rh.triggers[m] {
			runs = append(runs, SetRun{Member: m, Function: tr.fn, Steps: tr.steps})
			fns = append(fns, tr.fn)
		}
	}
	t.fns = sortedUnique(fns)
	t.ts = ts
	if len(t.fns) > ListedTargets {
		t.ts = rh.sets.withRuns(ts, runs)
		t.fs = rh.sets.intern(SetFunctions, t.fns)
	} else {
		t.ts = &TargetSet{ID: ts.ID, Kind: ts.Kind, Members: ts.Members, Runs: runs}
	}
	return t
}

// triggerSetEdges are the hops of a grant on a set of topics, queues,
// state machines or APIs: one edge per function run when they are few (the
// first member that runs it as evidence), else one edge to the set of them.
func (rh *reacher) triggerSetEdges(g Grant, unresolved bool) []hopEdge {
	t := rh.triggerSetOf(g.TargetSet)
	if len(t.fns) == 0 || len(g.Via) == 0 {
		return nil
	}
	kind := hopPathKind(g.Action)
	if t.fs != nil {
		steps := append(clone(g.Via), setStep(t.fs, "a call into one of them runs"))
		return []hopEdge{{kind: kind, toSet: t.fs.ID, steps: steps, unresolved: unresolved}}
	}
	head, last := g.Via[:len(g.Via)-1], g.Via[len(g.Via)-1]
	var out []hopEdge
	done := map[string]bool{}
	for _, r := range t.ts.Runs {
		if done[r.Function] {
			continue
		}
		done[r.Function] = true
		steps := append(append(clone(head), Step{Kind: memberKind(t.ts.Kind), Address: r.Member, Detail: setLead(last, t.ts), FromUnknown: last.FromUnknown}), r.Steps...)
		out = append(out, hopEdge{kind: kind, toFn: r.Function, steps: steps, unresolved: unresolved})
	}
	return out
}

// openRoles are the members of a set of roles whose trust policy admits
// any caller of the account (or anyone, or is unknown and assumed to):
// whether they admit a caller does not depend on who it is.
type openRoles struct {
	members []string
	runs    map[string]SetRun // member → its trust step
	known   *TargetSet        // the open members whose trust is read, with Runs
	assumed *TargetSet        // those whose trust is assumed to admit
}

func (rh *reacher) openRolesOf(id string) *openRoles {
	if o, ok := rh.roleSets[id]; ok {
		return o
	}
	o := &openRoles{runs: map[string]SetRun{}}
	rh.roleSets[id] = o
	ts := rh.sets.get(id)
	if ts == nil {
		return o
	}
	var known, assumed []SetRun
	for _, m := range ts.Members {
		if rh.roles[m] == nil {
			continue
		}
		// No caller is named "": what admits it admits every caller.
		ok, un, step := rh.trustAdmits(m, "")
		if !ok {
			continue
		}
		r := SetRun{Member: m, Steps: []Step{step}}
		o.members = append(o.members, m)
		o.runs[m] = r
		if un {
			assumed = append(assumed, r)
		} else {
			known = append(known, r)
		}
	}
	mk := func(runs []SetRun) *TargetSet {
		if len(runs) == 0 {
			return nil
		}
		ms := make([]string, len(runs))
		for i, r := range runs {
			ms[i] = r.Member
		}
		return rh.sets.withRuns(rh.sets.intern(SetRoles, ms), runs)
	}
	if len(o.members) > ListedTargets {
		o.known, o.assumed = mk(known), mk(assumed)
	}
	return o
}

// namedBy indexes trust policies by the roles they name: role → the roles
// whose trust policy names it (sorted).
func (rh *reacher) namedByIndex() map[string][]string {
	if rh.namedBy != nil {
		return rh.namedBy
	}
	rh.namedBy = map[string][]string{}
	for _, target := range sortedKeysOf(rh.trust) {
		for _, rp := range rh.trust[target] {
			for _, caller := range sortedKeysOf(rp.who.roles) {
				rh.namedBy[caller] = append(rh.namedBy[caller], target)
			}
		}
	}
	for k, v := range rh.namedBy {
		rh.namedBy[k] = sortedUnique(v)
	}
	return rh.namedBy
}

// roleSetEdges are the hops of role ra's grant of sts:AssumeRole on a set
// of roles: an edge per member whose trust policy names ra, and the open
// members, one edge each when few, else one edge per set of them.
func (rh *reacher) roleSetEdges(ra string, g Grant, unresolved bool) []hopEdge {
	ts := rh.sets.get(g.TargetSet)
	if ts == nil || len(g.Via) == 0 {
		return nil
	}
	head, last := g.Via[:len(g.Via)-1], g.Via[len(g.Via)-1]
	member := func(m string) Step {
		return Step{Kind: "role", Address: m, Detail: setLead(last, ts), FromUnknown: last.FromUnknown}
	}
	o := rh.openRolesOf(ts.ID)
	var out []hopEdge
	one := func(m string) {
		if m == ra || rh.roles[m] == nil {
			return
		}
		ok, un, step := rh.trustAdmits(m, ra)
		if !ok {
			return
		}
		out = append(out, hopEdge{kind: PathAssumeRole, toRole: m, steps: append(append(clone(head), member(m)), step), unresolved: unresolved || un})
	}
	for _, m := range rh.namedByIndex()[ra] {
		if _, open := o.runs[m]; !open && inSorted(ts.Members, m) {
			one(m)
		}
	}
	if o.known == nil && o.assumed == nil {
		for _, m := range o.members {
			one(m)
		}
		return out
	}
	for _, s := range []*TargetSet{o.known, o.assumed} {
		if s == nil {
			continue
		}
		steps := append(clone(head), setStep(s, setLead(last, ts)+", and their trust policies admit the caller"))
		out = append(out, hopEdge{kind: PathAssumeRole, toRoleSet: s.ID, steps: steps, unresolved: unresolved || s == o.assumed})
	}
	return out
}

// memberReach is what one role reaches by its own grants and hops, from
// an empty prefix, computed once. Inside it, hops into further sets of
// roles are not followed (noted as a warning): a set within a set would
// make the work grow with the product of their sizes.
type memberReach struct {
	paths   []Path
	calls   []fnEdge
	hopSets []string // roles whose second set is not followed (hopsetguard.go)
}

func (rh *reacher) memberReachOf(m string) *memberReach {
	if r, ok := rh.memberReach[m]; ok {
		return r
	}
	r := &memberReach{}
	rh.memberReach[m] = r
	rh.inRoleSet++
	outer := rh.walkHopSets
	rh.walkHopSets = nil
	r.paths, r.calls = rh.walkRoles([]string{m}, nil, false, false)
	r.hopSets = rh.takeHopSets()
	rh.walkHopSets = outer
	rh.inRoleSet--
	return r
}

// roleBest is the member of a set of roles whose path (or call) is the
// evidence for one database (or function).
type roleBest struct {
	member string
	p      Path
}

// roleSetUnion is what the members of a set of roles reach together.
type roleSetUnion struct {
	byDB      map[string]roleBest
	callees   []string
	firstCall map[string]roleBest
	callOf    map[string]fnEdge
	hopSets   []string // the members' roles whose second set is not followed
	// dbs: the keys of byDB, sorted; known, assumed, calleeSet: the sets
	// of databases and callees past ListedTargets. Made on first use and
	// shared by every caller of the set (roleSetReach).
	dbs                       []string
	known, assumed, calleeSet *TargetSet
	summarised                bool
}

// summarise makes the sorted list and the sets of u once: making them per
// caller cost N per function in a plan of N tenants granted "*".
func (rh *reacher) summarise(u *roleSetUnion) {
	if u.summarised {
		return
	}
	u.summarised = true
	u.dbs = sortedKeysOf(u.byDB)
	if len(u.dbs) > ListedTargets {
		var known, assumed []string
		for _, d := range u.dbs {
			if u.byDB[d].p.Unresolved {
				assumed = append(assumed, d)
			} else {
				known = append(known, d)
			}
		}
		if len(known) > 0 {
			u.known = rh.sets.intern(SetDatabases, known)
		}
		if len(assumed) > 0 {
			u.assumed = rh.sets.intern(SetDatabases, assumed)
		}
	}
	if len(u.callees) > ListedTargets {
		u.calleeSet = rh.sets.intern(SetFunctions, u.callees)
	}
}

// roleSetUnionOf is the union of what the members of ts but self reach,
// computed once per set for the callers that are not members (the usual
// case), so N callers of one set cost N lookups, not N passes over it.
func (rh *reacher) roleSetUnionOf(ts *TargetSet, self string) *roleSetUnion {
	member := inSorted(ts.Members, self)
	if u, ok := rh.setUnions[ts.ID]; ok && !member {
		return u
	}
	u := &roleSetUnion{byDB: map[string]roleBest{}, firstCall: map[string]roleBest{}, callOf: map[string]fnEdge{}}
	for _, m := range ts.Members {
		if m == self {
			continue
		}
		r := rh.memberReachOf(m)
		u.hopSets = append(u.hopSets, r.hopSets...)
		for _, p := range r.paths {
			for _, d := range pathTargets(rh.sets.get, p) {
				if cur, ok := u.byDB[d]; !ok || (cur.p.Unresolved && !p.Unresolved) {
					u.byDB[d] = roleBest{m, p}
				}
			}
		}
		for _, c := range r.calls {
			targets := []string{c.to}
			if c.toSet != "" {
				if fs := rh.sets.get(c.toSet); fs != nil {
					targets = fs.Members
				}
			}
			for _, fn := range targets {
				if _, ok := u.firstCall[fn]; !ok && fn != "" {
					u.firstCall[fn] = roleBest{member: m}
					u.callOf[fn] = c
					u.callees = append(u.callees, fn)
				}
			}
		}
	}
	sort.Strings(u.callees)
	u.hopSets = sortedUnique(u.hopSets)
	if !member {
		rh.setUnions[ts.ID] = u
	}
	return u
}

// roleSetReach is what a caller gains by assuming one role of set id (any
// but the caller's own role self): the databases they reach, as paths, and
// the functions they can make run, as calls. head is the caller's
// evidence so far, hop the grant's steps ending at the set's step.
func (rh *reacher) roleSetReach(id, self string, head, hop []Step, kind string, unresolved bool) ([]Path, []fnEdge) {
	ts := rh.sets.get(id)
	if ts == nil {
		return nil, nil
	}
	if rh.inRoleSet > 0 {
		// The warning is on the role whose grant is not followed (self,
		// reached as a member of a set): its grant is what to scope.
		rh.noteHopSet(self, fmt.Sprintf("%s, reached as one of a set of roles, may assume a second set of %s; letsleep follows one set of roles per chain, so what the roles of the second set reach from here is not in the paths", self, DescribeSet(ts)))
		return nil, nil
	}
	u := rh.roleSetUnionOf(ts, self)
	rh.walkHopSets = append(rh.walkHopSets, u.hopSets...)
	rh.summarise(u)
	byDB, callees, firstCall, callOf := u.byDB, u.callees, u.firstCall, u.callOf
	prefix := append(clone(head), hop[:len(hop)-1]...)
	last := hop[len(hop)-1]
	memberHead := func(m string) []Step {
		steps := append(clone(prefix), Step{Kind: "role", Address: m, Detail: setLead(last, ts), FromUnknown: last.FromUnknown})
		for _, r := range runsOf(ts, m) {
			steps = append(steps, r.Steps...)
		}
		return steps
	}
	var paths []Path
	if len(u.dbs) <= ListedTargets {
		for _, d := range u.dbs {
			bt := byDB[d]
			p := bt.p
			if p.TargetSet != "" {
				p = rh.expander().expandPath(bt.member, p, d)
			}
			paths = append(paths, Path{Kind: kind, Target: d, Unresolved: unresolved || p.Unresolved, Steps: append(memberHead(bt.member), p.Steps...)})
		}
	} else {
		for _, group := range []struct {
			ds *TargetSet
			un bool
		}{{u.known, unresolved}, {u.assumed, true}} {
			if group.ds == nil {
				continue
			}
			steps := append(append(clone(head), hop...), setStep(group.ds, "these roles reach"))
			paths = append(paths, Path{Kind: kind, TargetSet: group.ds.ID, Unresolved: group.un, Steps: steps})
		}
	}
	var calls []fnEdge
	if len(callees) <= ListedTargets {
		for _, fn := range callees {
			c := callOf[fn]
			m := firstCall[fn].member
			calls = append(calls, fnEdge{to: c.to, toSet: c.toSet, kind: kind, head: append(memberHead(m), c.head...), hop: c.hop, unresolved: unresolved || c.unresolved})
		}
	} else {
		fs := u.calleeSet
		calls = append(calls, fnEdge{toSet: fs.ID, kind: kind, head: clone(head), hop: append(clone(hop), setStep(fs, "these roles can make run")), unresolved: unresolved})
	}
	return paths, calls
}
