package source

import (
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/letsleep/letsleep/internal/tfaddr"
)

// Attribute returns the references of an attribute of one resource
// instance, narrowed to that instance: instance is its index as the
// address writes it ("", "[0]", `["GET /x"]`), which binds each.key,
// each.value and count.index. attrPath is block names then the attribute;
// a block name may carry the position of the block as Terraform expands
// them ("statement[1]": static blocks and dynamic ones in source order, a
// dynamic block's elements in its for_each order), which binds that
// dynamic block's iterator to one element. A position that cannot be
// placed reads every block, as Block does.
func (c *Config) Attribute(path, resKey, instance string, attrPath ...string) ([]string, bool) {
	m, r := c.resource(path, resKey)
	if r == nil || len(attrPath) == 0 {
		return nil, false
	}
	find := func(out *[]string) bool {
		sc := c.instanceScope(path, m, attrExpr(r.body, "for_each"), attrExpr(r.body, "count"), instance)
		return blockNarrow(r.body, attrPath, sc, out)
	}
	if instance != "" {
		// One answer per instance: memoising would hold one entry per
		// instance of a large for_each; narrowing is cheap to redo.
		var out []string
		if !find(&out) {
			return nil, false
		}
		if out == nil {
			return []string{}, true
		}
		return dedup(out), true
	}
	// The memo key is built only here: on the per-instance path above it
	// was built for nothing, once per resource instance.
	memo := "attr\x00" + resKey + "\x00\x00" + strings.Join(attrPath, ".")
	if strings.Contains(memo, "]") {
		// The keys that place a block may come from this call's
		// arguments: the answer is this call's, not the folder's.
		memo += "\x00" + path
	}
	return cachedFound(m, memo, find)
}

// Argument returns the references of what the caller passes for var.name
// of the module at a call path, narrowed by sel; the references are read in
// the caller (its module path is path less the last call). instance binds
// the call's own each/count.
func (c *Config) Argument(path, instance, name string, sel ...string) ([]string, bool) {
	call, parent, pm := c.caller(path, name)
	if pm == nil {
		return nil, false
	}
	memo := "arg\x00" + path + "\x00" + instance + "\x00" + name + "\x00" + strings.Join(sel, "\x00")
	return cachedFound(pm, memo, func(out *[]string) bool {
		sc := c.instanceScope(parent, pm, call.Args["for_each"], call.Args["count"], instance)
		narrow(call.Args[name], sc, sel, 0, out)
		return true
	})
}

// LocalAt returns the references of part sel of local.name.
func (c *Config) LocalAt(path, name string, sel ...string) ([]string, bool) {
	m := c.Module(path)
	if m == nil || m.Locals[name] == nil {
		return nil, false
	}
	memo := "localat\x00" + name + "\x00" + strings.Join(sel, "\x00")
	return cachedFound(m, memo, func(out *[]string) bool {
		narrow(m.Locals[name], &scope{m: m, c: c, path: path}, sel, 0, out)
		return true
	})
}

func cachedFound(m *Module, key string, f func(out *[]string) bool) ([]string, bool) {
	refs := m.cached(key, func() []string {
		var out []string
		if !f(&out) {
			return nil
		}
		if out == nil {
			return []string{}
		}
		return dedup(out)
	})
	return refs, refs != nil
}

// instanceScope binds each or count of a resource or module call instance;
// without its index, each.value is every element.
func (c *Config) instanceScope(path string, m *Module, forEach, count hclsyntax.Expression, instance string) *scope {
	sc := &scope{m: m, c: c, path: path}
	key := tfaddr.Any
	if steps := tfaddr.Steps(instance); len(steps) == 1 {
		key = steps[0]
	}
	if forEach != nil {
		return sc.with("each", binding{coll: forEach, sel: []string{key}, key: key, outer: sc, iter: true})
	}
	if count != nil {
		return sc.with("count", binding{key: key, iter: true})
	}
	return sc
}

