package model

import (
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/letsleep/letsleep/internal/iam"
)

type roleState struct {
	addr, name, arn string
	policies        []PolicyRef
	stmts           []stmt
	grants          []Grant
	unresolved      []string
	// assumed marks grants (by grantKey) that rest on statements assumed
	// for a policy unknown at plan time; paths through them are unresolved.
	assumed map[string]bool
}

func grantKey(g Grant) string {
	return g.Action + "\x00" + g.Resource + "\x00" + g.Target + "\x00" + g.TargetSet
}

func (r *roleState) toModel() Role {
	out := Role{Address: r.addr, Name: r.name, Policies: r.policies, Grants: r.grants, Unresolved: sortedCopy(r.unresolved)}
	if out.Policies == nil {
		out.Policies = []PolicyRef{}
	}
	if out.Grants == nil {
		out.Grants = []Grant{}
	}
	out.Statements = make([]Statement, 0, len(r.stmts))
	for _, s := range r.stmts {
		out.Statements = append(out.Statements, s.Statement)
	}
	return out
}

var roleTypes = []string{"aws_iam_role"}

// principalTypes are the IAM identities whose grants the model computes.
// Users and groups are listed in Model.Roles too (their address says which
// kind they are): they cannot run a function, but a broad grant on them is
// still a finding.
var principalTypes = []string{"aws_iam_role", "aws_iam_user", "aws_iam_group"}

// inlinePolicyTypes maps inline policy resources to the attribute naming
// their principal; attachmentTypes does the same for policy attachments.
var inlinePolicyTypes = []struct{ typ, key, principal string }{
	{"aws_iam_role_policy", "role", "aws_iam_role"},
	{"aws_iam_user_policy", "user", "aws_iam_user"},
	{"aws_iam_group_policy", "group", "aws_iam_group"},
}

var attachmentTypes = []struct{ typ, key, principal string }{
	{"aws_iam_role_policy_attachment", "role", "aws_iam_role"},
	{"aws_iam_user_policy_attachment", "user", "aws_iam_user"},
	{"aws_iam_group_policy_attachment", "group", "aws_iam_group"},
}

// collectRoles records every role, user and group with the policies
// attached to it. It reads only the resolve stage's output, so it can run
// beside the network facts (split.go).
func (fx *facts) collectRoles() {
	for _, r := range fx.ix.byType["aws_iam_role"] {
		if r.Data {
			continue
		}
		rs := &roleState{addr: r.Address, name: getStr(r.Values, "name"), arn: getStr(r.Values, "arn")}
		fx.roles[r.Address] = rs
		blocks := getBlocks(r.Values, "inline_policy")
		unknownBlks := unknownBlocks(r.Unknown, "inline_policy")
		var cfgBlocks []map[string]*tfjson.Expression
		if r.Config != nil {
			if e := r.Config.Expressions["inline_policy"]; e != nil && e.ExpressionData != nil {
				cfgBlocks = e.NestedBlocks
			}
		}
		for i, blk := range blocks {
			name := getStr(blk, "name")
			origin := r.Address + ".inline_policy[" + name + "]"
			// Blocks line up with the configuration when counts agree (no
			// dynamic blocks); otherwise every block's references are used.
			var refs []string
			for j, cb := range cfgBlocks {
				if len(cfgBlocks) == len(blocks) && j != i {
					continue
				}
				if e := cb["policy"]; e != nil && e.ExpressionData != nil {
					refs = append(refs, e.References...)
				}
			}
			if fx.ix.src != nil && getStr(blk, "policy") == "" && i < len(unknownBlks) && unknownAt(unknownBlks[i], "policy") {
				// jsonencode of a local with an unknown ARN: only the
				// sources say what the block grants.
				if st, ok := fx.sourceInlineBlock(r, name, origin); ok {
					fx.addPolicy(rs, PolicyRef{Address: origin, Source: "inline_block", Known: true}, st)
					continue
				}
			}
			st, known, _ := fx.documentRefs(r, blk, "policy", origin, refs)
			fx.addPolicy(rs, PolicyRef{Address: origin, Source: "inline_block", Known: known}, st)
		}
		for _, arn := range getStrings(r.Values, "managed_policy_arns") {
			fx.attachARN(rs, r, arn, "managed_arns")
		}
		if unknownAt(r.Unknown, "managed_policy_arns") {
			l := fx.link(r, r.Values, r.Unknown, "managed_policy_arns", []string{"managed_policy_arns"}, "aws_iam_policy")
			for _, pa := range l.Addrs {
				fx.attachPolicyResource(rs, pa, "managed_arns", "")
			}
			fx.lostRefs(rs, r, "managed_policy_arns", l)
		}
	}
	for _, t := range []string{"aws_iam_user", "aws_iam_group"} {
		for _, r := range fx.ix.byType[t] {
			if !r.Data {
				fx.roles[r.Address] = &roleState{addr: r.Address, name: getStr(r.Values, "name"), arn: getStr(r.Values, "arn")}
			}
		}
	}
	for _, it := range inlinePolicyTypes {
		for _, r := range fx.ix.byType[it.typ] {
			who := fx.link(r, r.Values, r.Unknown, it.key, []string{it.key}, it.principal)
			st, known, _ := fx.document(r, r.Values, r.Unknown, "policy", r.Address)
			for _, rs := range fx.rolesOf(r, who) {
				fx.addPolicy(rs, PolicyRef{Address: r.Address, Source: "inline", Known: known}, st)
			}
		}
	}
	for _, at := range attachmentTypes {
		for _, r := range fx.ix.byType[at.typ] {
			who := fx.link(r, r.Values, r.Unknown, at.key, []string{at.key}, at.principal)
			for _, rs := range fx.rolesOf(r, who) {
				fx.attachFrom(rs, r, "attachment")
			}
		}
	}
	for _, r := range fx.ix.byType["aws_iam_policy_attachment"] {
		for _, k := range []struct{ key, principal string }{{"roles", "aws_iam_role"}, {"users", "aws_iam_user"}, {"groups", "aws_iam_group"}} {
			who := fx.link(r, r.Values, r.Unknown, k.key, []string{k.key}, k.principal)
			if len(who.Addrs)+len(who.Raw)+len(who.Lost) == 0 {
				continue
			}
			for _, rs := range fx.rolesOf(r, who) {
				fx.attachFrom(rs, r, "policy_attachment")
			}
		}
	}
}

