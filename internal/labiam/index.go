package labiam

import (
	"regexp"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// planIndex holds what the reader needs of a plan: each resource's values
// (planned, or read during plan for data sources) and unknown markers by
// full address, and the configuration of every module by its path.
type planIndex struct {
	values  map[string]map[string]any
	unknown map[string]map[string]any
	byType  map[string][]string // type (data sources as data.TYPE) → addresses, in plan order
	modules map[string]*tfjson.ConfigModule
}

func indexPlan(p *tfjson.Plan) *planIndex {
	ix := &planIndex{values: map[string]map[string]any{}, unknown: map[string]map[string]any{},
		byType: map[string][]string{}, modules: map[string]*tfjson.ConfigModule{}}
	add := func(addr, typ string, mode tfjson.ResourceMode, v map[string]any) {
		if _, seen := ix.values[addr]; seen {
			return
		}
		if mode == tfjson.DataResourceMode {
			typ = "data." + typ
		}
		ix.values[addr] = v
		ix.byType[typ] = append(ix.byType[typ], addr)
	}
	for _, rc := range p.ResourceChanges {
		if rc.Change == nil || (len(rc.Change.Actions) == 1 && rc.Change.Actions[0] == tfjson.ActionDelete) {
			continue
		}
		after, _ := rc.Change.After.(map[string]any)
		if after == nil {
			after = map[string]any{}
		}
		add(rc.Address, rc.Type, rc.Mode, after)
		if u, ok := rc.Change.AfterUnknown.(map[string]any); ok {
			ix.unknown[rc.Address] = u
		}
	}
	// Data sources read during plan are in the prior state only.
	if p.PriorState != nil && p.PriorState.Values != nil && p.PriorState.Values.RootModule != nil {
		walkState(p.PriorState.Values.RootModule, func(r *tfjson.StateResource) {
			add(r.Address, r.Type, r.Mode, r.AttributeValues)
		})
	}
	if p.Config != nil && p.Config.RootModule != nil {
		var walk func(path string, m *tfjson.ConfigModule)
		walk = func(path string, m *tfjson.ConfigModule) {
			ix.modules[path] = m
			for name, call := range m.ModuleCalls {
				if call.Module != nil {
					walk(joinModule(path, name), call.Module)
				}
			}
		}
		walk("", p.Config.RootModule)
	}
	return ix
}

func walkState(m *tfjson.StateModule, fn func(*tfjson.StateResource)) {
	for _, r := range m.Resources {
		fn(r)
	}
	for _, c := range m.ChildModules {
		walkState(c, fn)
	}
}

// joinModule appends a module call to a module path ("" is the root):
// "module.a" + "b" → "module.a.module.b".
func joinModule(path, name string) string {
	if path == "" {
		return "module." + name
	}
	return path + ".module." + name
}

var instanceKey = regexp.MustCompile(`\[[^\]]*\]`)

// splitAddress splits a full resource address into its module path
// (instance keys dropped, as the configuration has none) and the address
// inside the module ("aws_iam_role.this", "data.aws_iam_policy_document.x").
func splitAddress(addr string) (module, local string) {
	parts := strings.Split(instanceKey.ReplaceAllString(addr, ""), ".")
	for len(parts) >= 2 && parts[0] == "module" {
		module = joinModule(module, parts[1])
		parts = parts[2:]
	}
	return module, strings.Join(parts, ".")
}

// expr returns the configuration expression of key of the resource at
// addr, or nil.
func (ix *planIndex) expr(addr, key string) *tfjson.Expression {
	r := ix.configResource(addr)
	if r == nil {
		return nil
	}
	return r.Expressions[key]
}

func (ix *planIndex) configResource(addr string) *tfjson.ConfigResource {
	module, local := splitAddress(addr)
	m := ix.modules[module]
	if m == nil {
		return nil
	}
	for _, r := range m.Resources {
		if r.Address == local {
			return r
		}
	}
	return nil
}

// isUnknown reports whether key of addr is unknown at plan time.
func (ix *planIndex) isUnknown(addr, key string) bool {
	b, _ := ix.unknown[addr][key].(bool)
	return b
}

func str(v map[string]any, key string) string {
	s, _ := v[key].(string)
	return s
}

func strList(v any) []string {
	raw, _ := v.([]any)
	var out []string
	for _, x := range raw {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func maps(v any) []map[string]any {
	raw, _ := v.([]any)
	var out []map[string]any
	for _, x := range raw {
		m, _ := x.(map[string]any)
		out = append(out, m)
	}
	return out
}
