package model

import (
	"fmt"
	"strconv"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/letsleep/letsleep/internal/iam"
)

// UnknownResource stands in for a statement resource that was unknown at
// plan time and could not be resolved; it may match any target.
const UnknownResource = "(unknown)"

// stmt is a statement with its model form and its matcher form.
type stmt struct {
	Statement
	s               iam.Statement
	publicPrincipal bool
	// scope is the module instance of the document that holds an
	// unresolvable resource (UnknownResource).
	scope string
	// assumed: built by assumeFromRefs, not read from a document.
	assumed bool
	// literal: the ARN, written as a literal, that attached the statement's
	// policy; evidence quotes it, since no reference in the plan ties the two.
	literal string
}

func normStatement(origin string, s iam.Statement, fromUnknown bool) stmt {
	return stmt{
		Statement: Statement{
			Origin: origin, Sid: s.Sid, Effect: s.Effect,
			Actions: s.Actions, NotActions: s.NotActions, Resources: s.Resources, NotResources: s.NotResources,
			Conditional: s.Conditional, FromUnknown: fromUnknown,
		},
		s:               s,
		publicPrincipal: s.Principal.Public(),
	}
}

// document reads the policy JSON at values[key] of r. When it is unknown at
// plan time it follows the configuration reference (to an
// aws_iam_policy_document data source or an aws_iam_policy). known is false
// when the statements could not be recovered; a Warning says so.
func (fx *facts) document(r *res, values, unknown map[string]any, key, origin string, cfgPath ...string) (out []stmt, known, fromUnknown bool) {
	if len(cfgPath) == 0 {
		cfgPath = []string{key}
	}
	if fx.ix.src != nil && len(cfgPath) == 1 && getStr(values, key) == "" && unknownAt(unknown, key) {
		// jsonencode of locals with an unknown ARN: the sources evaluate
		// it; the plan stays the truth wherever it knows the value.
		if st, ok := fx.sourceDocument(r, cfgPath[0], origin); ok {
			return st, true, true
		}
	}
	return fx.documentRefs(r, values, key, origin, refsAt(r, cfgPath...))
}

// documentRefs is document with the configuration references given.
func (fx *facts) documentRefs(r *res, values map[string]any, key, origin string, refs []string) (out []stmt, known, fromUnknown bool) {
	if doc := getStr(values, key); doc != "" {
		return fx.parseDoc(origin, doc, false), true, false
	}
	ts, lost := fx.ix.resolve(r.Module, refs)
	found := false
	for _, t := range ts {
		tr := fx.ix.byAddr[t.Addr]
		switch {
		case tr == nil:
		case tr.Type == "aws_iam_policy_document" && tr.Data:
			st, ok := fx.dataDocument(tr, origin)
			out = append(out, st...)
			found = found || ok
		case tr.Type == "aws_iam_policy" && !tr.Data && tr != r:
			st, ok, _ := fx.document(tr, tr.Values, tr.Unknown, "policy", origin)
			out = append(out, st...)
			found = found || ok
		}
	}
	if !found {
		if assumed, what := fx.assumeFromRefs(r, origin, ts); len(assumed) > 0 {
			fx.warn("unknown-policy", r.Address, "policy document %s is unknown at plan time (jsonencode with an unknown value?); its statements cannot be read, so letsleep assumes it grants %s", key, what)
			return assumed, false, true
		}
		why := "its value is unknown at plan time"
		switch {
		case len(refs) == 0:
			why += " and the configuration has no reference to follow (a local or a dynamic block?)"
		case len(lost) > 0:
			why += "; could not follow " + strings.Join(lost, ", ")
		default:
			why += " and its references (" + strings.Join(refs, ", ") + ") lead to no policy document (jsonencode with an unknown value?)"
		}
		fx.warn("unknown-policy", r.Address, "policy document %s cannot be read: %s", key, why)
		return nil, false, true
	}
	return out, true, true
}

// parsedDoc is iam.Parse of one document text.
type parsedDoc struct {
	p    *iam.Policy
	errs []error
}

