package labiam

import (
	"fmt"
	"sort"
	"strings"
)

// Decisions, named as iam:SimulatePrincipalPolicy names them.
const (
	Allowed      = "allowed"
	ImplicitDeny = "implicitDeny"
	ExplicitDeny = "explicitDeny"
)

// Request is one call: a role calls Action on Resource (an ARN).
type Request struct {
	Principal string // the caller's role ARN
	Action    string // service:Action
	Resource  string
}

// Decision is the answer to a Request.
type Decision struct {
	Decision string
	// By names the statements that decided it ("SOURCE Sid" or "SOURCE #i").
	By []string
	// Assumed lists what the decision rests on that the plan does not
	// show: unknown values, conditions not evaluated, unknown policies.
	// Empty when the decision follows from the plan alone.
	Assumed []string
}

// Allowed reports whether the call goes through.
func (d Decision) Allowed() bool { return d.Decision == Allowed }

// Certain reports whether the decision follows from the plan alone.
func (d Decision) Certain() bool { return len(d.Assumed) == 0 }

// String is the decision with what decided it, for reports.
func (d Decision) String() string {
	s := d.Decision
	if len(d.By) > 0 {
		s += " by " + strings.Join(d.By, ", ")
	}
	if len(d.Assumed) > 0 {
		s += " (assumed: " + strings.Join(d.Assumed, "; ") + ")"
	}
	return s
}

// match is whether a statement applies to a request: no, yes, or maybe
// (it depends on something the plan does not show; why says what).
type match struct {
	applies bool
	maybe   []string
}

// applies tests a statement's action and resource parts (not its
// principal) against a request.
func (s *Statement) applies(action, resource string) match {
	var m match
	switch {
	case s.AnyAction:
		m.maybe = append(m.maybe, "its document is unknown at plan time and may name any action")
	case len(s.NotAction) > 0:
		for _, p := range s.NotAction {
			if actionMatches(p, action) {
				return match{}
			}
		}
	default:
		hit := false
		for _, p := range s.Action {
			hit = hit || actionMatches(p, action)
		}
		if !hit {
			return match{}
		}
	}
	if len(s.NotResource) > 0 {
		for _, v := range s.NotResource {
			if v.Unknown {
				m.maybe = append(m.maybe, "NotResource holds a value unknown at plan time ("+v.Why+")")
			} else if arnMatches(v.Pattern, resource) {
				return match{}
			}
		}
	} else if len(s.Resource) > 0 { // a trust policy names none: it is about its own role
		hit, unknown := false, []string{}
		for _, v := range s.Resource {
			if v.Unknown {
				unknown = append(unknown, v.Why)
			} else if arnMatches(v.Pattern, resource) {
				hit = true
			}
		}
		switch {
		case !hit && len(unknown) == 0:
			return match{}
		case !hit:
			m.maybe = append(m.maybe, "Resource holds a value unknown at plan time ("+strings.Join(unknown, "; ")+")")
		}
	}
	if len(s.Conditions) > 0 {
		m.maybe = append(m.maybe, "condition not evaluated: "+strings.Join(s.Conditions, ", "))
	}
	m.applies = true
	return m
}

// principalMatch is whether a resource policy statement names the caller:
// directly (its role ARN, or everyone), through its account (the account
// then delegates to the caller's identity policies), or not at all.
type principalMatch int

const (
	principalNo principalMatch = iota
	principalAccount
	principalDirect
)

func (s *Statement) names(role *Role, account string) principalMatch {
	if len(s.NotPrincipal) > 0 {
		for _, ids := range s.NotPrincipal {
			for _, id := range ids {
				if id == "*" || id == role.ARN || id == account || id == rootARN(account) {
					return principalNo
				}
			}
		}
		return principalDirect
	}
	best := principalNo
	for typ, ids := range s.Principal {
		if typ != "AWS" && typ != "*" {
			continue
		}
		for _, id := range ids {
			switch {
			case id == "*" || id == role.ARN:
				return principalDirect
			case id == account || id == rootARN(account):
				best = principalAccount
			}
		}
	}
	return best
}

func rootARN(account string) string { return "arn:aws:iam::" + account + ":root" }

