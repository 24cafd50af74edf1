package model

import (
	"encoding/binary"
	"fmt"
	"math/bits"
)

// dbBits is a set of databases by their index in the sorted list: a
// function's reach is a few words however many databases it reaches, and
// the reach of a set of callees is their union, word by word.
type dbBits []uint64

func (x dbBits) has(i int) bool { return x[i/64]&(1<<(i%64)) != 0 }
func (x dbBits) set(i int)      { x[i/64] |= 1 << (i % 64) }
func (x dbBits) count() int {
	n := 0
	for _, w := range x {
		n += bits.OnesCount64(w)
	}
	return n
}

// each calls f with every index in x, ascending.
func (x dbBits) each(f func(i int)) {
	for w, word := range x {
		for word != 0 {
			b := bits.TrailingZeros64(word)
			f(w*64 + b)
			word &^= 1 << b
		}
	}
}

// key is x as a map key.
func (x dbBits) key() string {
	b := make([]byte, 0, 8*len(x))
	for _, w := range x {
		b = binary.LittleEndian.AppendUint64(b, w)
	}
	return string(b)
}

// orInto adds x to dst and tells whether dst grew.
func (x dbBits) orInto(dst dbBits) bool {
	grew := false
	for i, w := range x {
		if w&^dst[i] != 0 {
			dst[i] |= w
			grew = true
		}
	}
	return grew
}

// reachState is what propagate knows about each function: every database
// it reaches (all; known: by a path resting on no assumption) and those it
// reaches through a hop (prop: one hop path per (caller, database)).
type reachState struct {
	dbs             []string
	index           map[string]int
	all, known, hop map[string]dbBits
	// setBits: the databases of each set by id; dbSets: the set of each
	// bitset of databases. Both made once: a plan of N functions that
	// reach the same N databases would otherwise walk or hash N names per
	// function.
	setBits map[string]dbBits
	dbSets  map[string]*TargetSet
}

// bitsOf is the databases of set id.
func (r *reachState) bitsOf(sets *targetSets, id string) dbBits {
	if x, ok := r.setBits[id]; ok {
		return x
	}
	x := r.empty()
	if ts := sets.get(id); ts != nil {
		for _, d := range ts.Members {
			if i, ok := r.index[d]; ok {
				x.set(i)
			}
		}
	}
	r.setBits[id] = x
	return x
}

// dbSet is the set of the databases x.
func (r *reachState) dbSet(sets *targetSets, x dbBits) *TargetSet {
	k := x.key()
	if ts, ok := r.dbSets[k]; ok {
		return ts
	}
	var members []string
	x.each(func(i int) { members = append(members, r.dbs[i]) })
	ts := sets.intern(SetDatabases, members)
	r.dbSets[k] = ts
	return ts
}

func (r *reachState) empty() dbBits { return make(dbBits, (len(r.dbs)+63)/64) }

func (r *reachState) of(m map[string]dbBits, fa string) dbBits {
	x := m[fa]
	if x == nil {
		x = r.empty()
		m[fa] = x
	}
	return x
}

// note records a path's databases in fa's reach; it tells whether the
// reach grew.
func (r *reachState) note(fa string, p Path, sets *targetSets) bool {
	add := r.empty()
	if p.TargetSet != "" {
		add = r.bitsOf(sets, p.TargetSet)
	} else if i, ok := r.index[p.Target]; ok {
		add.set(i)
	}
	if !p.Unresolved {
		add.orInto(r.of(r.known, fa))
	}
	return add.orInto(r.of(r.all, fa))
}

