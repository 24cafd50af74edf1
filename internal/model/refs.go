package model

import (
	"strconv"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/letsleep/letsleep/internal/tfaddr"
)

// target is what a configuration reference points at: a resource instance
// and the attribute read from it (id, arn, master_user_secret[0].secret_arn).
type target struct {
	Addr string
	Attr string
}

// maxRefDepth bounds how far the resolver follows module outputs and input
// variables, so a cyclic or absurd configuration cannot hang the build.
const maxRefDepth = 16

// exprAt returns the expression at a path of block names then an attribute,
// e.g. exprAt(c, "vpc_config", "subnet_ids"). Nested blocks are searched in
// order and the first block that has the attribute wins.
func exprAt(exprs map[string]*tfjson.Expression, path ...string) *tfjson.Expression {
	if len(path) == 0 || exprs == nil {
		return nil
	}
	e := exprs[path[0]]
	if e == nil || e.ExpressionData == nil {
		return nil
	}
	if len(path) == 1 {
		return e
	}
	for _, block := range e.NestedBlocks {
		if found := exprAt(block, path[1:]...); found != nil {
			return found
		}
	}
	return nil
}

// refsAt is the reference list of the expression at path of r's configuration.
// Where the plan has no expression (a dynamic block), the sources answer.
func refsAt(r *res, path ...string) []string {
	if r == nil {
		return nil
	}
	if r.Config != nil {
		if e := exprAt(r.Config.Expressions, path...); e != nil {
			// The plan lists aws_x.y[each.key] as aws_x.y and each.value.z
			// as each.value: the sources narrow them to this instance.
			if r.src != nil && hasIteration(e.References) {
				if refs, ok := r.src.Attribute(configPath(r.Module), r.key(), indexSuffix(r.Address), path...); ok {
					return refs
				}
			}
			return e.References
		}
	}
	if r.src != nil {
		refs, _ := r.src.Attribute(configPath(r.Module), r.key(), indexSuffix(r.Address), path...)
		return refs
	}
	return nil
}

// hasIteration: some reference is each.* or count.*, whose value depends
// on the instance.
func hasIteration(refs []string) bool {
	for _, r := range refs {
		if strings.HasPrefix(r, "each.") || strings.HasPrefix(r, "count.") {
			return true
		}
	}
	return false
}

// constAt is the constant value of the expression at path, if any.
func constAt(r *res, path ...string) (any, bool) {
	if r == nil || r.Config == nil {
		return nil, false
	}
	e := exprAt(r.Config.Expressions, path...)
	if e == nil || e.ConstantValue == nil || e.ConstantValue == tfjson.UnknownConstantValue {
		return nil, false
	}
	return e.ConstantValue, true
}

// splitRef splits a reference on dots outside brackets.
func splitRef(ref string) []string {
	var parts []string
	start := 0
	for i := 0; i < len(ref); i++ {
		switch ref[i] {
		case '[':
			i = tfaddr.SkipBracket(ref, i) - 1
		case '.':
			parts = append(parts, ref[start:i])
			start = i + 1
		}
	}
	return append(parts, ref[start:])
}

// cutIndex splits "name[0]" into "name" and "[0]".
func cutIndex(s string) (string, string) {
	if i := strings.IndexByte(s, '['); i >= 0 {
		return s[:i], s[i:]
	}
	return s, ""
}

// resolve follows configuration references made from module instance mod
// to the resource instances they name. It returns the targets and the
// references it could not follow (locals, root variables, missing modules).
func (ix *index) resolve(mod string, refs []string) ([]target, []string) {
	ts, lost, _ := ix.resolveSettled(mod, refs)
	return ts, lost
}

// resolveSettled is resolve that also tells whether the sources settled
// some reference as naming nothing: the caller's argument leaves that part
// out or writes a constant (try(each.value.group, null) of an element
// without group), so an empty answer is the truth, not a lost reference.
func (ix *index) resolveSettled(mod string, refs []string) ([]target, []string, bool) {
	var out []target
	var lost []string
	r := &resolution{out: &out, lost: &lost, seen: map[string]bool{}}
	ix.resolveInto(mod, refs, 0, r)
	return dedupTargets(out), lost, r.settled
}

// resolution carries one resolve call's results and the module inputs and
// outputs already expanded: each is followed once, so cycles and fan-out
// in hand-edited plans stay linear.
type resolution struct {
	out  *[]target
	lost *[]string
	seen map[string]bool
	// settled: the sources showed some reference names nothing.
	settled bool
}

