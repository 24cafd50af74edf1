package model

import (
	"sort"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/letsleep/letsleep/internal/tfaddr"
)

// res is one resource instance (managed or data) with its values after the
// plan, what is unknown, and its configuration block.
type res struct {
	Address string
	Module  string // module instance path, e.g. module.a[0].module.b["x"]; "" for root
	Type    string
	Name    string
	Data    bool
	// keyed: Address ends in "] (a string instance key), set by index.add;
	// resKeyed reads it instead of the address's bytes, a cache miss for
	// most of the instances a resolution reaches.
	keyed   bool
	Index   any
	Values  map[string]any
	Unknown map[string]any // after_unknown tree; nil when all known
	Config  *tfjson.ConfigResource
	// Read is true for a data source that terraform reads during apply
	// because an input was unknown (action "read" in resource_changes).
	Read bool
	// src answers for blocks the plan's configuration leaves out (dynamic
	// blocks); nil without sources.
	src Sources
	// ref memoises key(): asked for per resource by every index and per
	// reference the sources answer.
	ref string
}

// key is the type.name form used in configuration references.
func (r *res) key() string {
	if r.ref == "" {
		if r.Data {
			r.ref = "data." + r.Type + "." + r.Name
		} else {
			r.ref = r.Type + "." + r.Name
		}
	}
	return r.ref
}

// modKey keys byModKey: a module instance path and a type.name (two
// strings, so a look-up builds no key string).
type modKey struct{ mod, name string }

// index holds every resource by address and the lookups the reference
// resolver needs. All joins go through these maps, never nested scans.
type index struct {
	byAddr map[string]*res
	byType map[string][]*res
	// byModKey: module instance and type.name → instances (count/for_each).
	byModKey map[modKey][]*res
	// modConfigs: module config path (call names joined by ".") → module.
	modConfigs map[string]*tfjson.ConfigModule
	// childInstances: parent instance and call name → child instances.
	childInstances map[modCall][]string
	childSeen      map[childKey]bool
	// src answers what the plan's configuration leaves out (nil: none).
	src Sources
	// mods memoises, per module instance, splitModule and configPath (a few
	// thousand instances, asked for once per resource and per reference
	// followed) and whether the instance is recorded (every resource of an
	// instance would otherwise split and rejoin its whole path again). One
	// map, so one hash of the path answers all three.
	mods map[string]modInst
	// lastMod: the module instance of the last resource added; a plan
	// lists an instance's resources together, so the next one is most
	// often in the same instance and needs no look-up.
	lastMod string
	// order: every instance in the order added (a module instance's
	// resources together), for passes that do per-instance work.
	order []*res
	// keys interns type.name (data.type.name) per resource: replicas of a
	// module repeat the same few hundred keys over every instance.
	keys map[resName]string
	// singles backs the one-instance lists of byModKey (add).
	singles []*res
	// outBuf, lostBuf: resolveSettled's scratch buffers, reused by every
	// call (resolving guards against a nested call).
	outBuf    []target
	lostBuf   []string
	resolving bool
	// seenBuf: resolveSettled's visited set, emptied for every call; a
	// set of its own per call was half of a resolution's allocated bytes.
	seenBuf visitSet
}

// newIndex makes an empty index; resources is the expected number of
// instances, so the per-instance maps do not rehash while they fill (a
// tenth of the resolve stage at 50k resources).
func newIndex(src Sources, resources int) *index {
	return &index{
		src:            src,
		byAddr:         make(map[string]*res, resources),
		byType:         map[string][]*res{},
		byModKey:       make(map[modKey][]*res, resources),
		modConfigs:     map[string]*tfjson.ConfigModule{},
		childInstances: map[modCall][]string{},
		childSeen:      map[childKey]bool{},
		keys:           map[resName]string{},
		singles:        make([]*res, 0, resources),
		order:          make([]*res, 0, resources),
		mods:           map[string]modInst{},
	}
}

// modInst is what the index memoises of one module instance path. Set
// once when the path is first asked for (added aside), so a copy of the
// map (view) shares no state that is written later.
type modInst struct {
	segs  []modSeg
	path  string
	added bool
	// parent is the instance that calls this one ("" for the root) and
	// parentPath its configPath: resolveVar goes there for every input
	// variable it follows, and building them per variable (trimming mod,
	// hashing the parent again) was a third of its own time.
	parent, parentPath string
}

