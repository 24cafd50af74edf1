package model

import (
	"strings"

	"github.com/letsleep/letsleep/internal/iam"
)

// hitKey is what decides an allowance's hits when the role has no Deny
// statement: the same action, pattern and NotResource list meet the same
// targets whichever role holds them.
type hitKey struct {
	action, pattern, notResources string
	conditional                   bool
}

// hitFlags splits hits that may be grouped into one set: a set's grant
// carries one FromUnknown and one Conditional for all its members.
type hitFlags struct{ fromUnknown, cond bool }

// hitSets are an allowance's hits ready to become grants: the hits listed
// one by one (in target order) and, per flags, the set of the others.
type hitSets struct {
	matched bool
	listed  []grantHit
	sets    []flaggedSet
}

type flaggedSet struct {
	flags hitFlags
	ts    *TargetSet
}

// hitsFor is hits (the role's own computation) or the summary of an equal
// allowance of another role. Every role of a plan of N tenants granted "*"
// meets all N targets: computing, grouping and hashing them per role made
// the model's time grow with N² (1 000 tenants: 4.5 s of 8.7 s CPU in
// computeGrants). Only roles without a Deny statement share: a Deny makes
// the hits depend on the role.
func (fx *facts) hitsFor(action string, al iam.Allowance, st stmt, shareable bool, hits func() []grantHit) hitSets {
	if !shareable || al.Pattern == UnknownResource {
		return fx.groupHits(action, al, hits())
	}
	k := hitKey{action: action, pattern: al.Pattern, conditional: al.Conditional}
	if al.NotResource {
		k.notResources = "\x00" + strings.Join(st.s.NotResources, "\x00")
	}
	if hs, ok := fx.hitCache[k]; ok {
		return hs
	}
	if fx.hitCache == nil {
		fx.hitCache = map[hitKey]hitSets{}
	}
	hs := fx.groupHits(action, al, hits())
	fx.hitCache[k] = hs
	return hs
}

// groupHits keeps up to ListedTargets hits of the same flags as they are
// and makes one target set of the hits of each flags that has more.
func (fx *facts) groupHits(action string, al iam.Allowance, hits []grantHit) hitSets {
	out := hitSets{matched: len(hits) > 0}
	kind := setKindOf(action)
	if kind == "" || al.Pattern == UnknownResource || len(hits) <= ListedTargets {
		out.listed = hits
		return out
	}
	groups := map[hitFlags][]string{}
	for _, h := range hits {
		k := hitFlags{h.fromUnknown, h.cond}
		groups[k] = append(groups[k], h.t.addr)
	}
	for _, h := range hits {
		if len(groups[hitFlags{h.fromUnknown, h.cond}]) <= ListedTargets {
			out.listed = append(out.listed, h)
		}
	}
	for _, k := range []hitFlags{{false, false}, {false, true}, {true, false}, {true, true}} {
		if addrs := groups[k]; len(addrs) > ListedTargets {
			out.sets = append(out.sets, flaggedSet{k, fx.sets.intern(kind, addrs)})
		}
	}
	return out
}

// hasDeny: a statement of the role is a Deny.
func hasDeny(stmts []iam.Statement) bool {
	for i := range stmts {
		if stmts[i].Effect == "Deny" {
			return true
		}
	}
	return false
}
