package explain

import (
	"strings"
	"testing"

	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/plangen/tenantmodel"
)

// TestExplainExpandsTargetSets: the model lists a function's paths to a set
// of databases once; explain of the function lists one path per database,
// and explain of a database finds every function whose set holds it.
func TestExplainExpandsTargetSets(t *testing.T) {
	const n = 12
	m, err := tenantmodel.Build(n, 1)
	if err != nil {
		t.Fatal(err)
	}
	fn := m.Functions[3]
	if len(fn.DataPaths) != 3 || fn.DataPaths[0].TargetSet == "" {
		t.Fatalf("want three paths to sets in the model (Data API, assume-role, a hop), got %+v", fn.DataPaths)
	}
	ex, err := Explain(m, nil, fn.Address)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, p := range ex.Function.DataPaths {
		if p.TargetSet != "" {
			t.Errorf("explain left a set path: %+v", p)
		}
		kind := p.Kind
		if kind != model.PathDataAPI && kind != model.PathAssumeRole {
			kind = "hop" // invoke, trigger, state machine or signed call: one per database
		}
		seen[kind+" "+p.Target]++
	}
	for _, d := range m.Databases {
		for _, kind := range []string{model.PathDataAPI, model.PathAssumeRole, "hop"} {
			if seen[kind+" "+d.Address] != 1 {
				t.Errorf("%s path to %s listed %d times, want once", kind, d.Address, seen[kind+" "+d.Address])
			}
		}
	}
	text := ex.Text()
	if !strings.Contains(text, "Data paths (36)") || !strings.Contains(text, "on * → 12 databases (") {
		t.Errorf("text does not list 36 paths and the grant's set:\n%s", text)
	}
	db := m.Databases[5].Address
	ex, err = Explain(m, nil, db)
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]bool{}
	for _, r := range ex.ReachedBy {
		by[r.Function] = true
		if r.Path.Target != db || r.Path.Steps[len(r.Path.Steps)-1].Address != db {
			t.Errorf("%s: path does not end at %s: %+v", r.Function, db, r.Path)
		}
	}
	if len(by) != n {
		t.Errorf("database reached by %d functions, want %d", len(by), n)
	}
}