func (ix *index) resolveInto(mod string, refs []string, depth int, rs *resolution) {
	out, lost := rs.out, rs.lost
	if depth > maxRefDepth {
		*lost = append(*lost, refs...)
		return
	}
	// Terraform lists each reference from the most specific to the least
	// (aws_subnet.a[0].id, aws_subnet.a[0], aws_subnet.a); keep the most
	// specific form so an indexed reference does not widen to every instance.
	seenSpecific := map[string]bool{}
	for _, ref := range refs {
		parts := splitRef(ref)
		if len(parts) < 2 {
			continue
		}
		switch parts[0] {
		case "count", "each", "path", "terraform", "self":
			continue
		case "local":
			name, _ := cutIndex(parts[1])
			if seenSpecific["local."+name] {
				continue
			}
			seenSpecific["local."+name] = true
			ix.resolveLocal(mod, name, ref, depth, rs)
			continue
		case "var":
			if seenSpecific[ref] {
				continue
			}
			seenSpecific[ref] = true
			steps := tfaddr.Steps(ref)
			ix.resolveVar(mod, steps[1], steps[2:], depth, rs)
			continue
		case "module":
			call, idx := cutIndex(parts[1])
			general := "module." + call
			if len(parts) < 3 {
				if seenSpecific[general] {
					continue
				}
				// A bare module reference: every output of it.
				seenSpecific[general] = true
				ix.resolveModule(mod, call, idx, "", depth, rs)
				continue
			}
			seenSpecific[general] = true
			// module.db.secret[0].arn: the output is "secret", indexed.
			output, _ := cutIndex(parts[2])
			if idx == "" && ix.isInstanceKey(ix.childInstances[mod+"|"+call], parts[2]) {
				// The sources write module.fn["api"].arn as module.fn.api.arn.
				idx = `["` + parts[2] + `"]`
				output = ""
				if len(parts) > 3 {
					output, _ = cutIndex(parts[3])
				}
			}
			ix.resolveModule(mod, call, idx, output, depth, rs)
			continue
		}
		key, rest := parts[0]+"."+parts[1], parts[2:]
		if parts[0] == "data" {
			if len(parts) < 3 {
				continue
			}
			key, rest = "data."+parts[1]+"."+parts[2], parts[3:]
		}
		name, idx := cutIndex(key)
		if idx == "" {
			// "aws_x.y.attr" with the index on the attribute is not a thing;
			// an index sits on the name part.
			if len(rest) > 0 {
				if n, i := cutIndex(rest[0]); n == "" && i != "" {
					idx = i
					rest = rest[1:]
				}
			}
		}
		if idx == "" && len(rest) > 0 && ix.isInstanceKey(addrsOfRes(ix.byModKey[mod+"|"+name]), rest[0]) {
			// The sources write fn["api"].json as fn.api.json: "api" is a
			// for_each key of fn, not an attribute.
			idx, rest = `["`+rest[0]+`"]`, rest[1:]
		}
		// "x.a[0].id" then "x.a[0]": the same instance, keep the first
		// (most specific) form; "x.a" after any "x.a[...]" is the widening.
		if seenSpecific[name+idx] || (idx == "" && seenSpecific[name]) {
			continue
		}
		seenSpecific[name+idx] = true
		seenSpecific[name] = true
		instances := ix.byModKey[mod+"|"+name]
		if len(instances) == 0 {
			*lost = append(*lost, ref)
			continue
		}
		attr := strings.Join(rest, ".")
		for _, r := range instances {
			if idx != "" && !strings.HasSuffix(r.Address, idx) {
				continue
			}
			*out = append(*out, target{Addr: r.Address, Attr: attr})
			ix.resolveAttr(r, attr, depth, rs)
		}
	}
}

// isInstanceKey reports whether step, written as an attribute (the sources
// write an identifier key that way), is the for_each key of one of the
// instance addresses.
func (ix *index) isInstanceKey(addrs []string, step string) bool {
	if step == "" || strings.ContainsAny(step, "[\"") {
		return false
	}
	want := `["` + step + `"]`
	for _, a := range addrs {
		if strings.HasSuffix(a, want) {
			return true
		}
	}
	return false
}

func addrsOfRes(rs []*res) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Address
	}
	return out
}

// resolveAttr follows a configured attribute of a resource to what its
// own expression references: aws_lambda_function.t.role is the role that
// function was given, vpc_config[0].subnet_ids the subnets it was placed
// in. Computed attributes (id, arn) have no expression and stop here.
// What the chase cannot follow is not reported: the reference itself
// still names the resource.
func (ix *index) resolveAttr(r *res, attr string, depth int, rs *resolution) {
	if r.Config == nil || attr == "" {
		return
	}
	path := []string{attr}
	if strings.ContainsAny(attr, ".[") {
		path = path[:0]
		for _, p := range splitRef(attr) {
			if name, _ := cutIndex(p); name != "" {
				path = append(path, name)
			}
		}
	}
	e := exprAt(r.Config.Expressions, path...)
	if e == nil || e.ExpressionData == nil || len(e.References) == 0 {
		return
	}
	key := "attr\x00" + r.Address + "\x00" + strings.Join(path, ".")
	if rs.seen[key] {
		return
	}
	rs.seen[key] = true
	var discard []string
	inner := &resolution{out: rs.out, lost: &discard, seen: rs.seen}
	ix.resolveInto(r.Module, e.References, depth+1, inner)
	for _, l := range discard {
		if strings.HasPrefix(l, ApproxMarker) {
			*rs.lost = append(*rs.lost, l) // over-approximation must stay visible
		}
	}
}

