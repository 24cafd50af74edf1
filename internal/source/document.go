package source

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/letsleep/letsleep/internal/tfaddr"
)

// A policy written as jsonencode({ Statement = concat(local.common, ...) })
// is unknown in the plan as soon as one ARN in it is (a module output, a
// managed secret). Its references alone say what it touches, not what it
// grants; evaluating the expression says both. Document evaluates it with
// hcl and go-cty's functions, following locals, the callers' arguments for
// variables and the instance's each/count, and writes every value that only
// apply can know (a resource's or a module's attribute) as a marker naming
// the reference, for the model to resolve like any other.

const (
	// evalBudget bounds the expressions evaluated for one document, so a
	// pathological configuration cannot hang the run.
	evalBudget = 20000
)

// Document evaluates attribute attr of one resource instance to a string
// (a policy document): path is the module's call path ("fn.lambda"), keys
// the index of each call's instance as the address writes it (`["api"]`,
// ""), instance the resource's own index. ok is false when any part cannot
// be evaluated (an unknown function, a root variable without default, a
// splat over a resource): the caller then keeps its reference sets.
func (c *Config) Document(path string, keys []string, resKey, instance, attr string) (doc string, refs []tfaddr.ScopedRef, ok bool) {
	return c.document(path, keys, resKey, instance, func(_ *docEval, body *hclsyntax.Body, _ int, _ map[string]cty.Value) hclsyntax.Expression {
		return attrExpr(body, attr)
	})
}

// BlockDocument is Document for attribute attr of the nested block of type
// blockType whose name attribute is name, e.g. the policy of an
// aws_iam_role's inline_policy { name = "app" policy = jsonencode(...) }.
// Only blocks written out are read: a dynamic block of that type, or
// several static blocks of which none has that name, give ok false.
func (c *Config) BlockDocument(path string, keys []string, resKey, instance, blockType, name, attr string) (doc string, refs []tfaddr.ScopedRef, ok bool) {
	return c.document(path, keys, resKey, instance, func(ev *docEval, body *hclsyntax.Body, level int, iter map[string]cty.Value) hclsyntax.Expression {
		var static, dynamic []*hclsyntax.Block
		for _, b := range body.Blocks {
			switch {
			case b.Type == blockType:
				static = append(static, b)
			case b.Type == "dynamic" && len(b.Labels) == 1 && b.Labels[0] == blockType:
				dynamic = append(dynamic, b)
			}
		}
		for _, d := range dynamic {
			if e := ev.dynamicElement(d, level, iter, name, attr); e != nil {
				return e
			}
		}
		if len(dynamic) > 0 && len(static) == 0 {
			return nil
		}
		for _, b := range static {
			e := attrExpr(b.Body, "name")
			if e == nil {
				continue
			}
			if v, err := ev.eval(e, level, iter); err == nil && v.IsKnown() && !v.IsNull() && v.Type().Equals(cty.String) && v.AsString() == name {
				return attrExpr(b.Body, attr)
			}
		}
		if len(static) == 1 && name == "" {
			return attrExpr(static[0].Body, attr)
		}
		return nil
	})
}

// dynamicElement finds the element of a dynamic block whose content's
// name is name, and returns its attr with the block's iterator bound in
// iter (so the caller evaluates it for that element); nil when no element
// can be read or none has that name.
func (ev *docEval) dynamicElement(d *hclsyntax.Block, level int, iter map[string]cty.Value, name, attr string) hclsyntax.Expression {
	var content *hclsyntax.Block
	for _, b := range d.Body.Blocks {
		if b.Type == "content" {
			content = b
		}
	}
	forEach := attrExpr(d.Body, "for_each")
	if content == nil || forEach == nil || attrExpr(content.Body, "name") == nil || attrExpr(content.Body, attr) == nil {
		return nil
	}
	it, ok := dynamicIterator(d)
	if !ok {
		return nil
	}
	coll, err := ev.eval(forEach, level, iter)
	if err != nil || !coll.IsWhollyKnown() || coll.IsNull() || !coll.CanIterateElements() {
		return nil
	}
	for elems := coll.ElementIterator(); elems.Next(); {
		k, v := elems.Element()
		if coll.Type().IsSetType() {
			k = v
		}
		bound := map[string]cty.Value{}
		for n, x := range iter {
			bound[n] = x
		}
		bound[it] = cty.ObjectVal(map[string]cty.Value{"key": k, "value": v})
		got, err := ev.eval(attrExpr(content.Body, "name"), level, bound)
		if err != nil || !got.IsKnown() || got.IsNull() || !got.Type().Equals(cty.String) || got.AsString() != name {
			continue
		}
		for n, x := range bound {
			iter[n] = x // iter is the caller's: the chosen element stays bound
		}
		return attrExpr(content.Body, attr)
	}
	return nil
}

