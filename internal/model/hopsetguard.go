package model

// Who reaches a set of roles that is not followed. A role reached as one
// of a set may itself assume a second set of roles; letsleep does not
// follow that second set (hopsets.go), so a data path through it may be
// missing. That gap matters when a function that must stay away from the
// data (egress, hot, viewer, or undeclared with a way out) or one that
// anyone may invoke reaches the role: the warning then names that function
// in Guarded, and LSL-015 reports it at medium (it rests on no known path,
// so never higher), as it does an unknown placement or grant.

// hopSetNote is one role whose grant on a second set is not followed.
type hopSetNote struct{ role, msg string }

// noteHopSet records the gap on role for the walk in progress; the
// warning is written by warnHopSets once every walk is done.
func (rh *reacher) noteHopSet(role, msg string) {
	rh.walkHopSets = append(rh.walkHopSets, role)
	rh.hopSetNotes = append(rh.hopSetNotes, hopSetNote{role, msg})
}

// takeHopSets returns the roles with a gap that the walk since the last
// call reached, and starts afresh.
func (rh *reacher) takeHopSets() []string {
	hs := sortedUnique(rh.walkHopSets)
	rh.walkHopSets = nil
	return hs
}

// spreadHopSets gives each function the gap roles it reaches itself
// (direct) or through the functions it can make run (edges), to a fixed
// point. It runs only when there is a gap at all, which is rare.
func (rh *reacher) spreadHopSets(direct map[string][]string, edges []fnEdge) {
	if len(direct) == 0 {
		return
	}
	got := map[string]map[string]bool{}
	addAll := func(fn string, roles map[string]bool) bool {
		changed := false
		for r := range roles {
			if got[fn] == nil {
				got[fn] = map[string]bool{}
			}
			if !got[fn][r] {
				got[fn][r], changed = true, true
			}
		}
		return changed
	}
	for fn, roles := range direct {
		set := map[string]bool{}
		for _, r := range roles {
			set[r] = true
		}
		addAll(fn, set)
	}
	for range len(rh.functions) + 1 {
		changed := false
		// A set of functions is read once per round, not once per edge.
		bySet := map[string]map[string]bool{}
		for _, e := range edges {
			if e.toSet == "" {
				changed = addAll(e.from, got[e.to]) || changed
				continue
			}
			roles, ok := bySet[e.toSet]
			if !ok {
				roles = map[string]bool{}
				if fs := rh.sets.get(e.toSet); fs != nil {
					for _, m := range fs.Members {
						for r := range got[m] {
							roles[r] = true
						}
					}
				}
				bySet[e.toSet] = roles
			}
			changed = addAll(e.from, roles) || changed
		}
		if !changed {
			break
		}
	}
	rh.hopSetFrom = got
}

// guardedOrFronted: fn must stay away from the data, or an entry point
// without authentication fronts it (policies/unanalysed.rego's
// guarded_or_fronted, on the same facts).
func (rh *reacher) guardedOrFronted(fn *Function) bool {
	switch fn.Role {
	case RoleEgress, RoleHot, RoleViewer:
		return true
	case "":
		if len(fn.Egress) > 0 {
			return true
		}
	}
	for _, ep := range rh.m.EntryPoints {
		if ep.Function == fn.Address && (ep.Auth == "NONE" || ep.Auth == "unknown") {
			return true
		}
	}
	return false
}

// warnHopSets writes one hop-set warning per (role, second set), naming
// the first guarded or openly fronted function (or open identity pool)
// whose chain reaches the role.
func (rh *reacher) warnHopSets() {
	guard := map[string]string{}
	for _, fa := range sortedKeysOf(rh.hopSetFrom) {
		if !rh.guardedOrFronted(rh.functions[fa]) {
			continue
		}
		for r := range rh.hopSetFrom[fa] {
			if _, ok := guard[r]; !ok {
				guard[r] = fa
			}
		}
	}
	for _, r := range sortedKeysOf(rh.hopSetPools) {
		if _, ok := guard[r]; !ok {
			guard[r] = rh.hopSetPools[r]
		}
	}
	for _, n := range rh.hopSetNotes {
		rh.add(Warning{Kind: "hop-set", Address: n.role, Message: n.msg, Guarded: guard[n.role]})
	}
}