// resolveLocal follows local.name of module instance mod through the
// sources (the plan does not carry locals). Each local is expanded once
// per instance, so locals that refer to each other stay linear.
func (ix *index) resolveLocal(mod, name, ref string, depth int, rs *resolution) {
	if ix.src == nil {
		*rs.lost = append(*rs.lost, ref+" ("+HintSource+")")
		return
	}
	refs, ok := ix.src.Local(ix.configPath(mod), name)
	if sel := tfaddr.Steps(ref)[2:]; ok && len(sel) > 0 {
		// local.defaults.runtime is one attribute of the local, not all.
		if narrowed, found := ix.src.LocalAt(ix.configPath(mod), name, sel...); found {
			refs = narrowed
		}
	}
	if !ok {
		*rs.lost = append(*rs.lost, ref+" (not declared in the sources read)")
		return
	}
	key := "local\x00" + mod + "\x00" + ref
	if rs.seen[key] {
		return
	}
	rs.seen[key] = true
	ix.resolveInto(mod, refs, depth+1, rs)
}

// resolveVar follows var.name inside module instance mod to the caller's
// expression for that input, narrowed by sel (var.routes["GET /x"].uri)
// through the sources when they are given.
func (ix *index) resolveVar(mod, name string, sel []string, depth int, rs *resolution) {
	lost := rs.lost
	key := "var\x00" + mod + "\x00" + name + "\x00" + strings.Join(sel, "\x00")
	if rs.seen[key] {
		return
	}
	rs.seen[key] = true
	segs := splitModule(mod)
	if len(segs) == 0 {
		// A root variable is a plan input, not a resource.
		*lost = append(*lost, "var."+name)
		return
	}
	parent := strings.TrimSuffix(strings.TrimSuffix(mod, segs[len(segs)-1].instance), ".")
	pm := ix.modConfigs[ix.configPath(parent)]
	if pm == nil || pm.ModuleCalls[segs[len(segs)-1].call] == nil {
		*lost = append(*lost, "var."+name)
		return
	}
	call := pm.ModuleCalls[segs[len(segs)-1].call]
	e := call.Expressions[name]
	if ix.src != nil && e != nil && e.ExpressionData != nil && (len(sel) > 0 || onlyIteration(e.References) || indexedByIteration(e.References)) {
		// The plan flattens the argument's references; the sources keep
		// its shape, so a key or the call's own each picks one part.
		if refs, ok := ix.src.Argument(ix.configPath(mod), indexSuffix(mod), name, sel...); ok {
			rs.settled = rs.settled || len(refs) == 0
			ix.resolveInto(parent, refs, depth+1, rs)
			return
		}
	}
	if e == nil || e.ExpressionData == nil || len(e.References) == 0 {
		*lost = append(*lost, "var."+name)
		return
	}
	if onlyIteration(e.References) {
		// var.x = each.value.y: the value comes from the for_each (or count)
		// expression, which the plan does not split per instance. Use all
		// of its references and say the result is approximate.
		var iter []string
		for _, x := range []*tfjson.Expression{call.ForEachExpression, call.CountExpression} {
			if x != nil && x.ExpressionData != nil {
				iter = append(iter, x.References...)
			}
		}
		// A map keyed like its targets ({ control = module.control.x })
		// gives this instance its own target.
		var got []target
		var gotLost []string
		ix.resolveInto(parent, iter, depth+1, &resolution{out: &got, lost: &gotLost, seen: rs.seen})
		if named := targetsNamed(got, instanceKey(segs[len(segs)-1].instance)); len(named) > 0 {
			*rs.out = append(*rs.out, named...)
			return
		}
		*rs.out = append(*rs.out, got...)
		*lost = append(append(*lost, gotLost...), ApproxMarker+"var."+name)
		return
	}
	if idx := indexSuffix(segs[len(segs)-1].instance); idx != "" && indexedByIteration(e.References) {
		// var.x = data.doc.fn[each.key].json: the plan lists the reference
		// as "data.doc.fn" plus "each.key", which alone would give every
		// instance of fn to every instance of the call. Keep the call's
		// own key, as ownInstance does for a resource's attribute.
		ix.resolveOwnKey(parent, e.References, idx, depth, rs)
		return
	}
	ix.resolveInto(parent, e.References, depth+1, rs)
}

