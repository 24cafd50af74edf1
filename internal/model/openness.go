package model

import (
	"strings"

	"github.com/letsleep/letsleep/internal/addrset"
)

// maxOpenKeys bounds the cross-rule openness check of one security group
// (distinct protocol and port ranges); past it each rule is judged alone.
const maxOpenKeys = 512

// markOpenRules decides, on address sets, which ingress rules admit the
// whole internet. A rule is open when its sources, together with those of
// every rule of the same group that admits at least its protocol and ports,
// cover the IPv4 or IPv6 internet: 0.0.0.0/1 in one rule and 128.0.0.0/1 in
// another open port 22 as surely as 0.0.0.0/0 does, because security group
// rules are allow rules whose union is what AWS admits
// (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html).
func (fx *facts) markOpenRules() {
	for _, addr := range sortedKeysOf(fx.sgs) {
		sg := fx.sgs[addr]
		fx.markOpen(sg.Ingress)
	}
}

func (fx *facts) markOpen(rules []SGRule) {
	if len(rules) == 0 {
		return
	}
	own := make([]addrset.Set, len(rules))
	total := addrset.Empty
	for i, r := range rules {
		own[i] = fx.ruleSources(r)
		total = total.Union(own[i])
	}
	if len(total.OpenFamilies()) == 0 {
		return // the group as a whole never admits the internet
	}
	keys := map[[3]any]bool{}
	for _, r := range rules {
		keys[[3]any{r.Protocol, r.FromPort, r.ToPort}] = true
	}
	cross := len(keys) <= maxOpenKeys
	for i := range rules {
		if !own[i].Overlaps(addrset.Internet) {
			continue // admits no internet address of its own (a peer group, say)
		}
		set := own[i]
		var with []string
		if cross {
			for j, o := range rules {
				if j == i || !ruleIncludes(o, rules[i]) || !own[j].Overlaps(addrset.Internet) {
					continue
				}
				set = set.Union(own[j])
				if o.Address != rules[i].Address {
					with = append(with, o.Address)
				}
			}
		}
		if fams := set.OpenFamilies(); len(fams) > 0 {
			rules[i].Open = fams
			if !own[i].Covers(openOf(fams)) {
				rules[i].OpenWith = sortedUnique(with)
			}
		}
	}
}

// openOf is the internet of the given families.
func openOf(fams []string) addrset.Set {
	s := addrset.Empty
	for _, f := range fams {
		if f == addrset.IPv4 {
			s = s.Union(addrset.Internet4)
		} else {
			s = s.Union(addrset.Internet6)
		}
	}
	return s
}

// ruleIncludes: every packet rule r admits by protocol and port, o admits.
func ruleIncludes(o, r SGRule) bool {
	if o.Protocol == "-1" {
		return true
	}
	return o.Protocol == r.Protocol && o.FromPort <= r.FromPort && r.ToPort <= o.ToPort
}

// ruleSources is the address set a rule names: its CIDRs and the entries
// of prefix lists known in the plan. Bad CIDRs are warned about, never
// guessed at.
func (fx *facts) ruleSources(r SGRule) addrset.Set {
	s, bad := addrset.Parse(r.CIDRs)
	if len(bad) > 0 {
		fx.warn("unresolved-reference", r.Address, "not CIDR blocks (AWS would reject them), ignored: %s", strings.Join(bad, ", "))
	}
	for _, pl := range r.PrefixLists {
		if set, ok := fx.prefixList(pl); ok {
			s = s.Union(set)
		}
	}
	return s
}