// propagate copies each callee's reach to its callers along the edges, to a
// fixed point. A worklist revisits a caller's own callers when it gains a
// database. A caller gets one hop path per database it did not yet reach
// by a hop, or, when an edge brings more than ListedTargets databases at
// once, one path to the set of them (split into known and assumed), so a
// plan where every function may invoke every other costs words per edge,
// not paths per pair of functions.
func (rh *reacher) propagate(edges []fnEdge) {
	r := &reachState{dbs: sortedKeysOf(rh.dbs), index: map[string]int{}, all: map[string]dbBits{}, known: map[string]dbBits{}, hop: map[string]dbBits{},
		setBits: map[string]dbBits{}, dbSets: map[string]*TargetSet{}}
	for i, d := range r.dbs {
		r.index[d] = i
	}
	for _, fa := range sortedKeysOf(rh.functions) {
		for _, p := range rh.functions[fa].DataPaths {
			r.note(fa, p, rh.sets)
		}
	}
	byCallee := map[string][]int{}
	bySet := map[string][]int{}
	setsOf := map[string][]string{}
	all := make([]int, len(edges))
	for i, e := range edges {
		if e.toSet != "" {
			if len(bySet[e.toSet]) == 0 {
				if ts := rh.sets.get(e.toSet); ts != nil {
					for _, m := range ts.Members {
						setsOf[m] = append(setsOf[m], e.toSet)
					}
				}
			}
			bySet[e.toSet] = append(bySet[e.toSet], i)
		} else {
			byCallee[e.to] = append(byCallee[e.to], i)
		}
		all[i] = i
	}
	// A function that reaches every database by a hop gains nothing more;
	// it stays full, so it is remembered, by the edge's index: the queue
	// meets an edge of a full caller far more often than it does work.
	callerOf := make([]int, len(edges))
	callerID := map[string]int{}
	for i, e := range edges {
		id, ok := callerID[e.from]
		if !ok {
			id = len(callerID)
			callerID[e.from] = id
		}
		callerOf[i] = id
	}
	isFull := make([]bool, len(callerID))
	full := func(i int) bool {
		id := callerOf[i]
		if !isFull[id] && len(r.dbs) > 0 && r.of(r.hop, edges[i].from).count() >= len(r.dbs) {
			isFull[id] = true
		}
		return isFull[id]
	}
	var q edgeQueue
	q.push(all)
	for {
		i, ok := q.pop()
		if !ok {
			break
		}
		e := edges[i]
		if full(i) {
			continue
		}
		var gained bool
		if e.toSet == "" {
			gained = rh.propagateOne(r, e)
		} else {
			gained = rh.propagateSet(r, e)
		}
		if gained {
			q.push(byCallee[e.from])
			for _, id := range setsOf[e.from] {
				q.push(bySet[id])
			}
		}
	}
}

// edgeQueue is the worklist of propagate as a queue of runs of edge
// indexes (the lists of byCallee and bySet, never changed once built).
// A function that gains requeues every edge into a set holding it:
// copying those lists made the queue hold N² indexes when N functions are
// each granted invoke on all N.
type edgeQueue struct {
	runs [][]int
}

func (q *edgeQueue) push(run []int) {
	if len(run) > 0 {
		q.runs = append(q.runs, run)
	}
}

func (q *edgeQueue) pop() (int, bool) {
	for len(q.runs) > 0 {
		run := q.runs[0]
		if len(run) == 0 {
			q.runs = q.runs[1:]
			continue
		}
		q.runs[0] = run[1:]
		return run[0], true
	}
	return 0, false
}

// propagateOne follows an edge to one callee: each of its paths to a
// database the caller has no hop path to yet becomes one.
func (rh *reacher) propagateOne(r *reachState, e fnEdge) bool {
	caller, callee := rh.functions[e.from], rh.functions[e.to]
	hop := r.of(r.hop, e.from)
	gained := false
	fromSets := r.empty()
	for _, p := range callee.DataPaths[:len(callee.DataPaths):len(callee.DataPaths)] {
		if p.TargetSet != "" {
			r.bitsOf(rh.sets, p.TargetSet).orInto(fromSets)
			continue
		}
		i, ok := r.index[p.Target]
		if !ok || hop.has(i) || pathNames(p, e.from) {
			continue
		}
		hop.set(i)
		caller.DataPaths = append(caller.DataPaths, hopPath(e, e.to, p))
		r.note(e.from, caller.DataPaths[len(caller.DataPaths)-1], rh.sets)
		gained = true
	}
	for i, w := range hop {
		fromSets[i] &^= w
	}
	return rh.emitHops(r, e, fromSets, []string{e.to}) || gained
}

// propagateSet follows an edge to a set of functions (a wildcard invoke
// grant): the caller reaches what any of them reaches.
func (rh *reacher) propagateSet(r *reachState, e fnEdge) bool {
	ts := rh.sets.get(e.toSet)
	if ts == nil {
		return false
	}
	union := r.empty()
	for _, m := range ts.Members {
		if m != e.from && rh.functions[m] != nil {
			r.of(r.all, m).orInto(union)
		}
	}
	for i, w := range r.of(r.hop, e.from) {
		union[i] &^= w
	}
	return rh.emitHops(r, e, union, ts.Members)
}