// blockNarrow finds attrPath in body and narrows every match into out. It
// reports whether any block matched.
func blockNarrow(body *hclsyntax.Body, attrPath []string, sc *scope, out *[]string) bool {
	if len(attrPath) == 1 {
		a := body.Attributes[attrPath[0]]
		if a == nil {
			return false
		}
		narrow(a.Expr, sc, nil, 0, out)
		return true
	}
	name, pos := blockPosition(attrPath[0])
	found := false
	offset := 0 // position of the next expanded block
	for _, blk := range body.Blocks {
		switch {
		case blk.Type == name:
			if pos < 0 || pos == offset {
				found = blockNarrow(blk.Body, attrPath[1:], sc, out) || found
			}
			offset++
		case blk.Type == "dynamic" && len(blk.Labels) == 1 && blk.Labels[0] == name:
			iter, _ := dynamicIterator(blk)
			var each hclsyntax.Expression
			if a := blk.Body.Attributes["for_each"]; a != nil {
				each = a.Expr
			}
			keys, known := keysOf(each, sc, 0)
			key := tfaddr.Any
			switch {
			case pos >= 0 && known && pos-offset >= 0 && pos-offset < len(keys):
				key = keys[pos-offset]
			case pos >= 0 && known:
				offset += len(keys)
				continue // the block asked for is not one of these
			}
			if known {
				offset += len(keys)
			} else {
				pos = -1 // positions after an unknown expansion cannot be placed
			}
			inner := sc.with(iter, binding{coll: each, sel: []string{key}, key: key, outer: sc, iter: true})
			for _, content := range blk.Body.Blocks {
				if content.Type == "content" {
					found = blockNarrow(content.Body, attrPath[1:], inner, out) || found
				}
			}
		}
	}
	return found
}

// blockPosition splits "statement[1]" into statement and 1; -1 for none.
func blockPosition(s string) (string, int) {
	i := strings.IndexByte(s, '[')
	if i < 0 || !strings.HasSuffix(s, "]") {
		return s, -1
	}
	n, err := strconv.Atoi(s[i+1 : len(s)-1])
	if err != nil {
		return s[:i], -1
	}
	return s[:i], n
}

// keysOf lists the keys a for_each iterates, in Terraform's order (map
// keys sorted, list positions in order), when the collection is written out
// in the sources: here, in a local, or in the caller's argument for a
// variable. ok is false when the keys are not all known.
func keysOf(e hclsyntax.Expression, sc *scope, depth int) ([]string, bool) {
	if depth > maxSelectDepth || e == nil {
		return nil, false
	}
	switch x := e.(type) {
	case *hclsyntax.ObjectConsExpr:
		keys := make([]string, 0, len(x.Items))
		for _, item := range x.Items {
			k, ok := objectKey(item.KeyExpr)
			if !ok {
				return nil, false
			}
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return keys, true
	case *hclsyntax.TupleConsExpr:
		keys := make([]string, len(x.Exprs))
		for i := range x.Exprs {
			keys[i] = strconv.Itoa(i)
		}
		return keys, true
	case *hclsyntax.ParenthesesExpr:
		return keysOf(x.Expression, sc, depth+1)
	case *hclsyntax.ScopeTraversalExpr:
		if len(x.Traversal) != 2 {
			return nil, false
		}
		attr, ok := x.Traversal[1].(hcl.TraverseAttr)
		if !ok {
			return nil, false
		}
		switch x.Traversal.RootName() {
		case "local":
			if e := sc.m.Locals[attr.Name]; e != nil {
				return keysOf(e, &scope{m: sc.m, c: sc.c, path: sc.path}, depth+1)
			}
		case "var":
			return sc.c.argumentKeys(sc.path, attr.Name, depth+1)
		}
	}
	return nil, false
}

// argumentKeys: keysOf the caller's argument for var.name of the module at
// path, when the call has no for_each or count of its own (its instances
// could then pass different values).
func (c *Config) argumentKeys(path, name string, depth int) ([]string, bool) {
	call, parent, pm := c.caller(path, name)
	if pm == nil || call.Args["for_each"] != nil || call.Args["count"] != nil {
		return nil, false
	}
	return keysOf(call.Args[name], &scope{m: pm, c: c, path: parent}, depth)
}

func attrExpr(body *hclsyntax.Body, name string) hclsyntax.Expression {
	if a := body.Attributes[name]; a != nil {
		return a.Expr
	}
	return nil
}

// caller finds the module block at a call path that sets argument name,
// and the module (and its path) that holds the block; pm is nil when there
// is none.
func (c *Config) caller(path, name string) (call *Call, parent string, pm *Module) {
	if c == nil || path == "" {
		return nil, "", nil
	}
	call = c.calls[path]
	if call == nil || call.Args[name] == nil {
		return nil, "", nil
	}
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		parent = path[:i]
	}
	return call, parent, c.Module(parent)
}