// modInstance is the memo of mod, made on first use.
func (ix *index) modInstance(mod string) modInst {
	mi, ok := ix.mods[mod]
	if !ok {
		mi.segs = splitModule(mod)
		mi.path = callPath(mi.segs)
		if len(mi.segs) > 0 {
			mi.parent = strings.TrimSuffix(strings.TrimSuffix(mod, mi.segs[len(mi.segs)-1].instance), ".")
			if mi.parent == mod {
				// Not a suffix (a malformed path): the parent is mod itself.
				mi.parentPath = mi.path
			} else {
				mi.parentPath = ix.configPath(mi.parent)
			}
		}
		ix.mods[mod] = mi
	}
	return mi
}

// configPath is configPath(mod), computed once per module instance.
func (ix *index) configPath(mod string) string {
	if mod == "" {
		return ""
	}
	return ix.modInstance(mod).path
}

// segments is splitModule(mod), computed once per module instance; the
// result is shared and must not be changed.
func (ix *index) segments(mod string) []modSeg {
	if mod == "" {
		return nil
	}
	return ix.modInstance(mod).segs
}

func (ix *index) add(r *res) {
	if _, dup := ix.byAddr[r.Address]; dup {
		return
	}
	ix.byAddr[r.Address] = r
	r.src = ix.src
	r.keyed = strings.HasSuffix(r.Address, `"]`)
	if r.ref == "" {
		n := resName{r.Type, r.Name, r.Data}
		if k, ok := ix.keys[n]; ok {
			r.ref = k
		} else {
			ix.keys[n] = r.key()
		}
	}
	ix.byType[r.Type] = append(ix.byType[r.Type], r)
	k := modKey{r.Module, r.key()}
	if list, ok := ix.byModKey[k]; ok {
		ix.byModKey[k] = append(list, r)
	} else {
		// Most keys hold one instance (for_each sits on the module, not the
		// resource): a one-element window of a shared slab, not an
		// allocation each. A second instance moves the list out (cap 1).
		if len(ix.singles) == cap(ix.singles) {
			ix.singles = make([]*res, 0, max(64, cap(ix.singles)))
		}
		ix.singles = append(ix.singles, r)
		n := len(ix.singles)
		ix.byModKey[k] = ix.singles[n-1 : n : n]
	}
	ix.order = append(ix.order, r)
	if r.Module != ix.lastMod {
		ix.addModuleInstance(r.Module)
		ix.lastMod = r.Module
	}
}

// addModuleInstance records every level of a module instance path.
func (ix *index) addModuleInstance(mod string) {
	mi := ix.modInstance(mod)
	if mi.added {
		return
	}
	mi.added = true
	ix.mods[mod] = mi
	// In a well-formed path the instances are joined by single dots, so
	// each level's path is a prefix of mod and no string is built.
	parent := ""
	for _, s := range mi.segs {
		child := s.instance
		if parent != "" {
			if end := len(parent) + 1 + len(s.instance); len(mod) >= end && mod[:len(parent)] == parent && mod[len(parent)] == '.' && mod[len(parent)+1:end] == s.instance {
				child = mod[:end]
			} else {
				child = parent + "." + s.instance
			}
		}
		ck := childKey{modCall{parent, s.call}, child}
		if !ix.childSeen[ck] {
			ix.childSeen[ck] = true
			ix.childInstances[ck.modCall] = append(ix.childInstances[ck.modCall], child)
		}
		parent = child
	}
}

// modCall names a module call made from a module instance ("" for root).
type modCall struct{ parent, call string }

// childKey is one instance of a module call.
type childKey struct {
	modCall
	child string
}

// resName is what a resource's type.name key is made of.
type resName struct {
	typ, name string
	data      bool
}

// sortTypes makes per-type lists deterministic.
func (ix *index) sortTypes() {
	for _, list := range ix.byType {
		sortByAddress(list)
	}
	for _, list := range ix.byModKey {
		sortByAddress(list)
	}
	for _, list := range ix.childInstances {
		sort.Strings(list)
	}
}

