package source

import (
	"strconv"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/letsleep/letsleep/internal/tfaddr"
)

// Narrowed reading: where valueRefs gives every reference an expression
// may take its value from, a selector asks for one part of that value (a
// map key, an attribute, a list element), and the instance's own each.key,
// count.index or dynamic-block key picks one element of a for_each. So
// routes["GET /x"].integration.uri of
//
//	routes = { "GET /x" = { integration = { uri = module.hot.arn } }, ... }
//
// names module.hot.arn alone, not every route's function. Whatever cannot be
// narrowed (a key computed at apply time, an unknown function) widens to
// the whole value, as valueRefs does: never fewer targets than the truth.

// maxSelectDepth bounds how deep narrowing follows locals and bindings.
const maxSelectDepth = 24

// binding is what a name in scope stands for: an iteration's element (the
// expression iterated, narrowed by the element's key) and that key.
type binding struct {
	coll  hclsyntax.Expression
	sel   []string // steps that pick the element out of coll
	key   string   // the element's key, tfaddr.Any when unknown
	outer *scope   // the scope coll is read in
	// iter: the name is an object with key and value (each, a dynamic
	// block's iterator, count), not the element itself (a for variable).
	iter bool
}

// scope is where an expression is read: its module (for locals) and the
// names bound by for_each, dynamic blocks and for expressions.
type scope struct {
	m    *Module
	c    *Config // with path, to follow var.x to the caller for keys
	path string
	// names: each, count, iterator names, for variables, each once. A
	// short slice, not a map: a scope is made per resource instance and
	// holds one to three names, and a map per scope was most of the bytes
	// that narrowing allocated.
	names []namedBinding
	// keyOnly names bound to a key alone (a for expression's key variable).
	keyOnly map[string]string
}

type namedBinding struct {
	name string
	binding
}

func (s *scope) with(name string, b binding) *scope {
	names := make([]namedBinding, 0, len(s.names)+1)
	for _, nb := range s.names {
		if nb.name != name {
			names = append(names, nb)
		}
	}
	return &scope{m: s.m, c: s.c, path: s.path, names: append(names, namedBinding{name, b}), keyOnly: s.keyOnly}
}

// bound is the binding of name, if the scope binds it.
func (s *scope) bound(name string) (binding, bool) {
	for _, nb := range s.names {
		if nb.name == name {
			return nb.binding, true
		}
	}
	return binding{}, false
}

func (s *scope) withKey(name, key string) *scope {
	out := &scope{m: s.m, c: s.c, path: s.path, names: s.names, keyOnly: map[string]string{name: key}}
	for k, v := range s.keyOnly {
		if k != name {
			out.keyOnly[k] = v
		}
	}
	return out
}

// narrow appends to out the references that may supply the part sel of
// the value of e, read in sc. References leave as plan JSON writes them,
// with the remaining steps appended (var.routes["GET /x"].integration).
func narrow(e hclsyntax.Expression, sc *scope, sel []string, depth int, out *[]string) {
	if depth > maxSelectDepth {
		*out = append(*out, valueRefs(e, nil)...)
		return
	}
	switch x := e.(type) {
	case nil:
	case *hclsyntax.ScopeTraversalExpr:
		narrowTraversal(x.Traversal, sc, sel, depth, out)
	case *hclsyntax.RelativeTraversalExpr:
		steps, ok := traversalSteps(x.Traversal)
		if !ok {
			narrow(x.Source, sc, nil, depth+1, out)
			return
		}
		narrow(x.Source, sc, append(steps, sel...), depth+1, out)
	case *hclsyntax.IndexExpr:
		narrow(x.Collection, sc, append([]string{keyOf(x.Key, sc)}, sel...), depth+1, out)
	case *hclsyntax.SplatExpr:
		narrow(x.Source, sc, []string{tfaddr.Any}, depth+1, out)
	case *hclsyntax.ParenthesesExpr:
		narrow(x.Expression, sc, sel, depth+1, out)
	case *hclsyntax.ConditionalExpr:
		narrowConditional(x, sc, sel, depth, out)
	case *hclsyntax.ObjectConsExpr:
		narrowObject(x, sc, sel, depth, out)
	case *hclsyntax.TupleConsExpr:
		for i, item := range x.Exprs {
			if len(sel) == 0 || sel[0] == tfaddr.Any || sel[0] == strconv.Itoa(i) {
				narrow(item, sc, rest(sel), depth+1, out)
			} else if !isIndex(sel[0]) {
				narrow(item, sc, sel, depth+1, out) // not a list index: keep widening
			}
		}
	case *hclsyntax.ForExpr:
		narrowFor(x, sc, sel, depth, out)
	case *hclsyntax.FunctionCallExpr:
		narrowCall(x, sc, sel, depth, out)
	case *hclsyntax.TemplateExpr:
		for _, p := range x.Parts {
			narrow(p, sc, nil, depth+1, out)
		}
	case *hclsyntax.TemplateWrapExpr:
		narrow(x.Wrapped, sc, sel, depth+1, out)
	case *hclsyntax.TemplateJoinExpr:
		narrow(x.Tuple, sc, nil, depth+1, out)
	case *hclsyntax.BinaryOpExpr, *hclsyntax.UnaryOpExpr, *hclsyntax.LiteralValueExpr, *hclsyntax.AnonSymbolExpr:
		// booleans, numbers and constants name nothing
	default:
		for _, t := range e.Variables() {
			narrowTraversal(t, sc, nil, depth, out)
		}
	}
}

