package graph

import (
	"bytes"
	"testing"

	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/plan"
	"github.com/letsleep/letsleep/internal/plangen"
)

func tenantsModel(t *testing.T, n int) *model.Model {
	t.Helper()
	var buf bytes.Buffer
	if _, err := plangen.WriteWildcardTenants(&buf, n, 1); err != nil {
		t.Fatal(err)
	}
	p, err := plan.FromBytes("wild.json", buf.Bytes(), plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Build(p, model.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestTargetSetDrawnOnce: functions granted "*" over many tenants point at
// one node for the set of databases, which points at each member once, so
// the picture grows with the tenants, not their square; Links says so
// before anything is built.
func TestTargetSetDrawnOnce(t *testing.T) {
	for _, n := range []int{12, 24} {
		m := tenantsModel(t, n)
		g := Build(m, nil)
		sets, members, toSet := 0, 0, 0
		for _, nd := range g.Nodes {
			if nd.Kind == KindTargetSet {
				sets++
			}
		}
		for _, e := range g.Edges {
			switch e.Label {
			case "member":
				members++
			}
			if len(e.To) > 10 && e.To[:10] == "databases:" {
				toSet++
			}
		}
		if sets != 1 || members != n {
			t.Errorf("n=%d: %d set nodes and %d member edges, want 1 and %d", n, sets, members, n)
		}
		// Each function: one Data API and one invoke edge to the set.
		if toSet != 2*n {
			t.Errorf("n=%d: %d edges into the set, want %d", n, toSet, 2*n)
		}
		if links := Links(m, nil); links != 3*n {
			t.Errorf("n=%d: Links = %d, want %d (two paths per function, one link per member)", n, links, 3*n)
		}
	}
}