// sortByAddress sorts instances by address; a list of one (most of
// byModKey) costs no sort.Slice call, which allocates.
func sortByAddress(list []*res) {
	if len(list) > 1 {
		sort.Slice(list, func(i, j int) bool { return list[i].Address < list[j].Address })
	}
}

type modSeg struct {
	call     string // the module call name
	instance string // "module.call[idx]" as it appears in the address
}

// splitModule splits "module.a[0].module.b[\"x.y\"]" into its calls,
// respecting quoted keys that may hold dots. The calls and instances are
// substrings of mod (nothing is built).
func splitModule(mod string) []modSeg {
	if mod == "" {
		return nil
	}
	// One allocation: each level starts with "module." (a key holding that
	// text only makes the slice longer than needed).
	out := make([]modSeg, 0, strings.Count(mod, "module."))
	for mod != "" {
		if !strings.HasPrefix(mod, "module.") {
			return out
		}
		rest := mod[len("module."):]
		i := 0
		for i < len(rest) && rest[i] != '.' && rest[i] != '[' {
			i++
		}
		call := rest[:i]
		j := i
		if j < len(rest) && rest[j] == '[' {
			j = tfaddr.SkipBracket(rest, j)
		}
		out = append(out, modSeg{call: call, instance: mod[:len("module.")+j]})
		rest = rest[j:]
		mod = strings.TrimPrefix(rest, ".")
	}
	return out
}

// configPath turns a module instance path into its configuration path
// (call names only): module.a[0].module.b["x"] → a.b.
func configPath(mod string) string {
	return callPath(splitModule(mod))
}

// callPath joins the call names of segs with dots.
func callPath(segs []modSeg) string {
	switch len(segs) {
	case 0:
		return ""
	case 1:
		return segs[0].call
	}
	n := len(segs) - 1
	for _, s := range segs {
		n += len(s.call)
	}
	var b strings.Builder
	b.Grow(n)
	for i, s := range segs {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.call)
	}
	return b.String()
}

// indexConfig records every module of the configuration by its call path.
func (ix *index) indexConfig(cfg *tfjson.Config) {
	if cfg == nil || cfg.RootModule == nil {
		return
	}
	var walk func(path string, m *tfjson.ConfigModule, depth int)
	walk = func(path string, m *tfjson.ConfigModule, depth int) {
		if m == nil || depth > 64 {
			return
		}
		ix.modConfigs[path] = m
		for name, call := range m.ModuleCalls {
			if call == nil {
				continue
			}
			child := name
			if path != "" {
				child = path + "." + name
			}
			walk(child, call.Module, depth+1)
		}
	}
	walk("", cfg.RootModule, 0)
}

// configFor finds the configuration block of a resource.
func (ix *index) configFor(r *res) *tfjson.ConfigResource {
	m := ix.modConfigs[ix.configPath(r.Module)]
	if m == nil {
		return nil
	}
	for _, c := range m.Resources {
		if c == nil || c.Type != r.Type || c.Name != r.Name {
			continue
		}
		if (c.Mode == tfjson.DataResourceMode) == r.Data {
			return c
		}
	}
	return nil
}

// attachConfigs links every resource to its configuration block, one pass
// per module (not per resource) so it stays linear.
func (ix *index) attachConfigs() {
	byMod := map[string]map[string]*tfjson.ConfigResource{}
	// In the order added, a module instance's resources come together:
	// its configuration's map is looked up once per run of them.
	var cm map[string]*tfjson.ConfigResource
	lastMod := ""
	for i, r := range ix.order {
		if i > 0 && r.Module == lastMod {
			r.Config = cm[r.key()]
			continue
		}
		lastMod = r.Module
		path := ix.configPath(r.Module)
		var ok bool
		cm, ok = byMod[path]
		if !ok {
			cm = map[string]*tfjson.ConfigResource{}
			if m := ix.modConfigs[path]; m != nil {
				for _, c := range m.Resources {
					if c == nil {
						continue
					}
					k := c.Type + "." + c.Name
					if c.Mode == tfjson.DataResourceMode {
						k = "data." + k
					}
					cm[k] = c
				}
			}
			byMod[path] = cm
		}
		r.Config = cm[r.key()]
	}
}
