package labiam

import (
	"fmt"
	"sort"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// resolved is what one configuration reference leads to: a value the lab
// knows (planned, or given by the lab's apply), or why it does not.
type resolved struct {
	value string
	addr  string // the resource it came from, when it came from one
	err   string
}

// resolve follows the references of an expression written in module
// (module variables to the caller's arguments, module outputs to their
// expressions, resource attributes to the planned or applied value) and
// returns one result per distinct innermost reference. The plan records an
// expression's references, not its operators: a value built from several
// of them (format, join) cannot be rebuilt, and the caller must treat
// several results for one value as unknown.
func (a *Account) resolve(module string, e *tfjson.Expression, depth int) []resolved {
	if e == nil {
		return nil
	}
	if depth > 20 {
		return []resolved{{err: "reference chain too deep"}}
	}
	var out []resolved
	for _, ref := range innermost(e.References) {
		out = append(out, a.resolveRef(module, ref, depth)...)
	}
	return out
}

// innermost drops each reference that another one extends
// ("aws_x.y" beside "aws_x.y.arn"), keeping the most specific.
func innermost(refs []string) []string {
	var out []string
	for _, r := range refs {
		extended := false
		for _, o := range refs {
			if o != r && (strings.HasPrefix(o, r+".") || strings.HasPrefix(o, r+"[")) {
				extended = true
			}
		}
		if !extended && !contains(out, r) {
			out = append(out, r)
		}
	}
	sort.Strings(out)
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (a *Account) resolveRef(module, ref string, depth int) []resolved {
	parts := strings.Split(instanceKey.ReplaceAllStringFunc(ref, func(k string) string { return "." + strings.Trim(k, "[]\"") }), ".")
	switch parts[0] {
	case "var":
		if module == "" || len(parts) < 2 {
			return []resolved{{err: "root variable " + ref + " (not in the plan's configuration)"}}
		}
		parent, call := parentModule(module)
		m := a.ix.modules[parent]
		if m == nil || m.ModuleCalls[call] == nil {
			return []resolved{{err: "no module call for " + module}}
		}
		arg := m.ModuleCalls[call].Expressions[parts[1]]
		if arg == nil {
			return []resolved{{err: fmt.Sprintf("%s: argument %s not set", module, parts[1])}}
		}
		if s, ok := arg.ConstantValue.(string); ok {
			return []resolved{{value: s}}
		}
		return a.resolve(parent, arg, depth+1)
	case "module":
		if len(parts) < 3 {
			return []resolved{{err: "whole-module reference " + ref}}
		}
		child := joinModule(module, parts[1])
		m := a.ix.modules[child]
		if m == nil || m.Outputs[parts[2]] == nil {
			return []resolved{{err: "no output " + ref}}
		}
		out := m.Outputs[parts[2]].Expression
		if s, ok := out.ConstantValue.(string); ok {
			return []resolved{{value: s}}
		}
		return a.resolve(child, out, depth+1)
	case "data":
		if len(parts) < 4 {
			return []resolved{{err: "whole-resource reference " + ref}}
		}
		return []resolved{a.attribute(prefix(module)+"data."+parts[1]+"."+parts[2], parts[3:])}
	case "local", "each", "count", "path", "terraform", "self":
		return []resolved{{err: ref + " (the plan does not record its value)"}}
	}
	if len(parts) < 3 {
		return []resolved{{err: "whole-resource reference " + ref}}
	}
	return []resolved{a.attribute(prefix(module)+parts[0]+"."+parts[1], parts[2:])}
}

func parentModule(module string) (parent, call string) {
	i := strings.LastIndex(module, "module.")
	parent = strings.TrimSuffix(module[:i], ".")
	return parent, module[i+len("module."):]
}

func prefix(module string) string {
	if module == "" {
		return ""
	}
	return module + "."
}

// attribute is the value of attribute path of the resource at addr: the
// planned value when known, else the value the lab's apply gives it.
func (a *Account) attribute(addr string, path []string) resolved {
	if _, ok := a.ix.values[addr]; !ok {
		// count or for_each: the first instance.
		for _, suffix := range []string{"[0]"} {
			if _, ok := a.ix.values[addr+suffix]; ok {
				addr += suffix
			}
		}
	}
	v, ok := a.ix.values[addr]
	if !ok {
		return resolved{err: "no resource " + addr + " in the plan"}
	}
	var cur any = v
	for _, p := range path {
		switch c := cur.(type) {
		case map[string]any:
			cur = c[p]
		case []any:
			i := 0
			_, _ = fmt.Sscan(p, &i)
			if i < len(c) {
				cur = c[i]
			} else {
				cur = nil
			}
		default:
			cur = nil
		}
	}
	if s, ok := cur.(string); ok && s != "" {
		return resolved{value: s, addr: addr}
	}
	if s, ok := a.applied[addr][strings.Join(path, ".")]; ok {
		return resolved{value: s, addr: addr}
	}
	return resolved{err: fmt.Sprintf("%s.%s is unknown at plan time and the lab gives it no value", addr, strings.Join(path, ".")), addr: addr}
}
