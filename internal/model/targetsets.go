package model

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// ListedTargets is how many targets a grant or a path names one by one. A
// wildcard grant that matches more (a function granted "*" in a plan of
// many tenants) names one shared TargetSet instead, and the data paths
// through it become one path per set: listing every (function, database)
// pair made the model grow with the square of the plan.
const ListedTargets = 8

// Target set kinds: what the members are.
const (
	SetSecrets   = "secrets"
	SetDatabases = "databases"
	SetFunctions = "functions"
	// Hop targets (hops.go): roles a wildcard sts:AssumeRole names, and the
	// topics, queues, state machines and APIs whose calls run functions.
	SetRoles         = "roles"
	SetTopics        = "topics"
	SetQueues        = "queues"
	SetStateMachines = "state_machines"
	SetAPIs          = "apis"
)

// setOfStep: the set kind of each target step kind, and back (memberKind).
var setOfStep = map[string]string{
	"secret": SetSecrets, "database": SetDatabases, "function": SetFunctions, "role": SetRoles,
	"topic": SetTopics, "queue": SetQueues, "state_machine": SetStateMachines, "api": SetAPIs,
}

// memberKind is the step kind of one member of a set of kind.
func memberKind(kind string) string {
	for step, k := range setOfStep {
		if k == kind {
			return step
		}
	}
	return ""
}

// StepTargetSet is the kind of an evidence step that names a target set
// (its Address is the set's id) instead of one resource.
const StepTargetSet = "target_set"

// targetSets interns the sets of one model: the same members always give
// the same set (and id), so N roles granted "*" share one list.
type targetSets struct {
	byID map[string]*TargetSet
}

func newTargetSets() *targetSets { return &targetSets{byID: map[string]*TargetSet{}} }

// clone gives a stage its own registry; sets themselves are never changed
// once made, so they are shared.
func (s *targetSets) clone() *targetSets {
	c := newTargetSets()
	for k, v := range s.byID {
		c.byID[k] = v
	}
	return c
}

// intern returns the set of kind with these members (sorted, distinct).
// Its id is made from the members, so it does not depend on the order the
// roles were read in.
func (s *targetSets) intern(kind string, members []string) *TargetSet {
	members = sortedUnique(slices.Clone(members))
	h := sha256.New()
	h.Write([]byte(kind))
	for _, m := range members {
		h.Write([]byte{0})
		h.Write([]byte(m))
	}
	sum := hex.EncodeToString(h.Sum(nil))
	for n := 12; n <= len(sum); n += 4 {
		id := kind + ":" + sum[:n]
		got, ok := s.byID[id]
		if !ok {
			ts := &TargetSet{ID: id, Kind: kind, Members: members}
			s.byID[id] = ts
			return ts
		}
		if slices.Equal(got.Members, members) {
			return got
		}
	}
	panic("target set ids collide on a full sha-256")
}

func (s *targetSets) get(id string) *TargetSet { return s.byID[id] }

// list is every set, sorted by id, for the model.
func (s *targetSets) list() []TargetSet {
	out := make([]TargetSet, 0, len(s.byID))
	for _, ts := range s.byID {
		out = append(out, *ts)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// setStep is the evidence step naming a set: how many members and the
// first few, so a message or a graph label reads without the model.
func setStep(ts *TargetSet, lead string) Step {
	return Step{Kind: StepTargetSet, Address: ts.ID, Detail: lead + ": " + DescribeSet(ts)}
}

// setLead is what a set step says before the set ("matched *"): a step
// for one member of the set says the same.
func setLead(s Step, ts *TargetSet) string {
	return strings.TrimSuffix(s.Detail, ": "+DescribeSet(ts))
}

// DescribeSet names a set for people: "1000 databases (a, b, c, …)".
func DescribeSet(ts *TargetSet) string {
	const shown = 3
	names := ts.Members
	more := ""
	if len(names) > shown {
		names, more = names[:shown], ", …"
	}
	return fmt.Sprintf("%d %s (%s%s)", len(ts.Members), ts.Kind, strings.Join(names, ", "), more)
}

// setKindOf is the set kind of a grant action's targets.
func setKindOf(action string) string { return setOfStep[targetKind(action)] }

// runsOf lists the runs of member in a set (Runs are sorted by member).
func runsOf(ts *TargetSet, member string) []SetRun {
	i := sort.Search(len(ts.Runs), func(i int) bool { return ts.Runs[i].Member >= member })
	j := i
	for j < len(ts.Runs) && ts.Runs[j].Member == member {
		j++
	}
	return ts.Runs[i:j]
}

// withRuns registers a copy of ts that carries runs (the set in the
// facts is shared and stays as it was).
func (s *targetSets) withRuns(ts *TargetSet, runs []SetRun) *TargetSet {
	c := *ts
	c.Runs = runs
	s.byID[ts.ID] = &c
	return &c
}
