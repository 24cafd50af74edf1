package plangen_test

import (
	"bytes"
	"runtime"
	"testing"

	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/plan"
	"github.com/letsleep/letsleep/internal/plangen"
)

// buildBytes builds the model of n wildcard tenants (the plan made and
// loaded beforehand) and tells the bytes model.Build allocated: a count
// of its work that the machine's load does not change.
func buildBytes(t *testing.T, n int) uint64 {
	t.Helper()
	var buf bytes.Buffer
	if _, err := plangen.WriteWildcardTenants(&buf, n, 1); err != nil {
		t.Fatal(err)
	}
	p, err := plan.FromBytes("wild.json", buf.Bytes(), plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, err := model.Build(p, model.Config{}); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestWildcardTenantsBuildWorkLinear: the work of building the model grows
// linearly with the tenants. Each role granted "*" used to match, group
// and hash all N targets, and each function to walk every set of N
// members, so the work grew with N² (400 tenants: 1.34 GB allocated, 2.3 s
// of CPU; now 48 MB). The model's size alone (TestWildcardTenantsModelLinear)
// did not show it.
func TestWildcardTenantsBuildWorkLinear(t *testing.T) {
	b50, b100, b200, b400 := buildBytes(t, 50), buildBytes(t, 100), buildBytes(t, 200), buildBytes(t, 400)
	first, last := float64(b100-b50)/50, float64(b400-b200)/200
	t.Logf("bytes allocated by model.Build: 50 tenants %d, 100 %d, 200 %d, 400 %d", b50, b100, b200, b400)
	if last > 1.25*first {
		t.Errorf("model.Build allocates %.0f bytes per added tenant from 200 to 400 tenants, %.0f from 50 to 100: not linear", last, first)
	}
}