// document evaluates the expression pick chooses in the body of one
// resource instance (see Document).
func (c *Config) document(path string, keys []string, resKey, instance string, pick func(ev *docEval, body *hclsyntax.Body, level int, iter map[string]cty.Value) hclsyntax.Expression) (doc string, refs []tfaddr.ScopedRef, ok bool) {
	var calls []string
	if path != "" {
		calls = strings.Split(path, ".")
	}
	if len(calls) != len(keys) {
		return "", nil, false
	}
	_, r := c.resource(path, resKey)
	if r == nil {
		return "", nil, false
	}
	c.docs.mu.Lock()
	defer c.docs.mu.Unlock()
	ev := &docEval{c: c, st: &c.docs, calls: calls, keys: keys, busy: map[string]bool{}}
	iter, err := ev.instanceIter(attrExpr(r.body, "for_each"), attrExpr(r.body, "count"), len(calls), instance)
	if err != nil {
		return "", nil, false
	}
	if iter == nil {
		iter = map[string]cty.Value{} // pick may bind a dynamic block's iterator
	}
	e := pick(ev, r.body, len(calls), iter)
	if e == nil {
		return "", nil, false
	}
	v, err := ev.eval(e, len(calls), iter)
	if err != nil || !v.IsWhollyKnown() || v.IsNull() || !v.Type().Equals(cty.String) {
		return "", nil, false
	}
	n := len(c.docs.refs)
	return v.AsString(), c.docs.refs[:n:n], true
}

// docState holds, for a whole run, the references markers stand for (a
// marker's number is its position) and the values of locals, variables
// and for_each collections by module instance, failures included.
type docState struct {
	mu    sync.Mutex
	refs  []tfaddr.ScopedRef
	byRef map[tfaddr.ScopedRef]int
	memo  map[string]evaluated
}

type evaluated struct {
	v   cty.Value
	err error
}

type docEval struct {
	c     *Config
	st    *docState
	calls []string
	keys  []string
	busy  map[string]bool // what is being evaluated: a cycle fails
	spent int
}

func (ev *docEval) module(level int) *Module {
	return ev.c.Module(strings.Join(ev.calls[:level], "."))
}

// eval evaluates e in the module at level with the iteration values iter.
func (ev *docEval) eval(e hclsyntax.Expression, level int, iter map[string]cty.Value) (cty.Value, error) {
	if ev.spent++; ev.spent > evalBudget {
		return cty.NilVal, errors.New("evaluation budget spent")
	}
	vars := map[string]cty.Value{}
	byRoot := map[string][]hcl.Traversal{}
	for _, t := range e.Variables() {
		byRoot[t.RootName()] = append(byRoot[t.RootName()], t)
	}
	for root, ts := range byRoot {
		if v, bound := iter[root]; bound && root != "each" && root != "count" {
			vars[root] = v // a dynamic block's iterator
			continue
		}
		var err error
		switch root {
		case "local", "var":
			vars[root], err = ev.named(root, ts, level)
		case "each", "count":
			v, bound := iter[root]
			if !bound {
				return cty.NilVal, fmt.Errorf("%s outside an iteration", root)
			}
			vars[root] = v
		case "path", "terraform", "self":
			return cty.NilVal, fmt.Errorf("%s is not evaluated", root)
		default:
			vars[root], err = ev.marked(hcl.Traversal{hcl.TraverseRoot{Name: root}}, tails(ts), level)
		}
		if err != nil {
			return cty.NilVal, err
		}
	}
	v, diags := e.Value(&hcl.EvalContext{Variables: vars, Functions: functions})
	if diags.HasErrors() {
		return cty.NilVal, diags
	}
	return v, nil
}

