package model

import (
	"maps"
	"slices"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
)

// TestIndexModuleInstancesInAnyOrder adds a plan's instances in plan order
// (an instance's resources together) and with the module instances
// interleaved (every resource in a different instance from the one before,
// instances coming back), and checks both indexes against what the
// module paths say on their own: every level of every instance recorded
// once under its call, each memo equal to splitModule and configPath, and
// every resource given its configuration block. The index skips the
// module look-up while the instance does not change and attaches configs
// per run of one instance; a wrong skip loses a level or a config here.
func TestIndexModuleInstancesInAnyOrder(t *testing.T) {
	for _, name := range []string{"stack", "placement", "edges", "condsg"} {
		rx := resolve(loadFixturePlan(t, name), nil)
		var inPlanOrder []*res
		for _, r := range rx.ix.order {
			c := *r
			c.Config, c.ref = nil, ""
			inPlanOrder = append(inPlanOrder, &c)
		}
		mods := map[string]bool{}
		for _, r := range inPlanOrder {
			mods[r.Module] = true
		}
		if len(mods) < 3 {
			t.Fatalf("%s: only %d module instances; the test needs several", name, len(mods))
		}
		for order, list := range map[string][]*res{
			"plan order":  inPlanOrder,
			"interleaved": interleaveByModule(inPlanOrder),
		} {
			ix := newIndex(nil, len(list))
			for _, r := range list {
				c := *r
				ix.add(&c)
			}
			ix.modConfigs = rx.ix.modConfigs // the module configs as resolve indexed them
			ix.attachConfigs()
			ix.sortTypes()
			checkIndexAgainstPaths(t, name+", "+order, ix, mods)
		}
	}
}

// interleaveByModule orders resources so that consecutive ones sit in
// different module instances where it can: the first resource of each
// instance, then the second of each, and so on.
func interleaveByModule(list []*res) []*res {
	byMod := map[string][]*res{}
	for _, r := range list {
		byMod[r.Module] = append(byMod[r.Module], r)
	}
	keys := slices.Sorted(maps.Keys(byMod))
	var out []*res
	for i := 0; len(out) < len(list); i++ {
		for _, k := range keys {
			if i < len(byMod[k]) {
				out = append(out, byMod[k][i])
			}
		}
	}
	return out
}

func checkIndexAgainstPaths(t *testing.T, what string, ix *index, mods map[string]bool) {
	t.Helper()
	want := map[modCall][]string{}
	for mod := range mods {
		parent := ""
		for _, s := range splitModule(mod) {
			child := s.instance
			if parent != "" {
				child = parent + "." + s.instance
			}
			k := modCall{parent, s.call}
			if !slices.Contains(want[k], child) {
				want[k] = append(want[k], child)
			}
			parent = child
		}
	}
	for k := range want {
		slices.Sort(want[k])
	}
	if !maps.EqualFunc(ix.childInstances, want, slices.Equal) {
		t.Errorf("%s: child instances\n got %v\nwant %v", what, ix.childInstances, want)
	}
	for mod := range mods {
		if mod == "" {
			continue
		}
		if !slices.Equal(ix.segments(mod), splitModule(mod)) || ix.configPath(mod) != configPath(mod) {
			t.Errorf("%s: memo of %s: %v %q", what, mod, ix.segments(mod), ix.configPath(mod))
		}
	}
	attached := 0
	for addr, r := range ix.byAddr {
		var want *tfjson.ConfigResource
		if m := ix.modConfigs[configPath(r.Module)]; m != nil {
			for _, c := range m.Resources {
				if c != nil && c.Type == r.Type && c.Name == r.Name && (c.Mode == tfjson.DataResourceMode) == r.Data {
					want = c
				}
			}
		}
		if r.Config != want {
			t.Errorf("%s: %s has config %v, want %v", what, addr, r.Config, want)
		}
		if want != nil {
			attached++
		}
	}
	if attached < len(ix.byAddr)/2 {
		t.Errorf("%s: only %d of %d resources have a config; the check above proves little", what, attached, len(ix.byAddr))
	}
}