// resolveOwnKey resolves refs made in an instance with index idx, reading
// each reference that names a resource, data source or module call without
// an index as that instance's own key. A reference with no instance of
// that key indexes something else and keeps all its instances.
func (ix *index) resolveOwnKey(mod string, refs []string, idx string, depth int, rs *resolution) {
	for _, ref := range refs {
		if own := withOwnKey(ref, idx); own != ref {
			var got []target
			var gotLost []string
			ix.resolveInto(mod, []string{own}, depth+1, &resolution{out: &got, lost: &gotLost, seen: rs.seen})
			if len(got) > 0 {
				*rs.out = append(*rs.out, got...)
				*rs.lost = append(*rs.lost, gotLost...)
				continue
			}
		}
		ix.resolveInto(mod, []string{ref}, depth+1, rs)
	}
}

// withOwnKey puts idx on a reference to a resource, data source or module
// call that has no index (data.a.b → data.a.b["k"]); other references are
// returned as they are.
func withOwnKey(ref, idx string) string {
	parts := splitRef(ref)
	n := 2 // aws_x.name, module.name
	switch parts[0] {
	case "count", "each", "path", "terraform", "self", "local", "var":
		return ref
	case "data":
		n = 3
	}
	if len(parts) < n || strings.Contains(parts[n-1], "[") {
		return ref
	}
	return strings.Join(parts[:n], ".") + idx + strings.TrimPrefix(ref, strings.Join(parts[:n], "."))
}

// instanceKey is the for_each key of an instance address
// (module.x["control"] → control), or "" for none or a count index.
func instanceKey(addr string) string {
	idx := indexSuffix(addr)
	if len(idx) < 4 || idx[1] != '"' {
		return ""
	}
	k, err := strconv.Unquote(idx[1 : len(idx)-1])
	if err != nil {
		return ""
	}
	return k
}

// resolveModule follows module.call.output from module instance mod into
// every instance of the child module (or the one named by idx).
func (ix *index) resolveModule(mod, call, idx, output string, depth int, rs *resolution) {
	lost := rs.lost
	childPath := call
	if p := ix.configPath(mod); p != "" {
		childPath = p + "." + call
	}
	cm := ix.modConfigs[childPath]
	if cm == nil {
		*lost = append(*lost, "module."+call+"."+output)
		return
	}
	instances := ix.childInstances[mod+"|"+call]
	if idx != "" {
		want := "module." + call + idx
		if mod != "" {
			want = mod + "." + want
		}
		instances = []string{want}
	}
	outputs := []string{output}
	if output == "" {
		outputs = outputs[:0]
		for name := range cm.Outputs {
			outputs = append(outputs, name)
		}
	}
	for _, o := range outputs {
		co := cm.Outputs[o]
		if co == nil || co.Expression == nil || co.Expression.ExpressionData == nil || len(co.Expression.References) == 0 {
			*lost = append(*lost, "module."+call+"."+o)
			continue
		}
		if len(instances) == 0 {
			*lost = append(*lost, "module."+call+"."+o)
			continue
		}
		for _, inst := range instances {
			key := "out\x00" + inst + "\x00" + o
			if rs.seen[key] {
				continue
			}
			rs.seen[key] = true
			ix.resolveInto(inst, co.Expression.References, depth+1, rs)
		}
	}
}

func dedupTargets(in []target) []target {
	if len(in) < 2 {
		return in
	}
	if len(in) <= 8 {
		// Most reference lists name a handful of targets: a scan of the
		// kept ones is cheaper than a map per call.
		out := in[:0]
	next:
		for _, t := range in {
			for _, k := range out {
				if k == t {
					continue next
				}
			}
			out = append(out, t)
		}
		return out
	}
	seen := make(map[target]bool, len(in))
	out := in[:0]
	for _, t := range in {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// addrsOf lists the addresses of targets, optionally only of given types.
func (ix *index) addrsOf(ts []target, types ...string) []string {
	var out []string
	for _, t := range ts {
		if len(types) > 0 {
			r := ix.byAddr[t.Addr]
			if r == nil || !contains(types, r.Type) {
				continue
			}
		}
		out = append(out, t.Addr)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// ApproxMarker prefixes a "lost" entry that was resolved by over-
// approximation (through a module's for_each/count expression).
const ApproxMarker = "~approx:"

// indexedByIteration reports whether an expression uses its own resource's
// instance key (each.key or count.index), as in aws_subnet.x[each.key].
func indexedByIteration(refs []string) bool {
	for _, r := range refs {
		if r == "each.key" || r == "count.index" {
			return true
		}
	}
	return false
}

func onlyIteration(refs []string) bool {
	for _, r := range refs {
		if !strings.HasPrefix(r, "each.") && !strings.HasPrefix(r, "count.") {
			return false
		}
	}
	return len(refs) > 0
}
