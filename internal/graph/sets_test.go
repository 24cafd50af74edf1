package graph

import (
	"strings"

	"github.com/letsleep/letsleep/internal/model"
	"testing"

	"github.com/letsleep/letsleep/internal/plangen/tenantmodel"
)

// TestTargetSetDrawnOnce: functions granted "*" over many tenants point at
// one node for the set of databases, which points at each member once, so
// the picture grows with the tenants, not their square; Links says so
// before anything is built.
func TestTargetSetDrawnOnce(t *testing.T) {
	for _, n := range []int{12, 24} {
		m, err := tenantmodel.Build(n, 1)
		if err != nil {
			t.Fatal(err)
		}
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
			if strings.HasPrefix(e.To, model.SetDatabases+":") {
				toSet++
			}
		}
		if sets != 1 || members != n {
			t.Errorf("n=%d: %d set nodes and %d member edges, want 1 and %d", n, sets, members, n)
		}
		// Each function: a Data API, an assume-role and a hop edge to the set.
		if toSet != 3*n {
			t.Errorf("n=%d: %d edges into the set, want %d", n, toSet, 3*n)
		}
		// Focused on one tenant, the set is one node: the other tenants'
		// databases stay out of the picture.
		f, err := g.Focus([]string{strings.SplitN(m.Functions[0].Address, ".module.", 2)[0]}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Nodes) > 8 {
			t.Errorf("n=%d: focus on one tenant draws %d nodes, want the tenant's and its set", n, len(f.Nodes))
		}
		if links := Links(m, nil); links != 4*n {
			t.Errorf("n=%d: Links = %d, want %d (three paths per function, one link per member)", n, links, 4*n)
		}
	}
}
