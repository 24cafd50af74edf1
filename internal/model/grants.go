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
	// qualified is ":function:NAME:" for functions: a grant on an alias or
	// version of the function names it too.
	qualified string
}

// targetsFor lists the model objects a canonical action can act on.
func (b *builder) targetsFor(action string) []grantTarget {
	if t, ok := b.targetCache[action]; ok {
		return t
	}
	out := b.computeTargets(action)
	b.targetCache[action] = out
	return out
}

func (b *builder) computeTargets(action string) []grantTarget {
	var out []grantTarget
	switch action {
	case iam.ActionSecretRead:
		for _, s := range b.secrets {
			t := grantTarget{addr: s.Address}
			if r := b.ix.byAddr[s.Address]; r != nil {
				t.arn = getStr(r.Values, "arn")
			}
			switch {
			case t.arn != "":
			case len(s.Address) > len(MasterSecretSuffix) && s.Address[len(s.Address)-len(MasterSecretSuffix):] == MasterSecretSuffix:
				t.shape = []string{MasterSecretPattern}
			case s.Name != "":
				t.shape = []string{"arn:aws:secretsmanager:*:*:secret:" + s.Name + "-??????"}
			default:
				t.shape = []string{"arn:aws:secretsmanager:*:*:secret:*"}
			}
			out = append(out, t)
		}
	case iam.ActionDataAPI, iam.ActionDBConnect:
		for _, d := range b.dbs {
			t := grantTarget{addr: d.Address}
			r := b.ix.byAddr[d.Address]
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
			} else {
				rid := getStr(r.Values, "cluster_resource_id")
				if rid == "" {
					rid = getStr(r.Values, "resource_id")
				}
				if rid == "" {
					rid = "*"
				}
				t.shape = []string{"arn:aws:rds-db:*:*:dbuser:" + rid + "/*"}
			}
			out = append(out, t)
		}
	case iam.ActionInvoke:
		for _, f := range b.functions {
			t := grantTarget{addr: f.Address}
			if r := b.ix.byAddr[f.Address]; r != nil {
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
			out = append(out, t)
		}
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
	case t.arn != "":
		return iam.Match(pattern, t.arn), false
	}
	for _, s := range t.shape {
		if iam.Overlap(pattern, concreteShape(pattern, s), false) {
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

// fill turns a pattern segment into one string it matches.
func fill(seg string) string {
	return strings.NewReplacer("*", "", "?", "x").Replace(seg)
}

func (b *builder) computeGrants(rs *roleState) {
	if len(rs.stmts) == 0 {
		return
	}
	iamStmts := make([]iam.Statement, len(rs.stmts))
	for i, s := range rs.stmts {
		iamStmts[i] = s.s
	}
	for _, action := range iam.Notable {
		allowances := iam.Allowances(iamStmts, action)
		if len(allowances) == 0 {
			continue
		}
		targets := b.targetsFor(action)
		for _, al := range allowances {
			st := rs.stmts[al.Statement]
			via := b.grantSteps(rs, st, al)
			matched := false
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
				matched = true
				g := Grant{Action: action, Resource: al.Pattern, Target: t.addr, Broad: iam.Broad(al.Pattern) || al.NotResource, Conditional: cond}
				g.Via = append(append([]Step{}, via...), Step{Kind: targetKind(action), Address: t.addr, Detail: "matched " + al.Pattern, FromUnknown: fromUnknown || st.FromUnknown})
				rs.grants = append(rs.grants, g)
			}
			if !matched {
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
		return a.Resource < c.Resource
	})
}

func targetKind(action string) string {
	switch action {
	case iam.ActionSecretRead:
		return "secret"
	case iam.ActionInvoke:
		return "function"
	}
	return "database"
}

// grantSteps is the evidence chain role → policy → statement → action →
// resource.
func (b *builder) grantSteps(rs *roleState, st stmt, al iam.Allowance) []Step {
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
	if al.Conditional {
		detail += ", with a condition that may apply"
	}
	if al.MaybeDeniedBy >= 0 {
		detail += ", a conditional Deny may remove it"
	}
	return []Step{
		{Kind: "role", Address: rs.addr, Detail: "IAM role " + rs.name},
		{Kind: "policy", Address: st.Origin, Detail: "policy"},
		{Kind: "statement", Address: st.Origin, Detail: detail, FromUnknown: st.FromUnknown},
		{Kind: "action", Detail: actionDetail},
		{Kind: "resource", Detail: res, FromUnknown: st.FromUnknown},
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