// Decide evaluates a request the way AWS evaluates a call within one
// account (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):
// an explicit deny in any identity or resource policy wins; else an allow
// in an identity policy, or in a resource policy that names the caller's
// role (or everyone), allows; a resource policy that names only the
// account delegates to the identity policies; else the call is implicitly
// denied. Unknowns are taken to allow and not to deny, and are listed.
func (a *Account) Decide(req Request) Decision {
	role := a.roles[req.Principal]
	if role == nil {
		return Decision{Decision: ImplicitDeny, By: []string{"no role " + req.Principal + " in the plan"}}
	}
	var allowBy, denyBy, assumed []string
	var allowAssumed []string
	consider := func(p *Policy, i int, s *Statement, m match) {
		by := p.Source + " " + statementName(s, i)
		if !m.applies {
			return
		}
		if s.Effect == "Deny" {
			if len(m.maybe) > 0 {
				assumed = append(assumed, "the deny "+by+" was not applied: "+strings.Join(m.maybe, "; "))
				return
			}
			denyBy = append(denyBy, by)
			return
		}
		allowBy = append(allowBy, by)
		for _, w := range m.maybe {
			allowAssumed = append(allowAssumed, by+": "+w)
		}
		if len(m.maybe) == 0 {
			allowAssumed = append(allowAssumed, "") // a certain allow
		}
	}
	for _, p := range role.Policies {
		if p.Unknown != "" && !p.standIn() {
			// A rebuilt document that may lack statements.
			assumed = append(assumed, p.Source+": "+p.Unknown)
		}
		for i := range p.Statements {
			consider(p, i, &p.Statements[i], p.Statements[i].applies(req.Action, req.Resource))
		}
	}
	for _, p := range a.resourcePolicies[req.Resource] {
		for i := range p.Statements {
			s := &p.Statements[i]
			switch s.names(role, a.ID) {
			case principalNo:
				continue
			case principalAccount:
				if s.Effect == "Allow" {
					// Delegation: the identity policies decide.
					continue
				}
			}
			consider(p, i, s, s.applies(req.Action, req.Resource))
		}
	}
	assumed = append(assumed, role.Unknown...)
	switch {
	case len(denyBy) > 0:
		return Decision{Decision: ExplicitDeny, By: denyBy, Assumed: dedupe(assumed)}
	case len(allowBy) > 0:
		d := Decision{Decision: Allowed, By: allowBy, Assumed: dedupe(assumed)}
		if !certainAllow(allowAssumed) {
			d.Assumed = dedupe(append(d.Assumed, nonEmpty(allowAssumed)...))
		}
		return d
	}
	return Decision{Decision: ImplicitDeny, Assumed: dedupe(assumed)}
}

// certainAllow: at least one allow applied without any assumption.
func certainAllow(list []string) bool {
	for _, s := range list {
		if s == "" {
			return true
		}
	}
	return false
}

func nonEmpty(list []string) []string {
	var out []string
	for _, s := range list {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func dedupe(list []string) []string {
	if len(list) == 0 {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

func statementName(s *Statement, i int) string {
	if s.Sid != "" {
		return "statement " + s.Sid
	}
	return fmt.Sprintf("statement #%d", i)
}

// AssumeRole decides whether role caller may assume role target: the
// caller's identity policies must not deny sts:AssumeRole on the target,
// and the target's trust policy must admit the caller, by its role ARN
// (enough on its own) or by its account (then the caller's identity
// policies must allow it as well).
func (a *Account) AssumeRole(caller, target string) Decision {
	const action = "sts:AssumeRole"
	t := a.roles[target]
	if t == nil {
		return Decision{Decision: ImplicitDeny, By: []string{"no role " + target + " in the plan"}}
	}
	c := a.roles[caller]
	if c == nil {
		return Decision{Decision: ImplicitDeny, By: []string{"no role " + caller + " in the plan"}}
	}
	id := a.Decide(Request{Principal: caller, Action: action, Resource: target})
	if id.Decision == ExplicitDeny {
		return id
	}
	if t.Trust == nil {
		return Decision{Decision: ImplicitDeny, By: []string{t.Address + " has no trust policy the lab can read"}, Assumed: t.Unknown}
	}
	var direct, delegated, denied []string
	assumed := append([]string(nil), id.Assumed...)
	for i := range t.Trust.Statements {
		s := &t.Trust.Statements[i]
		pm := s.names(c, a.ID)
		m := s.applies(action, target)
		if pm == principalNo || !m.applies {
			continue
		}
		by := t.Trust.Source + " " + statementName(s, i)
		if len(m.maybe) > 0 {
			if s.Effect == "Deny" {
				assumed = append(assumed, "the deny "+by+" was not applied: "+strings.Join(m.maybe, "; "))
				continue
			}
			assumed = append(assumed, by+": "+strings.Join(m.maybe, "; "))
		}
		switch {
		case s.Effect == "Deny":
			denied = append(denied, by)
		case pm == principalDirect:
			direct = append(direct, by)
		default:
			delegated = append(delegated, by)
		}
	}
	switch {
	case len(denied) > 0:
		return Decision{Decision: ExplicitDeny, By: denied, Assumed: dedupe(assumed)}
	case len(direct) > 0:
		return Decision{Decision: Allowed, By: direct, Assumed: dedupe(assumed)}
	case len(delegated) > 0 && id.Allowed():
		return Decision{Decision: Allowed, By: append(delegated, id.By...), Assumed: dedupe(assumed)}
	}
	if len(delegated) > 0 {
		return Decision{Decision: ImplicitDeny, By: append(delegated, "no identity policy of the caller allows sts:AssumeRole on it"), Assumed: dedupe(assumed)}
	}
	return Decision{Decision: ImplicitDeny, By: []string{t.Trust.Source + " does not admit the caller"}, Assumed: dedupe(assumed)}
}

// standIn reports whether the policy is the lab's stand-in for a document
// it cannot see (its one statement carries the uncertainty itself).
func (p *Policy) standIn() bool {
	return len(p.Statements) == 1 && p.Statements[0].AnyAction
}