// named evaluates the locals or variables that ts use into one object.
func (ev *docEval) named(root string, ts []hcl.Traversal, level int) (cty.Value, error) {
	attrs := map[string]cty.Value{}
	for _, t := range ts {
		if len(t) < 2 {
			return cty.NilVal, fmt.Errorf("%s used whole", root)
		}
		a, ok := t[1].(hcl.TraverseAttr)
		if !ok {
			return cty.NilVal, fmt.Errorf("%s indexed", root)
		}
		if _, done := attrs[a.Name]; done {
			continue
		}
		var v cty.Value
		var err error
		if root == "local" {
			v, err = ev.local(level, a.Name)
		} else {
			v, err = ev.variable(level, a.Name)
		}
		if err != nil {
			return cty.NilVal, err
		}
		attrs[a.Name] = v
	}
	return cty.ObjectVal(attrs), nil
}

// once evaluates what key names once, failing on a cycle.
func (ev *docEval) once(key string, f func() (cty.Value, error)) (cty.Value, error) {
	if e, ok := ev.st.memo[key]; ok {
		return e.v, e.err
	}
	if ev.busy[key] {
		return cty.NilVal, fmt.Errorf("cycle through %s", key)
	}
	ev.busy[key] = true
	v, err := f()
	delete(ev.busy, key)
	if ev.spent > evalBudget {
		return v, err // a spent budget is this document's, not the value's
	}
	if ev.st.memo == nil {
		ev.st.memo = map[string]evaluated{}
	}
	ev.st.memo[key] = evaluated{v, err}
	return v, err
}

func (ev *docEval) local(level int, name string) (cty.Value, error) {
	return ev.once(ev.moduleAddr(level)+"\x00local."+name, func() (cty.Value, error) {
		m := ev.module(level)
		if m == nil || m.Locals[name] == nil {
			return cty.NilVal, fmt.Errorf("local.%s not declared", name)
		}
		return ev.eval(m.Locals[name], level, nil)
	})
}

// variable is the caller's argument for var.name of the module at level,
// evaluated in the caller with the call instance's each/count, or the
// variable's default.
func (ev *docEval) variable(level int, name string) (cty.Value, error) {
	return ev.once(ev.moduleAddr(level)+"\x00var."+name, func() (cty.Value, error) {
		if v, ok := ev.c.rootVars[name]; ok && level == 0 {
			return v, nil // the plan's value: -var and *.tfvars included
		}
		if level > 0 {
			call := ev.c.calls[strings.Join(ev.calls[:level], ".")]
			if call == nil {
				return cty.NilVal, fmt.Errorf("no call for level %d", level)
			}
			if arg := call.Args[name]; arg != nil {
				iter, err := ev.instanceIter(call.Args["for_each"], call.Args["count"], level-1, ev.keys[level-1])
				if err != nil {
					return cty.NilVal, err
				}
				return ev.eval(arg, level-1, iter)
			}
		}
		m := ev.module(level)
		if m == nil {
			return cty.NilVal, fmt.Errorf("no module at level %d", level)
		}
		def, declared := m.Defaults[name]
		switch {
		case !declared:
			return cty.NilVal, fmt.Errorf("var.%s not declared", name)
		case def == nil && level == 0:
			return cty.NilVal, fmt.Errorf("root var.%s has no default", name)
		case def == nil:
			return cty.NullVal(cty.DynamicPseudoType), nil
		}
		return ev.eval(def, level, nil)
	})
}

// instanceIter binds each or count for the instance with index key of a
// block (resource or module call) written in the module at level.
func (ev *docEval) instanceIter(forEach, count hclsyntax.Expression, level int, key string) (map[string]cty.Value, error) {
	steps := tfaddr.Steps(key)
	switch {
	case forEach == nil && count == nil:
		return nil, nil
	case len(steps) != 1:
		return nil, errors.New("instance key unknown")
	case forEach != nil:
		coll, err := ev.once(fmt.Sprintf("%s\x00for_each %p", ev.moduleAddr(level), forEach), func() (cty.Value, error) {
			return ev.eval(forEach, level, nil)
		})
		if err != nil {
			return nil, err
		}
		k := cty.StringVal(steps[0])
		var v cty.Value
		switch ty := coll.Type(); {
		case !coll.IsWhollyKnown() || coll.IsNull():
			return nil, errors.New("for_each unknown")
		case ty.IsSetType():
			v = k
		case ty.IsObjectType():
			if !ty.HasAttribute(steps[0]) {
				return nil, fmt.Errorf("no for_each key %q", steps[0])
			}
			v = coll.GetAttr(steps[0])
		case ty.IsMapType():
			if !coll.HasIndex(k).True() {
				return nil, fmt.Errorf("no for_each key %q", steps[0])
			}
			v = coll.Index(k)
		default:
			return nil, errors.New("for_each is not a map or set")
		}
		return map[string]cty.Value{"each": cty.ObjectVal(map[string]cty.Value{"key": k, "value": v})}, nil
	default:
		n, err := strconv.Atoi(steps[0])
		if err != nil {
			return nil, err
		}
		return map[string]cty.Value{"count": cty.ObjectVal(map[string]cty.Value{"index": cty.NumberIntVal(int64(n))})}, nil
	}
}

