package plangen

import (
	"bytes"
	"testing"

	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/plan"
)

// TestWildcardTenants: every tenant's function is granted "*", so each one
// reaches every tenant's database, directly (Data API) and by invoking
// another tenant's function; the invoke evidence is one path per
// (function, database), not one per (function, callee, database), which
// grew with the cube of the tenants.
func TestWildcardTenants(t *testing.T) {
	const n = 12
	var buf bytes.Buffer
	st, err := WriteWildcardTenants(&buf, n, 1)
	if err != nil {
		t.Fatal(err)
	}
	if st.Replicas != n || st.ResourceChanges != 5*n {
		t.Fatalf("stats = %+v", st)
	}
	p, err := plan.FromBytes("wild.json", buf.Bytes(), plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Build(p, model.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Functions) != n || len(m.Databases) != n || len(m.Secrets) != n {
		t.Fatalf("model: %d functions, %d databases, %d secrets", len(m.Functions), len(m.Databases), len(m.Secrets))
	}
	for _, f := range m.Functions {
		byKind := map[string]map[string]int{}
		for _, p := range f.DataPaths {
			if byKind[p.Kind] == nil {
				byKind[p.Kind] = map[string]int{}
			}
			byKind[p.Kind][p.Target]++
		}
		if len(byKind[model.PathDataAPI]) != n {
			t.Errorf("%s: Data API paths reach %d databases, want all %d", f.Address, len(byKind[model.PathDataAPI]), n)
		}
		if len(byKind[model.PathInvoke]) != n {
			t.Errorf("%s: invoke paths reach %d databases, want all %d", f.Address, len(byKind[model.PathInvoke]), n)
		}
		for target, c := range byKind[model.PathInvoke] {
			if c != 1 {
				t.Errorf("%s: %d invoke paths to %s, want one", f.Address, c, target)
			}
		}
		if len(f.Egress) == 0 {
			t.Errorf("%s: a function outside any VPC must be able to go out", f.Address)
		}
	}
}