// parseDoc reads a policy document's statements, warning at origin for
// what is invalid. Each distinct text is parsed once: replicated stacks
// repeat their documents (221 distinct texts in 990 reads on the 10k
// for_each plan, 4 in 720 on the community one), and a policy attached to
// several roles is read once per attachment. The parsed statements are
// shared; nothing changes them in place.
func (fx *facts) parseDoc(origin, doc string, fromUnknown bool) []stmt {
	pd, ok := fx.docs[doc]
	if !ok {
		pd.p, pd.errs = iam.Parse([]byte(doc))
		if fx.docs == nil {
			fx.docs = map[string]parsedDoc{}
		}
		fx.docs[doc] = pd
	}
	p, errs := pd.p, pd.errs
	for _, e := range errs {
		fx.warn("invalid-policy", origin, "%v", e)
	}
	if p == nil {
		return nil
	}
	out := make([]stmt, 0, len(p.Statements))
	for _, s := range p.Statements {
		out = append(out, normStatement(origin, s, fromUnknown))
	}
	return out
}

// dataDocument returns the statements of an aws_iam_policy_document data
// source: from its json when known, else rebuilt from after.statement with
// unknown resources resolved through configuration references.
func (fx *facts) dataDocument(r *res, origin string) ([]stmt, bool) {
	if doc := getStr(r.Values, "json"); doc != "" {
		return fx.parseDoc(origin, doc, false), true
	}
	blocks := getBlocks(r.Values, "statement")
	if len(blocks) == 0 && !unknownAt(r.Unknown, "statement") && len(getStrings(r.Values, "source_policy_documents")) == 0 && len(refsAt(r, "source_policy_documents")) == 0 {
		if _, has := r.Values["statement"]; !has {
			return nil, false
		}
	}
	ub := unknownBlocks(r.Unknown, "statement")
	var cfgBlocks []map[string]any
	_ = cfgBlocks
	var out []stmt
	for i, blk := range blocks {
		var u map[string]any
		if i < len(ub) {
			u = ub[i]
		}
		s := iam.Statement{Index: i, Sid: getStr(blk, "sid"), Effect: getStr(blk, "effect")}
		if s.Effect == "" {
			s.Effect = "Allow"
		}
		s.Actions = getStrings(blk, "actions")
		s.NotActions = getStrings(blk, "not_actions")
		s.Resources = getStrings(blk, "resources")
		s.NotResources = getStrings(blk, "not_resources")
		s.Conditional = len(getBlocks(blk, "condition")) > 0
		for _, p := range getBlocks(blk, "principals") {
			if s.Principal == nil {
				s.Principal = &iam.Principal{}
			}
			ids := getStrings(p, "identifiers")
			switch getStr(p, "type") {
			case "*":
				s.Principal.Wildcard = true
			case "AWS":
				s.Principal.AWS = append(s.Principal.AWS, ids...)
			case "Service":
				s.Principal.Service = append(s.Principal.Service, ids...)
			case "Federated":
				s.Principal.Federated = append(s.Principal.Federated, ids...)
			}
		}
		fromUnknown, unresolvedPart := false, ""
		for _, k := range []string{"resources", "not_resources"} {
			if !unknownAt(u, k) {
				continue
			}
			fromUnknown = true
			addrs := fx.statementRefs(r, i, len(blocks), k)
			if len(addrs) == 0 {
				addrs = []string{UnknownResource}
				unresolvedPart = "statement " + stmtName(s)
				fx.add(Warning{Kind: "unresolved-reference", Address: r.Address, Part: unresolvedPart,
					Message: fmt.Sprintf("%s: %s unknown at plan time and not resolvable (%s); assumed to match the resources of its own module", unresolvedPart, k, fx.localHint())})
			}
			if k == "resources" {
				s.Resources = append(s.Resources, addrs...)
			} else {
				s.NotResources = append(s.NotResources, addrs...)
			}
		}
		if unknownAt(u, "actions") || unknownAt(u, "not_actions") {
			fx.warn("unresolved-reference", r.Address, "statement %s: actions unknown at plan time; not analysed", stmtName(s))
			continue
		}
		ns := normStatement(origin, s, fromUnknown)
		ns.scope = r.Module
		if unresolvedPart != "" {
			ns.Document, ns.Part = r.Address, unresolvedPart
		}
		out = append(out, ns)
	}
	for _, k := range []string{"source_policy_documents", "override_policy_documents", "source_json", "override_json"} {
		for _, doc := range getStrings(r.Values, k) {
			out = append(out, fx.parseDoc(origin, doc, false)...)
		}
		if unknownAt(r.Unknown, k) {
			ts, _ := fx.ix.resolve(r.Module, refsAt(r, k))
			for _, t := range ts {
				if tr := fx.ix.byAddr[t.Addr]; tr != nil && tr.Type == "aws_iam_policy_document" && tr != r {
					st, _ := fx.dataDocument(tr, origin)
					out = append(out, st...)
				}
			}
		}
	}
	return out, true
}