// emitHops adds the caller's hop paths to the databases gain (indexes),
// reached through one of the callees: one path per database when they are
// few, with the first callee that reaches it as evidence; else one path to
// the set of those reached by a known path and one to the set of the rest.
func (rh *reacher) emitHops(r *reachState, e fnEdge, gain dbBits, callees []string) bool {
	n := gain.count()
	if n == 0 {
		return false
	}
	caller := rh.functions[e.from]
	hop := r.of(r.hop, e.from)
	x := rh.expander()
	if n <= ListedTargets {
		gain.each(func(i int) {
			d := r.dbs[i]
			g, p, ok := r.firstCallee(x, callees, e.from, d)
			if !ok {
				return
			}
			hop.set(i)
			steps := e.hop
			if e.toSet != "" && len(steps) > 0 {
				// The set step becomes the step of the one callee.
				steps = x.memberSteps(steps[:len(steps)-1], steps[len(steps)-1], rh.sets.get(e.toSet), g)
			}
			caller.DataPaths = append(caller.DataPaths, hopPath(fnEdge{kind: e.kind, head: e.head, hop: steps, unresolved: e.unresolved}, g, p))
			r.note(e.from, caller.DataPaths[len(caller.DataPaths)-1], rh.sets)
		})
		return true
	}
	known, assumed := r.empty(), r.empty()
	gain.each(func(i int) {
		hop.set(i)
		if r.anyKnown(callees, e.from, i) {
			known.set(i)
		} else {
			assumed.set(i)
		}
	})
	lead := "these functions reach"
	if e.toSet == "" {
		lead = e.to + " reaches"
	}
	for _, group := range []struct {
		dbs        dbBits
		unresolved bool
	}{{known, e.unresolved}, {assumed, true}} {
		if group.dbs.count() == 0 {
			continue
		}
		ds := r.dbSet(rh.sets, group.dbs)
		steps := make([]Step, 0, len(e.head)+len(e.hop)+1)
		steps = append(append(append(steps, e.head...), e.hop...), setStep(ds, lead))
		caller.DataPaths = append(caller.DataPaths, Path{Kind: e.kind, TargetSet: ds.ID, Unresolved: group.unresolved, Steps: steps})
		r.note(e.from, caller.DataPaths[len(caller.DataPaths)-1], rh.sets)
	}
	return true
}

// anyKnown: one of the callees reaches database i by a known path.
func (r *reachState) anyKnown(callees []string, caller string, i int) bool {
	for _, g := range callees {
		if g != caller && r.known[g] != nil && r.known[g].has(i) {
			return true
		}
	}
	return false
}

// firstCallee picks the callee whose path to d is the evidence: the first
// with a known path, else the first with any.
func (r *reachState) firstCallee(x expander, callees []string, caller, d string) (string, Path, bool) {
	i := r.index[d]
	for _, wantKnown := range []bool{true, false} {
		for _, g := range callees {
			if g == caller {
				continue
			}
			have := r.all[g]
			if wantKnown {
				have = r.known[g]
			}
			if have == nil || !have.has(i) {
				continue
			}
			if p, ok := x.pathTo(g, d, map[string]bool{caller: true}); ok && !pathNames(p, caller) {
				return g, p, true
			}
		}
	}
	return "", Path{}, false
}

// hopPath is the caller's path to p's database through callee: the edge's
// evidence, then p's after the callee's own step, then a summary step.
func hopPath(e fnEdge, callee string, p Path) Path {
	rest := p.Steps
	if len(rest) > 0 && rest[0].Kind == "function" && rest[0].Address == callee {
		rest = rest[1:]
	}
	steps := make([]Step, 0, len(e.head)+len(e.hop)+len(rest)+1)
	steps = append(append(append(steps, e.head...), e.hop...), rest...)
	steps = append(steps, Step{Kind: "data_path", Address: p.Target, Detail: fmt.Sprintf("%s reaches %s by %s", callee, p.Target, p.Kind)})
	return Path{Kind: e.kind, Target: p.Target, Unresolved: e.unresolved || p.Unresolved, Steps: steps}
}

func (rh *reacher) expander() expander {
	return expander{
		grants: func(a string) []Grant {
			if rs := rh.roles[a]; rs != nil {
				return rs.grants
			}
			return nil
		},
		function: func(a string) *Function { return rh.functions[a] },
		set:      rh.sets.get,
		secret:   func(a string) *Secret { return rh.secrets[a] },
		db:       func(a string) *Database { return rh.dbs[a] },
	}
}
