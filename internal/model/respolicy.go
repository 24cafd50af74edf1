package model

import (
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/letsleep/letsleep/internal/iam"
)

// principalSet is who an Allow statement of a resource-based policy (a role
// trust policy, a topic or queue policy, a secret policy, a Lambda
// permission) lets in.
type principalSet struct {
	roles   map[string]bool // IAM roles of the plan named by ARN, name or reference
	account bool            // an account (root or 12-digit id): any principal of it whose identity policy allows
	public  bool            // "*" or {"AWS": "*"}
	service []string        // service principals (lambda.amazonaws.com, …)
	// fromUnknown: roles found through configuration references because
	// the principal was unknown at plan time.
	fromUnknown bool
}

// rpStatement is one Allow statement of a resource-based policy with its
// principals resolved.
type rpStatement struct {
	st    stmt
	who   principalSet
	label string // "statement Sid" or "#i", for evidence
}

// resourcePolicy reads a resource-based policy at values[key] of r without
// warning when it is unknown (the caller decides what an unknown policy
// means). Roles named only through configuration references (a role ARN
// unknown at plan time) are resolved to their addresses.
func (fx *facts) resourcePolicy(r *res, values map[string]any, key string, cfgPath ...string) (out []rpStatement, known bool) {
	if len(cfgPath) == 0 {
		cfgPath = []string{key}
	}
	origin := r.Address
	var stmts []stmt
	refRoles := map[int][]string{} // statement index → roles referenced by its principals
	anyRoles := []string{}
	if doc := getStr(values, key); doc != "" {
		stmts, known = fx.parseDoc(origin, doc, false), true
	} else {
		ts, _ := fx.ix.resolve(r.Module, refsAt(r, cfgPath...))
		for _, t := range ts {
			tr := fx.ix.byAddr[t.Addr]
			switch {
			case tr == nil:
			case tr.Type == "aws_iam_policy_document" && tr.Data:
				st, ok := fx.dataDocument(tr, origin)
				stmts = append(stmts, st...)
				known = known || ok
				for i, roles := range fx.principalRefRoles(tr) {
					refRoles[i] = append(refRoles[i], roles...)
				}
			case tr.Type == "aws_iam_role":
				// jsonencode({... Principal = {AWS = aws_iam_role.x.arn}})
				// unknown at plan time: the role it references is the principal.
				anyRoles = append(anyRoles, tr.Address)
			}
		}
	}
	for _, s := range stmts {
		if s.Effect != "Allow" {
			continue
		}
		rp := rpStatement{st: s, label: stmtName(s.s), who: fx.principalsOf(s.s.Principal)}
		for _, a := range refRoles[s.s.Index] {
			rp.who.addRole(a)
			rp.who.fromUnknown = true
		}
		out = append(out, rp)
	}
	if !known && len(anyRoles) > 0 {
		who := principalSet{fromUnknown: true}
		for _, a := range anyRoles {
			who.addRole(a)
		}
		s := normStatement(origin, iam.Statement{Effect: "Allow", Actions: []string{"*"}, Resources: []string{"*"}}, true)
		out = append(out, rpStatement{st: s, who: who, label: "policy unknown at plan time: assumed to name the roles it references"})
	}
	return out, known
}

func (p *principalSet) addRole(a string) {
	if p.roles == nil {
		p.roles = map[string]bool{}
	}
	p.roles[a] = true
}

// principalsOf resolves the AWS principals of a statement: "*", an
// account, or a role of the plan (by ARN, or by the name inside a role ARN
// with any path).
func (fx *facts) principalsOf(p *iam.Principal) principalSet {
	var out principalSet
	if p == nil {
		return out
	}
	out.public = p.Public()
	out.service = p.Service
	for _, id := range p.AWS {
		switch {
		case id == "*":
		case isAccountPrincipal(id):
			out.account = true
		default:
			if a := fx.roleByARN(id); a != "" {
				out.addRole(a)
			}
		}
	}
	return out
}

// isAccountPrincipal: a 12-digit account id or arn:aws:iam::ID:root
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html).
func isAccountPrincipal(id string) bool {
	if len(id) == 12 && strings.Trim(id, "0123456789") == "" {
		return true
	}
	return strings.HasPrefix(id, "arn:") && strings.HasSuffix(id, ":root")
}

// roleByARN finds a role of the plan by its ARN, or by the name at the end
// of a role ARN.
func (fx *facts) roleByARN(arn string) string {
	if a := fx.lookup(arn, roleTypes...); a != "" {
		return a
	}
	if i := strings.Index(arn, ":role/"); i >= 0 {
		name := arn[i+len(":role/"):]
		if j := strings.LastIndexByte(name, '/'); j >= 0 {
			name = name[j+1:]
		}
		return fx.byName["aws_iam_role"][name]
	}
	return ""
}

// principalRefRoles lists, per statement block of an aws_iam_policy_document,
// the roles its principals reference in the configuration (identifiers
// unknown at plan time). Blocks are aligned by position when the counts
// agree; otherwise every block gets every role (an over-approximation).
func (fx *facts) principalRefRoles(dr *res) map[int][]string {
	out := map[int][]string{}
	if dr.Config == nil {
		return out
	}
	e := dr.Config.Expressions["statement"]
	if e == nil || e.ExpressionData == nil {
		return out
	}
	n := len(getBlocks(dr.Values, "statement"))
	var all []string
	for i, blk := range e.NestedBlocks {
		var refs []string
		if p := blk["principals"]; p != nil && p.ExpressionData != nil {
			refs = allRefs(p)
		}
		ts, _ := fx.ix.resolve(dr.Module, refs)
		roles := fx.ix.addrsOf(ts, roleTypes...)
		all = append(all, roles...)
		out[i] = roles
	}
	if len(e.NestedBlocks) != n {
		for i := 0; i < n; i++ {
			out[i] = all
		}
	}
	return out
}

// allRefs gathers every reference of an expression and its nested blocks.
func allRefs(e *tfjson.Expression) []string {
	if e == nil || e.ExpressionData == nil {
		return nil
	}
	out := append([]string{}, e.References...)
	for _, blk := range e.NestedBlocks {
		for _, x := range blk {
			out = append(out, allRefs(x)...)
		}
	}
	return out
}

// covers tells whether the statement allows one of the actions.
func (rp rpStatement) covers(actions ...string) bool {
	for _, a := range actions {
		if rp.st.s.CoversAction(a) {
			return true
		}
	}
	return false
}

// policyStep is the evidence step for a resource-based policy statement.
func (rp rpStatement) step(what string) Step {
	d := what + ": " + rp.label
	if rp.st.Conditional {
		d += " (with a condition that may apply)"
	}
	return Step{Kind: "policy", Address: rp.st.Origin, Detail: d, FromUnknown: rp.who.fromUnknown}
}
