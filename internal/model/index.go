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
	// childInstances: parent instance + "|" + call name → child instances.
	childInstances map[string][]string
	childSeen      map[string]bool
	// modSeen: module instances already recorded; every resource of an
	// instance would otherwise split and rejoin its whole path again.
	modSeen map[string]bool
	// src answers what the plan's configuration leaves out (nil: none).
	src Sources
	// modPaths memoises configPath per module instance: a few thousand
	// instances, asked for once per resource and per reference followed.
	modPaths map[string]string
	// modSegs memoises splitModule the same way (every input variable
	// followed splits its module instance).
	modSegs map[string][]modSeg
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
		childInstances: map[string][]string{},
		childSeen:      map[string]bool{},
		modSeen:        map[string]bool{},
		modPaths:       map[string]string{},
		modSegs:        map[string][]modSeg{},
	}
}

// configPath is configPath(mod), computed once per module instance.
func (ix *index) configPath(mod string) string {
	if mod == "" {
		return ""
	}
	p, ok := ix.modPaths[mod]
	if !ok {
		p = configPath(mod)
		ix.modPaths[mod] = p
	}
	return p
}

// segments is splitModule(mod), computed once per module instance; the
// result is shared and must not be changed.
func (ix *index) segments(mod string) []modSeg {
	segs, ok := ix.modSegs[mod]
	if !ok {
		segs = splitModule(mod)
		ix.modSegs[mod] = segs
	}
	return segs
}

func (ix *index) add(r *res) {
	if _, dup := ix.byAddr[r.Address]; dup {
		return
	}
	ix.byAddr[r.Address] = r
	r.src = ix.src
	ix.byType[r.Type] = append(ix.byType[r.Type], r)
	k := modKey{r.Module, r.key()}
	ix.byModKey[k] = append(ix.byModKey[k], r)
	ix.addModuleInstance(r.Module)
}

// addModuleInstance records every level of a module instance path.
func (ix *index) addModuleInstance(mod string) {
	if ix.modSeen[mod] {
		return
	}
	ix.modSeen[mod] = true
	segs := splitModule(mod)
	parent := ""
	for _, s := range segs {
		child := s.instance
		if parent != "" {
			child = parent + "." + s.instance
		}
		k := parent + "|" + s.call
		if !ix.childSeen[k+"|"+child] {
			ix.childSeen[k+"|"+child] = true
			ix.childInstances[k] = append(ix.childInstances[k], child)
		}
		parent = child
	}
}

// sortTypes makes per-type lists deterministic.
func (ix *index) sortTypes() {
	for _, list := range ix.byType {
		sort.Slice(list, func(i, j int) bool { return list[i].Address < list[j].Address })
	}
	for _, list := range ix.byModKey {
		sort.Slice(list, func(i, j int) bool { return list[i].Address < list[j].Address })
	}
	for _, list := range ix.childInstances {
		sort.Strings(list)
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
	var out []modSeg
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
	segs := splitModule(mod)
	names := make([]string, len(segs))
	for i, s := range segs {
		names[i] = s.call
	}
	return strings.Join(names, ".")
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
	for _, r := range ix.byAddr {
		path := ix.configPath(r.Module)
		cm, ok := byMod[path]
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