func rest(sel []string) []string {
	if len(sel) == 0 {
		return nil
	}
	return sel[1:]
}

func isIndex(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}

// narrowTraversal reads a name: an iteration binding, a local (followed in
// the same module), or a reference that leaves for the model (var, module,
// resource, data), with the selector appended.
func narrowTraversal(t hcl.Traversal, sc *scope, sel []string, depth int, out *[]string) {
	root := t.RootName()
	steps, ok := traversalSteps(t[1:])
	if !ok {
		sel = nil // an index not known here: the rest of the path is not either
	}
	if _, isKey := sc.keyOnly[root]; isKey {
		return // a for expression's key names nothing
	}
	if b, bound := sc.bound(root); bound {
		if b.iter {
			// each.value / iterator.value is the element; .key and
			// count.index name nothing.
			if len(steps) == 0 || steps[0] != "value" || b.coll == nil {
				return
			}
			steps = steps[1:]
		}
		narrow(b.coll, b.outer, join(b.sel, steps, sel), depth+1, out)
		return
	}
	if root == "local" && len(steps) > 0 && sc.m != nil {
		if e, found := sc.m.Locals[steps[0]]; found {
			narrow(e, &scope{m: sc.m, c: sc.c, path: sc.path}, join(steps[1:], sel), depth+1, out)
			return
		}
	}
	switch root {
	case "each", "count", "path", "terraform", "self":
		return
	}
	if s := tfaddr.Ref(join([]string{root}, steps, sel)); s != "" {
		*out = append(*out, s)
	}
}

