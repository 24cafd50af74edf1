package model

import (
	"strings"

	"github.com/letsleep/letsleep/internal/iam"
	"github.com/letsleep/letsleep/internal/tfaddr"
)

// documentSources is what a source reader offers when it can evaluate a
// policy attribute written as jsonencode of locals (source.Config does):
// the document with a marker (tfaddr.Marker) for each value only apply
// can know, and the reference each marker stands for.
type documentSources interface {
	Document(path string, keys []string, resKey, instance, attr string) (string, []tfaddr.ScopedRef, bool)
	BlockDocument(path string, keys []string, resKey, instance, blockType, name, attr string) (string, []tfaddr.ScopedRef, bool)
}

// docFetch asks the sources for one document of an instance (module call
// path, call keys, resource key and own index).
type docFetch func(ds documentSources, path string, keys []string, resKey, instance string) (string, []tfaddr.ScopedRef, bool)

// sourceDocument reads the statements of r's policy attribute attr, unknown
// in the plan, by evaluating its expression in the sources. Statement
// resources that stand for references are resolved like a data source's
// unknown resources; a marker anywhere else (an action, a principal, a
// condition) gives the document up, so the reference sets decide.
func (fx *facts) sourceDocument(r *res, attr, origin string) ([]stmt, bool) {
	return fx.sourceDocumentWith(r, origin, func(ds documentSources, path string, keys []string, resKey, instance string) (string, []tfaddr.ScopedRef, bool) {
		return ds.Document(path, keys, resKey, instance, attr)
	})
}

// sourceInlineBlock is sourceDocument for the policy of r's inline_policy
// block called name (an aws_iam_role's inline_policy { ... }).
func (fx *facts) sourceInlineBlock(r *res, name, origin string) ([]stmt, bool) {
	return fx.sourceDocumentWith(r, origin, func(ds documentSources, path string, keys []string, resKey, instance string) (string, []tfaddr.ScopedRef, bool) {
		return ds.BlockDocument(path, keys, resKey, instance, "inline_policy", name, "policy")
	})
}

func (fx *facts) sourceDocumentWith(r *res, origin string, fetch docFetch) ([]stmt, bool) {
	ds, ok := fx.ix.src.(documentSources)
	if !ok {
		return nil, false
	}
	segs := fx.ix.segments(r.Module)
	keys := make([]string, len(segs))
	for i, s := range segs {
		keys[i] = indexSuffix(s.instance)
	}
	doc, refs, ok := fetch(ds, fx.ix.configPath(r.Module), keys, r.key(), indexSuffix(r.Address))
	if !ok {
		return nil, false
	}
	p, errs := iam.Parse([]byte(doc))
	if p == nil || len(errs) > 0 {
		return nil, false
	}
	inResources := 0
	for _, s := range p.Statements {
		for _, x := range append(append([]string(nil), s.Resources...), s.NotResources...) {
			inResources += tfaddr.MarkerCount(x)
		}
	}
	if inResources != tfaddr.MarkerCount(doc) {
		return nil, false
	}
	out := make([]stmt, 0, len(p.Statements))
	for _, s := range p.Statements {
		var lost []string
		var fromUnknown bool
		s.Resources, fromUnknown = fx.markedResources(s.Resources, refs, &lost)
		var notUnknown bool
		s.NotResources, notUnknown = fx.markedResources(s.NotResources, refs, &lost)
		ns := normStatement(origin, s, fromUnknown || notUnknown)
		ns.scope = r.Module
		if len(lost) > 0 {
			part := "statement " + stmtName(s)
			ns.Document, ns.Part = r.Address, part
			fx.add(Warning{Kind: "unresolved-reference", Address: r.Address, Part: part,
				Message: part + ": resources " + strings.Join(lost, ", ") + " unknown at plan time and not resolvable through the sources; assumed to match the resources of its own module"})
		}
		out = append(out, ns)
	}
	return out, true
}

// markedResources replaces each entry of list that holds markers by the
// addresses its references resolve to (UnknownResource when none). An ARN
// built around a reference ("${table.arn}/index/*") stands for the
// resource itself. fromUnknown reports whether any entry held a marker.
func (fx *facts) markedResources(list []string, refs []tfaddr.ScopedRef, lost *[]string) ([]string, bool) {
	var out []string
	fromUnknown := false
	for _, x := range list {
		marks := tfaddr.Markers(x)
		if len(marks) == 0 {
			out = append(out, x)
			continue
		}
		fromUnknown = true
		var addrs []string
		for _, i := range marks {
			if i < 0 || i >= len(refs) {
				continue
			}
			ts, _ := fx.ix.resolve(refs[i].Module, []string{refs[i].Ref})
			got := targetAddrs(ts)
			if len(got) == 0 {
				*lost = append(*lost, refs[i].Ref)
			}
			addrs = append(addrs, got...)
		}
		if len(addrs) == 0 {
			addrs = []string{UnknownResource}
		}
		out = append(out, addrs...)
	}
	return sortedUnique(out), fromUnknown
}
