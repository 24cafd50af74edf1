package engine

import (
	"context"
	"encoding/json"
	"maps"
	"runtime"
	"slices"
	"testing"

	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/plan"
	"github.com/letsleep/letsleep/internal/plangen"
)

func TestSplitChecksDealsEveryCheckOnce(t *testing.T) {
	enabled := newEngine(t, Options{PolicyDirs: []string{writeDir(t, map[string]string{"acme.rego": userCheck})}}).enabled
	for n := 1; n <= len(enabled)+2; n++ {
		groups := splitChecks(enabled, n)
		if want := min(n, len(enabled)); len(groups) != want {
			t.Fatalf("n=%d: %d groups, want %d", n, len(groups), want)
		}
		seen := map[string]int{}
		for _, g := range groups {
			if len(g) == 0 {
				t.Errorf("n=%d: an empty group", n)
			}
			for k := range g {
				seen[k]++
			}
		}
		for k := range enabled {
			if seen[k] != 1 {
				t.Errorf("n=%d: %s is in %d groups, want 1", n, k, seen[k])
			}
		}
		if len(seen) != len(enabled) {
			t.Errorf("n=%d: %d packages dealt, want %d", n, len(seen), len(enabled))
		}
		again := splitChecks(enabled, n)
		for i := range groups {
			if !slices.Equal(slices.Sorted(maps.Keys(groups[i])), slices.Sorted(maps.Keys(again[i]))) {
				t.Fatalf("n=%d: the split depends on map order", n)
			}
		}
	}
	// Two groups: the two dearest checks land apart.
	two := splitChecks(enabled, 2)
	if _, ok := two[0]["letsleep.checks.unanalysed"]; !ok {
		t.Fatal("the dearest check is not in the first group")
	}
	if _, ok := two[1]["letsleep.checks.db_never_sleeps"]; !ok {
		t.Fatal("the second dearest check is not in the second group")
	}
}

func TestSplitChecksNoneEnabled(t *testing.T) {
	if groups := splitChecks(map[string]check{}, 4); len(groups) != 1 || len(groups[0]) != 0 {
		t.Fatalf("got %v, want one empty group", groups)
	}
}

// withProcs builds an engine as if the machine had n cores.
func withProcs(t *testing.T, n int, opts Options) *Engine {
	t.Helper()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(n))
	return newEngine(t, opts)
}

// The grouped queries find exactly what one query finds, on generated plans
// of both shapes with a user check among the built-ins.
func TestGroupedEvalMatchesOneQuery(t *testing.T) {
	opts := Options{PolicyDirs: []string{writeDir(t, map[string]string{"acme.rego": userCheck})}}
	one := withProcs(t, 1, opts)
	if len(one.queries) != 1 {
		t.Fatalf("GOMAXPROCS=1: %d queries, want 1", len(one.queries))
	}
	for _, shape := range []string{plangen.ShapeEach, plangen.ShapeCommunity} {
		m := generatedModel(t, 300, shape)
		want, _ := json.Marshal(eval(t, one, m))
		for _, procs := range []int{2, 3, maxQueryGroups + 2} {
			e := withProcs(t, procs, opts)
			if len(e.queries) != min(procs, maxQueryGroups) {
				t.Fatalf("GOMAXPROCS=%d: %d queries, want %d", procs, len(e.queries), min(procs, maxQueryGroups))
			}
			fs := eval(t, e, m)
			if len(fs) == 0 {
				t.Fatalf("%s: no findings on a plan that has some", shape)
			}
			if got, _ := json.Marshal(fs); string(got) != string(want) {
				t.Errorf("%s, %d queries: findings differ from one query", shape, len(e.queries))
			}
		}
	}
}

// generatedModel builds the model of a generated plan of n functions.
func generatedModel(t testing.TB, n int, shape string) *model.Model {
	t.Helper()
	path, _, err := plangen.WriteShape(t.TempDir(), "../..", n, shape)
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.Load(context.Background(), path, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Build(p, model.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return m
}