func join(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// traversalSteps lists attribute names and constant keys; ok is false at
// the first step that is neither.
func traversalSteps(t hcl.Traversal) ([]string, bool) {
	var out []string
	for _, step := range t {
		switch s := step.(type) {
		case hcl.TraverseAttr:
			out = append(out, s.Name)
		case hcl.TraverseIndex:
			k, ok := ctyKey(s.Key)
			if !ok {
				return out, false
			}
			out = append(out, k)
		case hcl.TraverseSplat:
			return append(out, tfaddr.Any), true
		default:
			return out, false
		}
	}
	return out, true
}

func ctyKey(v cty.Value) (string, bool) {
	switch {
	case !v.IsKnown() || v.IsNull():
		return "", false
	case v.Type() == cty.String:
		return v.AsString(), true
	case v.Type() == cty.Number:
		return v.AsBigFloat().Text('f', -1), true
	}
	return "", false
}

// keyOf is the value of an index expression when it is a constant or the
// key of an element being iterated (each.key, count.index, a for key
// variable, iterator.key), else tfaddr.Any.
func keyOf(e hclsyntax.Expression, sc *scope) string {
	if v, diags := e.Value(nil); !diags.HasErrors() {
		if k, ok := ctyKey(v); ok {
			return k
		}
	}
	t, ok := e.(*hclsyntax.ScopeTraversalExpr)
	if !ok {
		return tfaddr.Any
	}
	root := t.Traversal.RootName()
	if k, ok := sc.keyOnly[root]; ok {
		return k
	}
	steps, _ := traversalSteps(t.Traversal[1:])
	if b, ok := sc.bound(root); ok && len(steps) == 1 && (steps[0] == "key" || (root == "count" && steps[0] == "index")) {
		return b.key
	}
	return tfaddr.Any
}

// narrowObject picks the item named by the first step; without a step,
// or when the key is not constant, every item may be it.
func narrowObject(x *hclsyntax.ObjectConsExpr, sc *scope, sel []string, depth int, out *[]string) {
	if len(sel) == 0 || sel[0] == tfaddr.Any {
		for _, item := range x.Items {
			narrow(item.ValueExpr, sc, rest(sel), depth+1, out)
		}
		return
	}
	keys := sc.c.objectItems(x)
	if i, ok := keys[sel[0]]; ok {
		narrow(x.Items[i].ValueExpr, sc, sel[1:], depth+1, out)
		return
	}
	for i, item := range x.Items {
		if _, ok := objectKey(item.KeyExpr); !ok {
			narrow(x.Items[i].ValueExpr, sc, sel[1:], depth+1, out) // a computed key may be it
		}
	}
}

// objectItems maps the constant keys of an object literal to their item,
// computed once per literal. The first item of a key wins, as in HCL.
func (c *Config) objectItems(x *hclsyntax.ObjectConsExpr) map[string]int {
	build := func() map[string]int {
		keys := make(map[string]int, len(x.Items))
		for i, item := range x.Items {
			if k, ok := objectKey(item.KeyExpr); ok {
				if _, dup := keys[k]; !dup {
					keys[k] = i
				}
			}
		}
		return keys
	}
	if c == nil {
		return build()
	}
	if v, ok := c.itemsByKey.Load(x); ok {
		return v.(map[string]int)
	}
	v, _ := c.itemsByKey.LoadOrStore(x, build())
	return v.(map[string]int)
}

// objectKey is the constant key of an object item: a bare name or a
// constant string.
func objectKey(e hclsyntax.Expression) (string, bool) {
	if k, ok := e.(*hclsyntax.ObjectConsKeyExpr); ok {
		if name := hcl.ExprAsKeyword(k.Wrapped); name != "" && !k.ForceNonLiteral {
			return name, true
		}
		e = k.Wrapped
	}
	v, diags := e.Value(nil)
	if diags.HasErrors() {
		return "", false
	}
	return ctyKey(v)
}

// narrowFor reads {for k, v in coll : k => f(v)}: element K of the result
// is f(coll[K]) when the result is keyed by the collection's own key.
// Otherwise every element may be it.
func narrowFor(x *hclsyntax.ForExpr, sc *scope, sel []string, depth int, out *[]string) {
	key := tfaddr.Any
	if len(sel) > 0 && x.KeyExpr != nil && x.KeyVar != "" {
		if t, ok := x.KeyExpr.(*hclsyntax.ScopeTraversalExpr); ok && len(t.Traversal) == 1 && t.Traversal.RootName() == x.KeyVar {
			key = sel[0]
		}
	}
	inner := sc.with(x.ValVar, binding{coll: x.CollExpr, sel: []string{key}, key: key, outer: sc})
	if x.KeyVar != "" {
		inner = inner.withKey(x.KeyVar, key)
	}
	narrow(x.ValExpr, inner, rest(sel), depth+1, out)
}

// passThrough are functions whose result is one of their arguments, or
// merges them, so a key of the result is that key of an argument.
var passThrough = map[string]bool{
	"try": true, "coalesce": true, "merge": true, "one": true, "tomap": true, "toobject": true,
	"coalescelist": true, "nonsensitive": true, "sensitive": true,
}

// elementwise are functions whose elements are elements of their
// arguments, in an order a list index cannot follow.
var elementwise = map[string]bool{
	"concat": true, "flatten": true, "tolist": true, "toset": true, "compact": true, "distinct": true,
	"values": true, "element": true, "slice": true, "reverse": true, "sort": true, "setunion": true,
}

func narrowCall(x *hclsyntax.FunctionCallExpr, sc *scope, sel []string, depth int, out *[]string) {
	switch {
	case boolOrNumber[x.Name]:
		return
	case x.Name == "lookup" && len(x.Args) >= 2:
		narrow(x.Args[0], sc, append([]string{keyOf(x.Args[1], sc)}, sel...), depth+1, out)
		for _, a := range x.Args[2:] {
			narrow(a, sc, sel, depth+1, out)
		}
		return
	case passThrough[x.Name]:
	case elementwise[x.Name]:
		if len(sel) > 0 && isIndex(sel[0]) {
			sel = append([]string{tfaddr.Any}, sel[1:]...)
		}
	default:
		sel = nil // jsonencode, format, ...: the value is built from every argument
	}
	for _, a := range x.Args {
		narrow(a, sc, sel, depth+1, out)
	}
}
