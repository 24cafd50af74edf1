package plangen_test

import (
	"encoding/json"
	"testing"

	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/plangen/tenantmodel"
)

// wildcardModel builds the model of n wildcard tenants.
func wildcardModel(t *testing.T, n int) *model.Model {
	t.Helper()
	m, err := tenantmodel.Build(n, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Functions) != n || len(m.Databases) != n || len(m.Secrets) != n {
		t.Fatalf("model: %d functions, %d databases, %d secrets", len(m.Functions), len(m.Databases), len(m.Secrets))
	}
	return m
}

// TestWildcardTenants: every tenant's function is granted "*", so each one
// reaches every tenant's database, directly (Data API) and by invoking
// another tenant's function. Past model.ListedTargets tenants the model
// names each wildcard's targets as one shared set and lists one path per
// (function, set); expanded, they are one path per (function, database),
// directly and by invoke, with full evidence.
func TestWildcardTenants(t *testing.T) {
	for _, n := range []int{model.ListedTargets - 2, 12} {
		m := wildcardModel(t, n)
		x := model.NewExpander(m)
		sets := n > model.ListedTargets
		for _, r := range m.Roles {
			// One grant per action (4) with sets; one per (action, target) without.
			want := 4 * n
			if sets {
				want = 4
			}
			if len(r.Grants) != want {
				t.Errorf("n=%d %s: %d grants, want %d", n, r.Address, len(r.Grants), want)
			}
		}
		for _, f := range m.Functions {
			byKind := map[string]map[string]int{}
			listed := 0
			for _, p := range f.DataPaths {
				listed++
				if (p.TargetSet != "") != sets {
					t.Errorf("n=%d %s: path %s to %q set %q", n, f.Address, p.Kind, p.Target, p.TargetSet)
				}
				for _, e := range x.ExpandPath(f.Address, p) {
					if byKind[e.Kind] == nil {
						byKind[e.Kind] = map[string]int{}
					}
					byKind[e.Kind][e.Target]++
					last := e.Steps[len(e.Steps)-1]
					if e.Target == "" || last.Address != e.Target || e.Steps[0].Address != f.Address {
						t.Errorf("n=%d %s: expanded %s path is not from the function to %q: %+v", n, f.Address, e.Kind, e.Target, e.Steps)
					}
				}
			}
			if sets && listed != 2 {
				t.Errorf("n=%d %s: %d data paths listed, want 2 (Data API and invoke, each to a set)", n, f.Address, listed)
			}
			if len(byKind[model.PathDataAPI]) != n {
				t.Errorf("n=%d %s: Data API paths reach %d databases, want all %d", n, f.Address, len(byKind[model.PathDataAPI]), n)
			}
			if len(byKind[model.PathInvoke]) != n {
				t.Errorf("n=%d %s: invoke paths reach %d databases, want all %d", n, f.Address, len(byKind[model.PathInvoke]), n)
			}
			for target, c := range byKind[model.PathInvoke] {
				if c != 1 {
					t.Errorf("n=%d %s: %d invoke paths to %s, want one", n, f.Address, c, target)
				}
			}
			if len(f.Egress) == 0 {
				t.Errorf("n=%d %s: a function outside any VPC must be able to go out", n, f.Address)
			}
		}
	}
}

// TestWildcardTenantsModelLinear: the model's JSON grows linearly with the
// tenants (it grew with their square when every grant and path was listed
// per target).
func TestWildcardTenantsModelLinear(t *testing.T) {
	size := func(n int) int {
		b, err := json.Marshal(wildcardModel(t, n))
		if err != nil {
			t.Fatal(err)
		}
		return len(b)
	}
	s40, s80, s160 := size(40), size(80), size(160)
	first, last := float64(s80-s40)/40, float64(s160-s80)/80
	if last > 1.5*first {
		t.Errorf("model bytes per added tenant: %.0f from 40 to 80, %.0f from 80 to 160: not linear", first, last)
	}
}
