package source

import (
	"encoding/json"
	"strconv"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/letsleep/letsleep/internal/tfaddr"
)

// The root module's variables are set by -var, *.tfvars or their defaults,
// and the plan records the values it was made with. They are what decides
// `var.private ? module.vpc.private_subnets : module.vpc.public_subnets`,
// and the sources alone cannot know them (tfvars files are not read): the
// plan's values are the truth.

// SetRootVariables records the root module variables' values as the plan
// holds them (plan JSON's "variables", each value decoded from JSON). A
// value that cannot be read as a constant is left out, so what reads it
// stays undecided.
func (c *Config) SetRootVariables(values map[string]any) {
	if c == nil {
		return
	}
	c.rootVars = map[string]cty.Value{}
	for name, raw := range values {
		if v, ok := ctyFromJSON(raw); ok {
			c.rootVars[name] = v
		}
	}
}

func ctyFromJSON(raw any) (cty.Value, bool) {
	b, err := json.Marshal(raw)
	if err != nil {
		return cty.NilVal, false
	}
	t, err := ctyjson.ImpliedType(b)
	if err != nil {
		return cty.NilVal, false
	}
	v, err := ctyjson.Unmarshal(b, t)
	if err != nil {
		return cty.NilVal, false
	}
	return v, true
}

// constVariable reads var.name (then the steps sel) of the module sc is in
// as a constant: in the root module the plan's value, else its default;
// in a called module the caller's argument, read in the caller, else the
// default. An argument that reads the call's own each or count is not
// bound here and stays undecided.
func constVariable(sc *scope, name string, sel []string, depth int) (cty.Value, bool) {
	if sc.c == nil {
		return cty.NilVal, false
	}
	if sc.path == "" {
		if v, ok := sc.c.rootVars[name]; ok {
			return indexConst(v, sel)
		}
	} else if call, parent, pm := sc.c.caller(sc.path, name); call != nil && pm != nil {
		return constValue(call.Args[name], &scope{m: pm, c: sc.c, path: parent}, sel, depth+1)
	}
	if sc.m == nil {
		return cty.NilVal, false
	}
	def, declared := sc.m.Defaults[name]
	if !declared || def == nil {
		return cty.NilVal, false
	}
	return constValue(def, &scope{m: sc.m, c: sc.c, path: sc.path}, sel, depth+1)
}

// indexConst picks the steps sel out of a constant value.
func indexConst(v cty.Value, sel []string) (cty.Value, bool) {
	for _, s := range sel {
		if s == tfaddr.Any {
			return cty.NilVal, false
		}
		key := cty.StringVal(s)
		if n, err := strconv.Atoi(s); err == nil && (v.Type().IsListType() || v.Type().IsTupleType()) {
			key = cty.NumberIntVal(int64(n))
		}
		var diags hcl.Diagnostics
		if v, diags = hcl.Index(v, key, nil); diags.HasErrors() {
			return cty.NilVal, false
		}
	}
	return known(v, nil)
}
