package plangen

import (
	"bufio"
	"encoding/json"
	"fmt"
)

// gen writes one document. Writes go through a bufio.Writer, whose error is
// sticky, so the code writes freely and checks the error once per section.
type gen struct {
	w         *countWriter
	bw        *bufio.Writer
	templates []*Template
	parts     []*compiled
	keys      []string
	module    string
	distinct  bool
}

func (g *gen) raw(s string) { g.bw.WriteString(s) }

func (g *gen) value(v any) error {
	b, err := marshal(v)
	if err != nil {
		return err
	}
	g.bw.Write(b)
	return nil
}

func (g *gen) pieces(p pieces, key string) {
	for i, b := range p {
		if i > 0 {
			g.bw.WriteString(key)
		}
		g.bw.Write(b)
	}
}

// tenantAddr is the module instance address of a replica, JSON-escaped.
func (g *gen) tenantAddr(key string) string {
	b, _ := json.Marshal("module." + g.module + `["` + key + `"]`)
	return string(b)
}

// plan writes the top-level object in terraform's key order.
func (g *gen) plan() error {
	first := g.templates[0]
	g.raw("{")
	g.field("format_version", first.str("format_version"))
	g.raw(",")
	g.field("terraform_version", first.str("terraform_version"))
	if vars := g.variables(); len(vars) > 0 {
		g.raw(",")
		g.field("variables", vars)
	}
	g.raw(`,"planned_values":{"root_module":{"child_modules":[`)
	g.modules(func(c *compiled) pieces { return c.planned })
	g.raw(`]}}`)
	g.raw(`,"resource_changes":[`)
	g.lists(func(c *compiled) []pieces { return c.changes })
	g.raw(`]`)
	if g.any(func(c *compiled) bool { return len(c.drift) > 0 }) {
		g.raw(`,"resource_drift":[`)
		g.lists(func(c *compiled) []pieces { return c.drift })
		g.raw(`]`)
	}
	if err := g.flushErr("resource_changes"); err != nil {
		return err
	}
	if g.any(func(c *compiled) bool { return c.prior != nil }) {
		ps := dig(first.doc, "prior_state")
		g.raw(`,"prior_state":{`)
		g.field("format_version", ps["format_version"])
		g.raw(",")
		g.field("terraform_version", ps["terraform_version"])
		g.raw(`,"values":{"root_module":{"child_modules":[`)
		g.modules(func(c *compiled) pieces { return c.prior })
		g.raw(`]}}}`)
	}
	g.raw(",")
	if err := g.configuration(); err != nil {
		return err
	}
	if g.any(func(c *compiled) bool { return len(c.relevant) > 0 }) {
		g.raw(`,"relevant_attributes":[`)
		g.lists(func(c *compiled) []pieces { return c.relevant })
		g.raw(`]`)
	}
	for _, k := range []string{"timestamp", "applyable", "complete", "errored"} {
		if v, ok := first.doc[k]; ok {
			g.raw(",")
			g.field(k, v)
		}
	}
	g.raw("}\n")
	return g.flushErr("plan")
}

func (g *gen) flushErr(section string) error {
	if err := g.bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", section, err)
	}
	return nil
}

func (g *gen) field(name string, v any) {
	g.value(name)
	g.raw(":")
	g.value(v)
}

func (g *gen) any(f func(*compiled) bool) bool {
	for _, c := range g.parts {
		if f(c) {
			return true
		}
	}
	return false
}

// lists writes, for every tenant and template, the template's items.
func (g *gen) lists(f func(*compiled) []pieces) {
	n := 0
	for _, key := range g.keys {
		for _, c := range g.parts {
			for _, p := range f(c) {
				if n > 0 {
					g.raw(",")
				}
				g.pieces(p, key)
				n++
			}
		}
	}
}

// modules writes one child module per tenant holding each template's root;
// in distinct mode each template root is a child module of its own.
func (g *gen) modules(f func(*compiled) pieces) {
	n := 0
	for i, key := range g.keys {
		if g.distinct {
			g.roots(f, key, &n)
			continue
		}
		if i > 0 {
			g.raw(",")
		}
		g.raw(`{"address":` + g.tenantAddr(key) + `,"child_modules":[`)
		m := 0
		g.roots(f, key, &m)
		g.raw("]}")
	}
}

