package source

import (
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/letsleep/letsleep/internal/tfaddr"
)

// A conditional is read as "may be one of" its arms only when its
// condition cannot be decided. Per instance, a condition such as
// each.value.role == "control" often can: the for_each map is written out
// in a local of literals, so each.value.role is known for the instance's
// key. decide evaluates such a condition; what it cannot read as a
// constant (a value known only after apply, a function call) leaves it
// undecided, and both arms stay.

// Guess prefixes the reference the sources add where a conditional could
// not be decided and its arms name different things: the model reads it
// as "one of these, not all of them" (model.ApproxMarker is the same).
const Guess = "~approx:"

// decide evaluates the condition of a conditional in sc; ok is false
// when it is not a known boolean.
func decide(cond hclsyntax.Expression, sc *scope, depth int) (bool, bool) {
	v, ok := constValue(cond, sc, nil, depth)
	if !ok || !v.IsKnown() || v.IsNull() || v.Type() != cty.Bool {
		return false, false
	}
	return v.True(), true
}

// constValue is the value of part sel of e, read in sc, when the sources
// write it out as constants.
func constValue(e hclsyntax.Expression, sc *scope, sel []string, depth int) (cty.Value, bool) {
	if depth > maxSelectDepth || e == nil {
		return cty.NilVal, false
	}
	switch x := e.(type) {
	case *hclsyntax.ScopeTraversalExpr:
		return constTraversal(x.Traversal, sc, sel, depth)
	case *hclsyntax.ParenthesesExpr:
		return constValue(x.Expression, sc, sel, depth+1)
	case *hclsyntax.ObjectConsExpr:
		if len(sel) > 0 && sel[0] != tfaddr.Any {
			if i, ok := sc.c.objectItems(x)[sel[0]]; ok {
				return constValue(x.Items[i].ValueExpr, sc, sel[1:], depth+1)
			}
			return cty.NilVal, false
		}
	case *hclsyntax.TupleConsExpr:
		if len(sel) > 0 {
			if i, err := strconv.Atoi(sel[0]); err == nil && i >= 0 && i < len(x.Exprs) {
				return constValue(x.Exprs[i], sc, sel[1:], depth+1)
			}
			return cty.NilVal, false
		}
	case *hclsyntax.ConditionalExpr:
		pick, ok := decide(x.Condition, sc, depth+1)
		if !ok {
			return cty.NilVal, false
		}
		if pick {
			return constValue(x.TrueResult, sc, sel, depth+1)
		}
		return constValue(x.FalseResult, sc, sel, depth+1)
	case *hclsyntax.BinaryOpExpr:
		l, okL := constValue(x.LHS, sc, nil, depth+1)
		r, okR := constValue(x.RHS, sc, nil, depth+1)
		if !okL || !okR || len(sel) > 0 {
			return cty.NilVal, false
		}
		return known(x.Op.Impl.Call([]cty.Value{l, r}))
	case *hclsyntax.UnaryOpExpr:
		v, ok := constValue(x.Val, sc, nil, depth+1)
		if !ok || len(sel) > 0 {
			return cty.NilVal, false
		}
		return known(x.Op.Impl.Call([]cty.Value{v}))
	}
	if len(e.Variables()) > 0 {
		return cty.NilVal, false
	}
	v, diags := e.Value(nil)
	if diags.HasErrors() {
		return cty.NilVal, false
	}
	return indexConst(v, sel)
}

func known(v cty.Value, err error) (cty.Value, bool) {
	if err != nil || !v.IsWhollyKnown() {
		return cty.NilVal, false
	}
	return v, true
}

// constTraversal reads a name as a constant: an instance's key or index,
// an element of what it iterates, or a local.
func constTraversal(t hcl.Traversal, sc *scope, sel []string, depth int) (cty.Value, bool) {
	steps, ok := traversalSteps(t[1:])
	if !ok {
		return cty.NilVal, false
	}
	steps = join(steps, sel)
	root := t.RootName()
	if b, bound := sc.bound(root); bound && b.iter && len(steps) > 0 {
		switch {
		case steps[0] == "value" && b.coll != nil:
			return constValue(b.coll, b.outer, join(b.sel, steps[1:]), depth+1)
		case len(steps) == 1 && b.key != tfaddr.Any && root == "count" && steps[0] == "index":
			n, err := strconv.Atoi(b.key)
			return cty.NumberIntVal(int64(n)), err == nil
		case len(steps) == 1 && b.key != tfaddr.Any && steps[0] == "key":
			return cty.StringVal(b.key), true
		}
		return cty.NilVal, false
	}
	if root == "var" && len(steps) > 0 {
		return constVariable(sc, steps[0], steps[1:], depth)
	}
	if root == "local" && len(steps) > 0 && sc.m != nil {
		if e, found := sc.m.Locals[steps[0]]; found {
			return constValue(e, &scope{m: sc.m, c: sc.c, path: sc.path}, steps[1:], depth+1)
		}
	}
	return cty.NilVal, false
}

// narrowConditional reads the arm the condition picks for this instance.
// Undecided, both arms may supply the value; when both name something, a
// Guess reference says the value is one of them, not all, and why.
func narrowConditional(x *hclsyntax.ConditionalExpr, sc *scope, sel []string, depth int, out *[]string) {
	if pick, ok := decide(x.Condition, sc, depth+1); ok {
		arm := x.FalseResult
		if pick {
			arm = x.TrueResult
		}
		narrow(arm, sc, sel, depth+1, out)
		return
	}
	var t, f []string
	narrow(x.TrueResult, sc, sel, depth+1, &t)
	narrow(x.FalseResult, sc, sel, depth+1, &f)
	*out = append(append(*out, t...), f...)
	if len(t) > 0 && len(f) > 0 {
		why := " could not be evaluated for this instance"
		if !dependsOnInstance(x.Condition) {
			why = " could not be evaluated from the sources and the plan's variables"
		}
		*out = append(*out, Guess+conditionText(x.Condition)+why)
	}
}

// dependsOnInstance: the condition reads each or count, so its instances
// may take different arms. One that does not is the same for every
// instance; undecided, it is still a guess, unless the plan's instances
// leave one arm naming nothing (count = 0), which the model checks.
func dependsOnInstance(cond hclsyntax.Expression) bool {
	for _, t := range cond.Variables() {
		if r := t.RootName(); r == "each" || r == "count" {
			return true
		}
	}
	return false
}

// conditionText names a condition by what it reads and where it is
// written: the condition on each.value.role (main.tf:324).
func conditionText(cond hclsyntax.Expression) string {
	var names []string
	for _, t := range cond.Variables() {
		if s := traversalString(t); s != "" {
			names = append(names, s)
		}
	}
	rg := cond.Range()
	where := filepath.Base(rg.Filename) + ":" + strconv.Itoa(rg.Start.Line)
	if len(names) == 0 {
		return "the condition at " + where
	}
	return "the condition on " + strings.Join(dedup(names), ", ") + " (" + where + ")"
}