// tails drops the first step of each traversal.
func tails(ts []hcl.Traversal) []hcl.Traversal {
	out := make([]hcl.Traversal, len(ts))
	for i, t := range ts {
		out[i] = t[1:]
	}
	return out
}

// marked builds the value a reference root takes so that each traversal
// rests reaches a marker naming the whole reference: objects for attribute
// steps and string keys, tuples for number indices.
func (ev *docEval) marked(prefix hcl.Traversal, rests []hcl.Traversal, level int) (cty.Value, error) {
	groups := map[string][]hcl.Traversal{}
	steps := map[string]hcl.Traverser{}
	for _, t := range rests {
		if len(t) == 0 {
			continue
		}
		var k string
		switch s := t[0].(type) {
		case hcl.TraverseAttr:
			k = s.Name
		case hcl.TraverseIndex:
			switch {
			case !s.Key.IsKnown() || s.Key.IsNull():
				return cty.NilVal, errors.New("unknown index")
			case s.Key.Type() == cty.String:
				k = s.Key.AsString()
			case s.Key.Type() == cty.Number:
				bf := s.Key.AsBigFloat()
				if !bf.IsInt() {
					return cty.NilVal, errors.New("fractional index")
				}
				n, _ := bf.Int64()
				if n < 0 || n > 1024 {
					return cty.NilVal, errors.New("index out of range")
				}
				k = "#" + strconv.FormatInt(n, 10)
			default:
				return cty.NilVal, errors.New("index of another type")
			}
		default:
			return cty.NilVal, errors.New("splat or other step")
		}
		if _, ok := steps[k]; !ok {
			steps[k] = t[0]
		}
		groups[k] = append(groups[k], t[1:])
	}
	if len(groups) == 0 {
		return cty.StringVal(ev.marker(tfaddr.ScopedRef{Module: ev.moduleAddr(level), Ref: traversalString(prefix)})), nil
	}
	child := func(k string) (cty.Value, error) {
		p := append(append(hcl.Traversal{}, prefix...), steps[k])
		return ev.marked(p, groups[k], level)
	}
	numbers, maxN := true, -1
	for k := range groups {
		if !strings.HasPrefix(k, "#") {
			numbers = false
			break
		}
		n, _ := strconv.Atoi(k[1:])
		maxN = max(maxN, n)
	}
	if numbers {
		elems := make([]cty.Value, maxN+1)
		for i := range elems {
			k := "#" + strconv.Itoa(i)
			if _, used := groups[k]; !used {
				steps[k] = hcl.TraverseIndex{Key: cty.NumberIntVal(int64(i))}
			}
			v, err := child(k)
			if err != nil {
				return cty.NilVal, err
			}
			elems[i] = v
		}
		return cty.TupleVal(elems), nil
	}
	names := make([]string, 0, len(groups))
	for k := range groups {
		names = append(names, k)
	}
	sort.Strings(names)
	attrs := make(map[string]cty.Value, len(names))
	for _, k := range names {
		if strings.HasPrefix(k, "#") {
			return cty.NilVal, errors.New("mixed number and name steps")
		}
		v, err := child(k)
		if err != nil {
			return cty.NilVal, err
		}
		attrs[k] = v
	}
	return cty.ObjectVal(attrs), nil
}

// moduleAddr is the address of the module instance at level.
func (ev *docEval) moduleAddr(level int) string {
	parts := make([]string, level)
	for i := range parts {
		parts[i] = "module." + ev.calls[i] + ev.keys[i]
	}
	return strings.Join(parts, ".")
}

func (ev *docEval) marker(r tfaddr.ScopedRef) string {
	i, ok := ev.st.byRef[r]
	if !ok {
		if ev.st.byRef == nil {
			ev.st.byRef = map[tfaddr.ScopedRef]int{}
		}
		i = len(ev.st.refs)
		ev.st.refs = append(ev.st.refs, r)
		ev.st.byRef[r] = i
	}
	return tfaddr.Marker(i)
}
