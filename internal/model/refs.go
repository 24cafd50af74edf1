package model

import (
	"maps"
	"slices"
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
			if r.src != nil && (hasIteration(e.References) || mayChoose(e.References)) {
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

// mayChoose: the references read a variable and name at least two other
// things, as `var.private ? module.vpc.private_subnets :
// module.vpc.public_subnets` does. The plan lists every arm; the sources,
// with the plan's variable values, tell which one the condition picks. A
// plain pass-through (var.x, "${var.name}-fn") stays with the plan's list.
func mayChoose(refs []string) bool {
	readsVar, others := false, 0
	for i, r := range refs {
		if strings.HasPrefix(r, "var.") {
			readsVar = true
			continue
		}
		covered := false
		for j, o := range refs {
			if j != i && strings.HasPrefix(o, r+".") {
				covered = true // module.vpc beside module.vpc.private_subnets
				break
			}
		}
		if !covered {
			others++
		}
	}
	return readsVar && others >= 2
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
	return appendRefParts(nil, ref)
}

// appendRefParts is splitRef appending to parts, so a caller can split
// into a buffer on its stack (resolveInto splits every reference it
// follows). The parts are substrings of ref, consecutive and separated by
// one dot each.
func appendRefParts(parts []string, ref string) []string {
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
	if ix.resolving {
		// Not expected (nothing resolves from inside a resolution), but a
		// nested call must not write into the buffers of the outer one.
		var out []target
		var lost []string
		r := &resolution{out: &out, lost: &lost}
		ix.resolveInto(mod, refs, 0, r)
		return dedupTargets(out), lost, r.settled
	}
	// The results gather in buffers the index keeps (a resolution's
	// pointers make fresh slices escape, and they grow by appends), and
	// leave as copies of their final size: a handful of bytes for most of
	// the million references a 50k plan follows.
	ix.resolving = true
	defer func() { ix.resolving = false }()
	ix.outBuf, ix.lostBuf = ix.outBuf[:0], ix.lostBuf[:0]
	ix.seenBuf = visitSet{}
	r := &resolution{out: &ix.outBuf, lost: &ix.lostBuf, seen: &ix.seenBuf}
	ix.resolveInto(mod, refs, 0, r)
	return clipped(dedupTargets(ix.outBuf)), clipped(ix.lostBuf), r.settled
}

// clipped copies a scratch buffer's contents into a slice of their size,
// nil when there are none (as an append-grown slice would be).
func clipped[T any](buf []T) []T {
	if len(buf) == 0 {
		return nil
	}
	return slices.Clone(buf)
}

// resolution carries one resolve call's results and the module inputs and
// outputs already expanded: each is followed once, so cycles and fan-out
// in hand-edited plans stay linear.
type resolution struct {
	out  *[]target
	lost *[]string
	// seen: made on first use (most calls follow no input or output);
	// nested resolutions are made after a visit, so they share it.
	seen *visitSet
	// settled: the sources showed some reference names nothing.
	settled bool
}

// visitKey names one expansion: an attribute of a resource ('a'), a
// local ('l'), an input variable ('v') or a module output ('o') of a
// module instance. A struct, so that marking one builds no string.
type visitKey struct {
	kind            byte
	scope, name, at string
}

// visit marks key as expanded and tells whether it was new.
func (rs *resolution) visit(key visitKey) bool {
	if rs.seen == nil {
		rs.seen = &visitSet{}
	}
	return rs.seen.add(key)
}

// visitSet is a set of expansions: most resolutions expand one to three,
// which a scan of a small array answers without a map's table; a longer
// set moves to a map.
type visitSet struct {
	few [4]visitKey
	n   int
	m   map[visitKey]bool
}

// add puts key in the set and tells whether it was new.
func (v *visitSet) add(key visitKey) bool {
	if v.m != nil {
		if v.m[key] {
			return false
		}
		v.m[key] = true
		return true
	}
	for _, k := range v.few[:v.n] {
		if k == key {
			return false
		}
	}
	if v.n < len(v.few) {
		v.few[v.n] = key
		v.n++
		return true
	}
	v.m = make(map[visitKey]bool, 2*len(v.few)+1)
	for _, k := range v.few {
		v.m[k] = true
	}
	v.m[key] = true
	return true
}

// refForms remembers the reference forms one resolveInto call has
// followed. Reference lists are short (terraform lists a handful of forms
// per expression), so a scan of a slice on the caller's stack beats a map
// per call; a long list moves to a map. A value, not methods on a pointer,
// so that its buffer can stay on the stack.
type refForms struct {
	list []string
	set  map[string]bool
}

func (f refForms) has(k string) bool {
	if f.set != nil {
		return f.set[k]
	}
	return slices.Contains(f.list, k)
}

func (f refForms) with(k string) refForms {
	switch {
	case f.set != nil:
		f.set[k] = true
	case len(f.list) < cap(f.list):
		f.list = append(f.list, k)
	default:
		f.set = make(map[string]bool, 2*len(f.list))
		for _, s := range f.list {
			f.set[s] = true
		}
		f.set[k] = true
	}
	return f
}

// partsTo is the prefix of ref made of parts[:i] (parts from
// appendRefParts of ref, 0 < i <= len(parts)).
func partsTo(ref string, parts []string, i int) string {
	end := -1
	for _, p := range parts[:i] {
		end += len(p) + 1
	}
	return ref[:end]
}

// partsFrom is the suffix of ref that starts at parts[i] (parts from
// appendRefParts of ref), "" past the end: an attribute path without
// joining its parts again.
func partsFrom(ref string, parts []string, i int) string {
	if i >= len(parts) {
		return ""
	}
	off := 0
	for _, p := range parts[:i] {
		off += len(p) + 1
	}
	return ref[off:]
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
	// The forms are prefixes of the references, so none is built.
	var formBuf [32]string
	seenSpecific := refForms{list: formBuf[:0]}
	var partBuf [8]string
	for _, ref := range refs {
		if strings.HasPrefix(ref, ApproxMarker) {
			// The sources could not decide which arm of a conditional
			// this instance takes: its targets are one of the arms'.
			*lost = append(*lost, ref)
			continue
		}
		parts := appendRefParts(partBuf[:0], ref)
		if len(parts) < 2 {
			continue
		}
		switch parts[0] {
		case "count", "each", "path", "terraform", "self":
			continue
		case "local":
			name, _ := cutIndex(parts[1])
			form := ref[:len("local.")+len(name)]
			if seenSpecific.has(form) {
				continue
			}
			seenSpecific = seenSpecific.with(form)
			ix.resolveLocal(mod, name, ref, depth, rs)
			continue
		case "var":
			if seenSpecific.has(ref) {
				continue
			}
			seenSpecific = seenSpecific.with(ref)
			steps := tfaddr.Steps(ref)
			ix.resolveVar(mod, steps[1], steps[2:], depth, rs)
			continue
		case "module":
			call, idx := cutIndex(parts[1])
			general := ref[:len("module.")+len(call)]
			if len(parts) < 3 {
				if seenSpecific.has(general) {
					continue
				}
				// A bare module reference: every output of it.
				seenSpecific = seenSpecific.with(general)
				ix.resolveModule(mod, call, idx, "", depth, rs)
				continue
			}
			seenSpecific = seenSpecific.with(general)
			// module.db.secret[0].arn: the output is "secret", indexed.
			output, _ := cutIndex(parts[2])
			if idx == "" && ix.isInstanceKey(ix.childInstances[modCall{mod, call}], parts[2]) {
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
		// key: type.name (data.type.name), with its index when it has one.
		next := 2
		if parts[0] == "data" {
			if len(parts) < 3 {
				continue
			}
			next = 3
		}
		key := partsTo(ref, parts, next)
		name, idx := cutIndex(key)
		// specific: name+idx (key itself, unless the index sits on the
		// next part).
		specific := key
		if idx == "" {
			// "aws_x.y.attr" with the index on the attribute is not a thing;
			// an index sits on the name part.
			if next < len(parts) {
				if n, i := cutIndex(parts[next]); n == "" && i != "" {
					idx = i
					specific = name + idx
					next++
				}
			}
		}
		// The instances of name, looked up once for both uses below.
		var instances []*res
		looked := false
		if idx == "" && next < len(parts) && keyLike(parts[next]) {
			instances, looked = ix.byModKey[modKey{mod, name}], true
		}
		if looked && resKeyed(instances, parts[next]) {
			// The sources write fn["api"].json as fn.api.json: "api" is a
			// for_each key of fn, not an attribute.
			idx = `["` + parts[next] + `"]`
			specific = name + idx
			next++
		}
		// "x.a[0].id" then "x.a[0]": the same instance, keep the first
		// (most specific) form; "x.a" after any "x.a[...]" is the widening.
		if seenSpecific.has(specific) || (idx == "" && seenSpecific.has(name)) {
			continue
		}
		seenSpecific = seenSpecific.with(specific)
		if specific != name {
			seenSpecific = seenSpecific.with(name)
		}
		if !looked {
			instances = ix.byModKey[modKey{mod, name}]
		}
		if len(instances) == 0 {
			*lost = append(*lost, inModule(mod, ref))
			continue
		}
		attr := partsFrom(ref, parts, next)
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
	if !keyLike(step) {
		return false
	}
	for _, a := range addrs {
		if hasKeySuffix(a, step) {
			return true
		}
	}
	return false
}

// resKeyed is isInstanceKey on resource instances (asked for nearly every
// reference to a resource, so it builds nothing).
func resKeyed(rs []*res, step string) bool {
	if !keyLike(step) {
		return false
	}
	for _, r := range rs {
		if r.keyed && hasKeySuffix(r.Address, step) {
			return true
		}
	}
	return false
}

func keyLike(step string) bool {
	return step != "" && !strings.ContainsAny(step, "[\"")
}

// hasKeySuffix: addr ends in ["key"] (without building that suffix).
func hasKeySuffix(addr, key string) bool {
	end := len(addr) - 2 // before the closing "]
	start := end - len(key)
	return start >= 2 && addr[end:] == `"]` && addr[start:end] == key && addr[start-2:start] == `["`
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
	key := visitKey{'a', r.Address, strings.Join(path, "."), ""}
	if !rs.visit(key) {
		return
	}
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
		*rs.lost = append(*rs.lost, inModule(mod, ref)+" ("+HintSource+")")
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
		*rs.lost = append(*rs.lost, inModule(mod, ref)+" (not declared in the sources read)")
		return
	}
	key := visitKey{'l', mod, ref, ""}
	if !rs.visit(key) {
		return
	}
	ix.resolveInto(mod, refs, depth+1, rs)
}

// resolveVar follows var.name inside module instance mod to the caller's
// expression for that input, narrowed by sel (var.routes["GET /x"].uri)
// through the sources when they are given.
func (ix *index) resolveVar(mod, name string, sel []string, depth int, rs *resolution) {
	lost := rs.lost
	key := visitKey{'v', mod, name, strings.Join(sel, "\x00")}
	if !rs.visit(key) {
		return
	}
	var mi modInst
	if mod != "" {
		mi = ix.modInstance(mod)
	}
	segs := mi.segs
	if len(segs) == 0 {
		// A root variable is a plan input, not a resource.
		*lost = append(*lost, inModule(mod, "var."+name))
		return
	}
	parent := mi.parent
	var call *tfjson.ModuleCall
	if pm := ix.modConfigs[mi.parentPath]; pm != nil {
		call = pm.ModuleCalls[segs[len(segs)-1].call]
	}
	if call == nil {
		*lost = append(*lost, inModule(mod, "var."+name))
		return
	}
	e := call.Expressions[name]
	if ix.src != nil && e != nil && e.ExpressionData != nil && (len(sel) > 0 || hasIteration(e.References) || mayChoose(e.References)) {
		// The plan flattens the argument's references; the sources keep
		// its shape, so a key, the call's own each or a condition on a
		// variable picks one part.
		if refs, ok := ix.src.Argument(ix.configPath(mod), indexSuffix(mod), name, sel...); ok {
			rs.settled = rs.settled || len(refs) == 0
			ix.resolveInto(parent, refs, depth+1, rs)
			return
		}
	}
	if e == nil || e.ExpressionData == nil || len(e.References) == 0 {
		*lost = append(*lost, inModule(mod, "var."+name))
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
	if hasIteration(e.References) {
		// var.x = [each.value.role == "control" ? a.id : b.id]: the plan
		// lists both, not which this instance takes. Several targets are
		// one of them, not all: say so (the sources decide it).
		before := len(*rs.out)
		ix.resolveInto(parent, e.References, depth+1, rs)
		if len(distinctAddrs((*rs.out)[before:])) > 1 {
			*lost = append(*lost, ApproxMarker+"var."+name)
		}
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
		*lost = append(*lost, inModule(mod, "module."+call+"."+output))
		return
	}
	instances := ix.childInstances[modCall{mod, call}]
	if idx != "" {
		want := "module." + call + idx
		if mod != "" {
			want = mod + "." + want
		}
		instances = []string{want}
	}
	outputs := []string{output}
	if output == "" {
		// Every output, in name order: each is expanded once, where it is
		// first reached, so map order would change the answer between runs.
		outputs = slices.Sorted(maps.Keys(cm.Outputs))
	}
	for _, o := range outputs {
		co := cm.Outputs[o]
		if co == nil || co.Expression == nil || co.Expression.ExpressionData == nil || len(co.Expression.References) == 0 {
			*lost = append(*lost, inModule(mod, "module."+call+"."+o))
			continue
		}
		if len(instances) == 0 {
			*lost = append(*lost, inModule(mod, "module."+call+"."+o))
			continue
		}
		for _, inst := range instances {
			key := visitKey{'o', inst, o, ""}
			if !rs.visit(key) {
				continue
			}
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
	for i, t := range ts {
		if len(types) > 0 {
			r := ix.byAddr[t.Addr]
			if r == nil || !contains(types, r.Type) {
				continue
			}
		}
		if out == nil {
			// Room for the rest at once: one allocation, not one per growth.
			out = make([]string, 0, len(ts)-i)
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
// approximation (through a module's for_each/count expression, or both
// arms of a conditional the sources could not decide: source.Guess).
const ApproxMarker = "~approx:"

// approxWhy says why a reference marked with ApproxMarker is approximate:
// the sources' own reason (an undecided condition), or the module
// for_each/count expression it was read through.
func approxWhy(note string) string {
	if strings.HasPrefix(note, "the condition") {
		return note
	}
	return note + " was read through a module's for_each/count expression, which the plan does not split per instance"
}

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

// inModule names the module instance a lost reference belongs to, so that
// local.x inside module.api does not read like a local of the root module:
// "module.api: local.x". Root references stay bare.
func inModule(mod, ref string) string {
	if mod == "" {
		return ref
	}
	return mod + ": " + ref
}
