package model

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/letsleep/letsleep/internal/plan"
	"github.com/letsleep/letsleep/internal/plangen"
)

// resolveShapes loads a small generated plan of every shape (the for_each
// replicas, distinct calls, the community stacks without their sources)
// and the fixtures, resolved.
func resolveShapes(t *testing.T) map[string]*resolved {
	t.Helper()
	out := map[string]*resolved{}
	for _, shape := range []string{plangen.ShapeEach, plangen.ShapeDistinct, plangen.ShapeCommunity} {
		path, _, err := plangen.WriteShape(t.TempDir(), "../..", 600, shape)
		if err != nil {
			t.Fatal(err)
		}
		p, err := plan.Load(context.Background(), path, plan.Options{})
		if err != nil {
			t.Fatal(err)
		}
		out[shape] = resolve(p, nil)
	}
	for _, name := range []string{"stack", "placement", "edges", "condsg"} {
		out[name] = resolve(loadFixturePlan(t, name), nil)
	}
	return out
}

// TestResolveScratchStartsEmpty asks every reference list of every
// resource through resolveSettled, whose visited set is the index's own
// and reused by every call, and again as a nested call would, with a
// visited set of its own: the answers must be the same. A visited set
// carried from one question to the next (not emptied) loses the inputs
// and outputs an earlier question expanded.
func TestResolveScratchStartsEmpty(t *testing.T) {
	asked, followed := 0, 0
	for name, rx := range resolveShapes(t) {
		ix := rx.ix
		for _, r := range ix.order {
			if r.Config == nil {
				continue
			}
			for key, e := range r.Config.Expressions {
				if e == nil || e.ExpressionData == nil || len(e.References) == 0 {
					continue
				}
				got, gotLost, gotSettled := ix.resolveSettled(r.Module, e.References)
				ix.resolving = true // the nested path: fresh buffers and visited set
				want, wantLost, wantSettled := ix.resolveSettled(r.Module, e.References)
				ix.resolving = false
				if !slices.Equal(got, want) || !slices.Equal(gotLost, wantLost) || gotSettled != wantSettled {
					t.Fatalf("%s: %s.%s %v: got %v lost %v, a fresh resolution %v lost %v", name, r.Address, key, e.References, got, gotLost, want, wantLost)
				}
				asked++
				if strings.Contains(fmt.Sprint(e.References), "var.") || strings.Contains(fmt.Sprint(e.References), "module.") {
					followed++
				}
			}
		}
	}
	if asked < 1000 || followed < 200 {
		t.Fatalf("asked %d questions, %d through inputs or outputs: too few to tell", asked, followed)
	}
}

// TestModInstanceParentMemo: the parent instance and its configuration
// path that resolveVar reads from the memo are what it computed per
// variable before: mod without its last instance, and configPath of that,
// for well-formed and malformed paths.
func TestModInstanceParentMemo(t *testing.T) {
	mods := []string{
		"module.a", `module.a[0].module.b["x.y]z"].module.c`, `module.a["k"].module.b`,
		`module.a["k"].module.b[3]`, "module.a..module.b", "module.", "x.module.a",
		`module.a["open`, "module.a.", ".module.a", "module.a.module.a",
	}
	for _, rx := range resolveShapes(t) {
		for _, r := range rx.ix.order {
			mods = append(mods, r.Module)
		}
	}
	ix := newIndex(nil, 0)
	for _, mod := range mods {
		if mod == "" {
			continue
		}
		mi := ix.modInstance(mod)
		segs := splitModule(mod)
		if len(segs) == 0 {
			if mi.parent != "" || mi.parentPath != "" {
				t.Errorf("%q: no segments but parent %q path %q", mod, mi.parent, mi.parentPath)
			}
			continue
		}
		parent := strings.TrimSuffix(strings.TrimSuffix(mod, segs[len(segs)-1].instance), ".")
		if mi.parent != parent || mi.parentPath != configPath(parent) {
			t.Errorf("%q: parent %q path %q, want %q and %q", mod, mi.parent, mi.parentPath, parent, configPath(parent))
		}
	}
}

// TestResKeyedMark: index.add marks the instances whose address ends in a
// string key, and resKeyed with the mark answers as the scan of every
// address did, for every step of every reference and every instance key.
func TestResKeyedMark(t *testing.T) {
	oldResKeyed := func(rs []*res, step string) bool {
		if !keyLike(step) {
			return false
		}
		for _, r := range rs {
			if hasKeySuffix(r.Address, step) {
				return true
			}
		}
		return false
	}
	keyed, hits := 0, 0
	for name, rx := range resolveShapes(t) {
		ix := rx.ix
		steps := map[string]bool{"id": true, "arn": true, "": true, `"]`: true}
		for _, r := range ix.order {
			if r.keyed != strings.HasSuffix(r.Address, `"]`) {
				t.Fatalf("%s: %s marked keyed=%v", name, r.Address, r.keyed)
			}
			if r.keyed {
				keyed++
				if k := instanceKey(indexSuffix(r.Address)); k != "" {
					steps[k] = true
				}
			}
			if r.Config != nil {
				for _, e := range r.Config.Expressions {
					if e != nil && e.ExpressionData != nil {
						for _, ref := range e.References {
							for _, p := range appendRefParts(nil, ref) {
								steps[p] = true
							}
						}
					}
				}
			}
		}
		for k, list := range ix.byModKey {
			for step := range steps {
				want := oldResKeyed(list, step)
				if got := resKeyed(list, step); got != want {
					t.Fatalf("%s: resKeyed(%v, %q) = %v, want %v", name, k, step, got, want)
				}
				if want {
					hits++
				}
			}
		}
	}
	if keyed == 0 || hits == 0 {
		t.Fatalf("%d keyed instances, %d keyed answers: the plans do not exercise the mark", keyed, hits)
	}
}
