package source

import (
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// The model asks for references as Terraform writes them in a plan's
// configuration ("aws_subnet.a[0].id", "var.x", "module.m.out",
// "local.y"), and follows them itself. What this file adds is what the plan
// does not carry: the expressions of locals and of dynamic blocks.
//
// References are "may be one of" sets: every value an expression can take
// contributes (both arms of a conditional, every argument of try, coalesce,
// concat, one, ...). The model keeps only those that name instances present
// in the plan, so a count = 0 arm drops out there.

// Local returns the references of local.name in the module at call path.
func (c *Config) Local(path, name string) ([]string, bool) {
	m := c.Module(path)
	if m == nil {
		return nil, false
	}
	e, ok := m.Locals[name]
	if !ok {
		return nil, false
	}
	return m.cached("local\x00"+name, func() []string { return valueRefs(e, nil) }), true
}

// Block returns the references of an attribute inside a resource's
// (possibly dynamic, possibly nested) blocks: path is the block names then
// the attribute, e.g. ("vpc_config", "subnet_ids"). A dynamic block's
// iterator (vpc_config.value) stands for its for_each expression.
func (c *Config) Block(path, resKey string, attrPath ...string) ([]string, bool) {
	m, r := c.resource(path, resKey)
	if r == nil || len(attrPath) == 0 {
		return nil, false
	}
	key := "block\x00" + resKey + "\x00" + strings.Join(attrPath, ".")
	found := false
	refs := m.cached(key, func() []string {
		var out []string
		found = blockRefs(r.body, attrPath, nil, &out)
		if found && out == nil {
			out = []string{}
		}
		return out
	})
	return refs, refs != nil
}

// resource finds a resource block of the module at a call path.
func (c *Config) resource(path, resKey string) (*Module, *Resource) {
	m := c.Module(path)
	if m == nil {
		return nil, nil
	}
	return m, m.Resources[resKey]
}

// cached computes a query once per module source (shared by its instances).
func (m *Module) cached(key string, f func() []string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if v, ok := m.memo[key]; ok {
		return v
	}
	v := f()
	m.memo[key] = v
	return v
}

// iterators maps a dynamic block's iterator name to its for_each references.
type iterators map[string][]string

func (it iterators) with(name string, refs []string) iterators {
	out := iterators{name: refs}
	for k, v := range it {
		if k != name {
			out[k] = v
		}
	}
	return out
}

// blockRefs finds attrPath in body (static or dynamic blocks) and appends
// the references of every match. It reports whether any block matched.
func blockRefs(body *hclsyntax.Body, attrPath []string, it iterators, out *[]string) bool {
	if len(attrPath) == 1 {
		a := body.Attributes[attrPath[0]]
		if a == nil {
			return false
		}
		*out = append(*out, valueRefs(a.Expr, it)...)
		return true
	}
	found := false
	for _, blk := range body.Blocks {
		switch {
		case blk.Type == attrPath[0]:
			found = blockRefs(blk.Body, attrPath[1:], it, out) || found
		case blk.Type == "dynamic" && len(blk.Labels) == 1 && blk.Labels[0] == attrPath[0]:
			name, _ := dynamicIterator(blk)
			var each []string
			if a := blk.Body.Attributes["for_each"]; a != nil {
				each = valueRefs(a.Expr, it)
			}
			for _, content := range blk.Body.Blocks {
				if content.Type == "content" {
					found = blockRefs(content.Body, attrPath[1:], it.with(name, each), out) || found
				}
			}
		}
	}
	return found
}

// boolOrNumber are functions whose result names no resource.
var boolOrNumber = map[string]bool{
	"length": true, "contains": true, "can": true, "anytrue": true, "alltrue": true,
	"min": true, "max": true, "sum": true, "signum": true, "abs": true, "ceil": true, "floor": true,
	"startswith": true, "endswith": true, "strcontains": true, "index": true, "cidrcontains": true,
}

// valueRefs lists the references that may supply the value of e. Parts that
// only decide between values (conditions, comparisons, lengths) are left
// out: they name no target.
func valueRefs(e hclsyntax.Expression, it iterators) []string {
	var out []string
	var walk func(e hclsyntax.Expression, scope map[string]bool)
	add := func(t hcl.Traversal, scope map[string]bool) {
		root := t.RootName()
		if scope[root] {
			return // a for-expression's own variable
		}
		if refs, ok := it[root]; ok {
			out = append(out, refs...)
			return
		}
		if s := traversalString(t); s != "" {
			out = append(out, s)
		}
	}
	walk = func(e hclsyntax.Expression, scope map[string]bool) {
		switch x := e.(type) {
		case nil:
		case *hclsyntax.ScopeTraversalExpr:
			add(x.Traversal, scope)
		case *hclsyntax.RelativeTraversalExpr:
			walk(x.Source, scope)
		case *hclsyntax.IndexExpr:
			walk(x.Collection, scope)
		case *hclsyntax.SplatExpr:
			walk(x.Source, scope)
		case *hclsyntax.ParenthesesExpr:
			walk(x.Expression, scope)
		case *hclsyntax.ConditionalExpr:
			walk(x.TrueResult, scope)
			walk(x.FalseResult, scope)
		case *hclsyntax.FunctionCallExpr:
			if boolOrNumber[x.Name] {
				return
			}
			for _, a := range x.Args {
				walk(a, scope)
			}
		case *hclsyntax.TupleConsExpr:
			for _, a := range x.Exprs {
				walk(a, scope)
			}
		case *hclsyntax.ObjectConsExpr:
			for _, item := range x.Items {
				walk(item.ValueExpr, scope)
			}
		case *hclsyntax.TemplateExpr:
			for _, p := range x.Parts {
				walk(p, scope)
			}
		case *hclsyntax.TemplateWrapExpr:
			walk(x.Wrapped, scope)
		case *hclsyntax.TemplateJoinExpr:
			walk(x.Tuple, scope)
		case *hclsyntax.ForExpr:
			inner := map[string]bool{x.KeyVar: x.KeyVar != "", x.ValVar: true}
			for k := range scope {
				inner[k] = true
			}
			walk(x.CollExpr, scope)
			walk(x.ValExpr, inner)
		case *hclsyntax.BinaryOpExpr, *hclsyntax.UnaryOpExpr, *hclsyntax.LiteralValueExpr, *hclsyntax.AnonSymbolExpr:
			// booleans, numbers and constants name nothing
		default:
			for _, t := range e.Variables() {
				add(t, scope)
			}
		}
	}
	walk(e, nil)
	return dedup(out)
}

// traversalString writes a traversal the way plan JSON writes references.
func traversalString(t hcl.Traversal) string {
	var b strings.Builder
	for _, step := range t {
		switch s := step.(type) {
		case hcl.TraverseRoot:
			b.WriteString(s.Name)
		case hcl.TraverseAttr:
			b.WriteString(".")
			b.WriteString(s.Name)
		case hcl.TraverseIndex:
			switch {
			case !s.Key.IsKnown() || s.Key.IsNull():
				return b.String()
			case s.Key.Type() == cty.String:
				b.WriteString("[" + strconv.Quote(s.Key.AsString()) + "]")
			case s.Key.Type() == cty.Number:
				b.WriteString("[" + s.Key.AsBigFloat().Text('f', -1) + "]")
			default:
				return b.String()
			}
		default:
			return b.String()
		}
	}
	return b.String()
}

func dedup(in []string) []string {
	if len(in) < 2 {
		return in
	}
	seen := make(map[string]bool, len(in))
	out := in[:0]
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