// roots writes each template's root for one tenant key; n counts the
// elements written so far in the enclosing list.
func (g *gen) roots(f func(*compiled) pieces, key string, n *int) {
	for _, c := range g.parts {
		if p := f(c); p != nil {
			if *n > 0 {
				g.raw(",")
			}
			g.pieces(p, key)
			*n++
		}
	}
}

// variables merges the templates' root variable values (first name wins):
// the provider blocks at the root still read them.
func (g *gen) variables() map[string]any {
	out := map[string]any{}
	for _, t := range g.templates {
		for k, v := range t.variables() {
			if _, ok := out[k]; !ok {
				out[k] = v
			}
		}
	}
	return out
}

// configuration writes the shared configuration: the root declares the
// templates' variables and providers and one for_each module call whose
// module calls each template's root, passing the template's variable values
// as constants. References inside each template are module-relative, so
// they stay valid unchanged.
func (g *gen) configuration() error {
	providers := map[string]any{}
	rootVars := map[string]any{}
	calls := map[string]any{}
	for _, t := range g.templates {
		cfg := dig(t.doc, "configuration")
		for k, v := range dig(cfg, "provider_config") {
			if _, ok := providers[k]; !ok {
				providers[k] = v
			}
		}
		root := dig(cfg, "root_module")
		for k, v := range dig(root, "variables") {
			if _, ok := rootVars[k]; !ok {
				rootVars[k] = v
			}
		}
		calls[t.Name] = templateCall(t, nil)
	}
	if g.distinct {
		return g.distinctConfiguration(providers, rootVars)
	}
	rootModule := map[string]any{
		"module_calls": map[string]any{
			g.module: map[string]any{
				"source":              "./modules/" + g.module,
				"for_each_expression": map[string]any{"references": []any{"local.tenants"}},
				"module":              map[string]any{"module_calls": calls},
			},
		},
	}
	if len(rootVars) > 0 {
		rootModule["variables"] = rootVars
	}
	cfg := map[string]any{"root_module": rootModule}
	if len(providers) > 0 {
		cfg["provider_config"] = providers
	}
	g.value("configuration")
	g.raw(":")
	if err := g.value(cfg); err != nil {
		return fmt.Errorf("encode configuration: %w", err)
	}
	return g.flushErr("configuration")
}

// templateCall is the module call of a template's root, passing the
// template's variable values as constants. With a rewriter (distinct mode)
// the constants are made unique per replica like the resource values.
func templateCall(t *Template, rw *rewriter) map[string]any {
	exprs := map[string]any{}
	for k, v := range t.variables() {
		if m, ok := v.(map[string]any); ok {
			val := m["value"]
			if rw != nil {
				val = rw.values(val)
			}
			exprs[k] = map[string]any{"constant_value": val}
		}
	}
	// The call's source as WriteSource lays the folders out: from the
	// tenant module, or (distinct) from the root.
	source := "../../stacks/" + t.Name
	if rw != nil {
		source = "./stacks/" + t.Name
	}
	return map[string]any{
		"source":      source,
		"expressions": exprs,
		"module":      dig(t.doc, "configuration", "root_module"),
	}
}

// distinctConfiguration writes one module call per replica and template,
// each with its own copy of the template's configuration.
func (g *gen) distinctConfiguration(providers, rootVars map[string]any) error {
	g.raw(`"configuration":{`)
	if len(providers) > 0 {
		g.field("provider_config", providers)
		g.raw(",")
	}
	g.raw(`"root_module":{`)
	if len(rootVars) > 0 {
		g.field("variables", rootVars)
		g.raw(",")
	}
	g.raw(`"module_calls":{`)
	n := 0
	for _, key := range g.keys {
		for i, c := range g.parts {
			if n > 0 {
				g.raw(",")
			}
			g.value(distinctCall(g.templates[i].Name, key))
			g.raw(":")
			g.pieces(c.call, key)
			n++
		}
	}
	g.raw(`}}}`)
	return g.flushErr("configuration")
}