func stmtName(s iam.Statement) string {
	if s.Sid != "" {
		return s.Sid
	}
	return "#" + strconv.Itoa(s.Index)
}

// statementRefs resolves the references of statement block i's attribute k.
// Blocks are aligned by position when the configuration has as many static
// blocks as the plan; otherwise (dynamic blocks) all blocks' references are
// used, which over-approximates.
func (fx *facts) statementRefs(r *res, i, n int, k string) []string {
	var static []map[string]*tfjson.Expression
	if r.Config != nil {
		if e := r.Config.Expressions["statement"]; e != nil && e.ExpressionData != nil {
			static = e.NestedBlocks
		}
	}
	var refs []string
	switch {
	case len(static) == n && n > 0:
		if x := static[i][k]; x != nil && x.ExpressionData != nil {
			refs = x.References
		}
	case r.src != nil:
		// Dynamic statement blocks are not in the plan's configuration: the
		// sources place block i among them (for_each keys in order).
		refs, _ = r.src.Attribute(configPath(r.Module), r.key(), indexSuffix(r.Address), "statement["+strconv.Itoa(i)+"]", k)
	default:
		for _, blk := range static {
			if x := blk[k]; x != nil && x.ExpressionData != nil {
				refs = append(refs, x.References...)
			}
		}
	}
	ts, _ := fx.ix.resolve(r.Module, refs)
	return targetAddrs(ts)
}

// targetAddrs are the addresses a statement resource resolved to: a
// database's managed master secret stands as the database's secret.
func targetAddrs(ts []target) []string {
	var out []string
	for _, t := range ts {
		if strings.HasPrefix(t.Attr, "master_user_secret") {
			out = append(out, t.Addr+MasterSecretSuffix)
			continue
		}
		out = append(out, t.Addr)
	}
	return sortedUnique(out)
}

// assumeFromRefs builds conservative statements for a policy document that
// is unknown at plan time: whatever notable object its configuration
// references (a DB secret, a database, a function) is assumed to be granted
// the notable action for that object. The statements are FromUnknown, so
// every path through them is marked as resting on an unresolved link.
func (fx *facts) assumeFromRefs(r *res, origin string, ts []target) ([]stmt, string) {
	var out []stmt
	var what []string
	add := func(action []string, resource string) {
		s := iam.Statement{Index: len(out), Sid: "assumed", Effect: "Allow", Actions: action, Resources: []string{resource}}
		ns := normStatement(origin, s, true)
		ns.scope = r.Module
		ns.assumed = true
		out = append(out, ns)
		what = append(what, strings.Join(action, ", ")+" on "+resource)
	}
	for _, t := range ts {
		tr := fx.ix.byAddr[t.Addr]
		if tr == nil || tr == r {
			continue
		}
		switch {
		case (tr.Type == "aws_rds_cluster" || tr.Type == "aws_db_instance") && strings.HasPrefix(t.Attr, "master_user_secret"):
			add([]string{iam.ActionSecretRead}, t.Addr+MasterSecretSuffix)
		case tr.Type == "aws_rds_cluster" || tr.Type == "aws_db_instance":
			add([]string{"rds-data:*", iam.ActionDBConnect}, t.Addr)
		case tr.Type == "aws_secretsmanager_secret":
			add([]string{iam.ActionSecretRead}, t.Addr)
		case tr.Type == "aws_lambda_function":
			add([]string{iam.ActionInvoke}, t.Addr)
		default:
			if action := hopActionOn(tr.Type); action != "" {
				add([]string{action}, t.Addr)
			}
		}
	}
	return out, strings.Join(what, "; ")
}