// grantRoles computes each role's grants; the targets are the databases,
// secrets and functions, so it runs after them.
func (fx *facts) grantRoles() {
	for _, rs := range fx.roles {
		fx.computeGrants(rs)
	}
}

// rolesOf returns the role states a link names, warning for roles outside
// the plan.
func (fx *facts) rolesOf(r *res, l linkResult) []*roleState {
	var out []*roleState
	for _, a := range l.Addrs {
		if rs := fx.roles[a]; rs != nil {
			out = append(out, rs)
		}
	}
	if len(out) == 0 && len(l.Raw)+len(l.Lost) > 0 {
		fx.warn("unresolved-reference", r.Address, "the role it applies to is not in the plan (%s); its grants are not analysed", strings.Join(append(l.Raw, l.Lost...), ", "))
	}
	return out
}

func (fx *facts) lostRefs(rs *roleState, r *res, key string, l linkResult) {
	if len(l.Lost) == 0 {
		return
	}
	rs.unresolved = append(rs.unresolved, key)
	fx.warn("unresolved-reference", r.Address, "%s could not be resolved (%s)", key, strings.Join(l.Lost, ", "))
}

// attachFrom handles policy_arn of an attachment resource.
func (fx *facts) attachFrom(rs *roleState, r *res, source string) {
	if arn := getStr(r.Values, "policy_arn"); arn != "" {
		fx.attachARN(rs, r, arn, source)
		return
	}
	l := fx.link(r, r.Values, r.Unknown, "policy_arn", []string{"policy_arn"}, "aws_iam_policy")
	for _, pa := range l.Addrs {
		fx.attachPolicyResource(rs, pa, source, "")
	}
	if len(l.Addrs) == 0 {
		rs.unresolved = append(rs.unresolved, r.Address)
		fx.addPolicy(rs, PolicyRef{Address: r.Address, Source: source, Known: false}, nil)
		if len(l.Lost) == 0 {
			fx.warn("unknown-policy", r.Address, "policy_arn is empty or unknown at plan time and names no policy in the plan; the attached policy is not analysed")
		} else {
			fx.warn("unknown-policy", r.Address, "policy_arn is unknown at plan time and could not be resolved (%s); the attached policy is not analysed", strings.Join(l.Lost, ", "))
		}
	}
}

// attachARN attaches a policy named by a known ARN: an aws_iam_policy in
// the plan, an AWS-managed policy from the table, or an unknown policy.
func (fx *facts) attachARN(rs *roleState, r *res, arn, source string) {
	if a := fx.lookup(arn, "aws_iam_policy"); a != "" {
		literal := ""
		if fx.byARN[arn] == "" && fx.byID[arn] == "" {
			literal = arn // named by its name in a literal ARN (literalnames.go)
		}
		fx.attachPolicyResource(rs, a, source, literal)
		return
	}
	if mp := iam.Managed(arn); mp != nil {
		var st []stmt
		for _, s := range mp.Statements {
			st = append(st, normStatement(arn, s, false))
		}
		fx.addPolicy(rs, PolicyRef{Address: arn, Source: source, Managed: true, Known: true}, st)
		return
	}
	managed := iam.IsAWSManaged(arn)
	fx.addPolicy(rs, PolicyRef{Address: arn, Source: source, Managed: managed, Known: false}, nil)
	rs.unresolved = append(rs.unresolved, arn)
	if managed {
		fx.warn("unknown-policy", r.Address, "AWS-managed policy %s is not in letsleep's managed-policy table; its grants are not analysed", arn)
	} else {
		fx.warn("unknown-policy", r.Address, "policy %s is not in the plan; its grants are not analysed", arn)
	}
}

func (fx *facts) attachPolicyResource(rs *roleState, addr, source, literal string) {
	pr := fx.ix.byAddr[addr]
	if pr == nil {
		return
	}
	st, known, _ := fx.document(pr, pr.Values, pr.Unknown, "policy", addr)
	for i := range st {
		st[i].literal = literal
	}
	fx.addPolicy(rs, PolicyRef{Address: addr, Source: source, Known: known}, st)
}

func (fx *facts) addPolicy(rs *roleState, ref PolicyRef, st []stmt) {
	for _, p := range rs.policies {
		if p.Address == ref.Address && p.Source == ref.Source {
			return
		}
	}
	if !ref.Known {
		rs.unresolved = append(rs.unresolved, ref.Address)
	}
	rs.policies = append(rs.policies, ref)
	rs.stmts = append(rs.stmts, st...)
}
