package plangen_test

import (
	"encoding/json"
	"strings"
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

// hopKinds are the kinds of a path that runs another tenant's function:
// invoke, or a message, execution or signed call that runs it. A caller
// keeps one hop path per database, whichever kind reached it first.
var hopKinds = map[string]bool{model.PathInvoke: true, model.PathTrigger: true, model.PathStateMachine: true, model.PathAPIInvoke: true}

// TestWildcardTenants: every tenant's function is granted "*", so each one
// reaches every tenant's database, directly (Data API), by assuming another
// tenant's ops role, and by running another tenant's function (invoke,
// publish, send, start, signed call). Past model.ListedTargets tenants the
// model names each wildcard's targets as one shared set and lists one path
// per (function, set); expanded, they are one path per (function,
// database) of each kind, with full evidence naming the member passed.
func TestWildcardTenants(t *testing.T) {
	for _, n := range []int{model.ListedTargets - 2, 12} {
		m := wildcardModel(t, n)
		x := model.NewExpander(m)
		sets := n > model.ListedTargets
		for _, r := range m.Roles {
			// The function's role: one grant per action (9) with sets; one
			// per (action, target) without, but sts:AssumeRole matches both
			// roles of each tenant, 2n, a set past ListedTargets. The ops
			// role: its own cluster.
			want := 8*n + 2*n
			if 2*n > model.ListedTargets {
				want = 8*n + 1
			}
			if sets {
				want = 9
			}
			if strings.HasSuffix(r.Address, ".ops") {
				want = 1
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
					kind := e.Kind
					if hopKinds[kind] {
						kind = "hop"
					}
					if byKind[kind] == nil {
						byKind[kind] = map[string]int{}
					}
					byKind[kind][e.Target]++
					last := e.Steps[len(e.Steps)-1]
					if e.Target == "" || last.Address != e.Target || e.Steps[0].Address != f.Address {
						t.Errorf("n=%d %s: expanded %s path is not from the function to %q: %+v", n, f.Address, e.Kind, e.Target, e.Steps)
					}
					for _, s := range e.Steps {
						if s.Kind == model.StepTargetSet {
							t.Errorf("n=%d %s: expanded %s path to %s still names set %s", n, f.Address, e.Kind, e.Target, s.Address)
						}
					}
					checkMemberPassed(t, e)
				}
			}
			if sets && listed != 3 {
				t.Errorf("n=%d %s: %d data paths listed, want 3 (Data API, assume-role and one hop, each to a set)", n, f.Address, listed)
			}
			for _, kind := range []string{model.PathDataAPI, model.PathAssumeRole, "hop"} {
				if len(byKind[kind]) != n {
					t.Errorf("n=%d %s: %s paths reach %d databases, want all %d", n, f.Address, kind, len(byKind[kind]), n)
				}
				for target, c := range byKind[kind] {
					if c != 1 {
						t.Errorf("n=%d %s: %d %s paths to %s, want one", n, f.Address, c, kind, target)
					}
				}
			}
			if len(f.Egress) == 0 {
				t.Errorf("n=%d %s: a function outside any VPC must be able to go out", n, f.Address)
			}
		}
	}
}

// checkMemberPassed: an expanded path through another tenant names that
// tenant's own resources on the way: the ops role it assumed (with the
// trust step) and the database its grant names, or the API, topic, queue
// or state machine whose call runs that tenant's function.
func checkMemberPassed(t *testing.T, p model.Path) {
	t.Helper()
	tenant := func(addr string) string { return strings.SplitN(addr, ".module.", 2)[0] }
	for i, s := range p.Steps {
		switch {
		case p.Kind == model.PathAssumeRole && s.Kind == "role" && strings.HasSuffix(s.Address, ".ops"):
			if tenant(s.Address) != tenant(p.Target) || i+1 >= len(p.Steps) || !strings.Contains(p.Steps[i+1].Detail, "trust policy") {
				t.Errorf("assume-role path to %s: role %s and no trust step after it: %+v", p.Target, s.Address, p.Steps)
			}
			return
		case hopKinds[p.Kind] && p.Kind != model.PathInvoke && (s.Kind == "api" || s.Kind == "topic" || s.Kind == "queue" || s.Kind == "state_machine"):
			for _, r := range p.Steps[i+1:] {
				if r.Kind == "function" {
					if tenant(r.Address) != tenant(s.Address) {
						t.Errorf("%s path: %s %s runs function %s of another tenant", p.Kind, s.Kind, s.Address, r.Address)
					}
					return
				}
			}
			t.Errorf("%s path: %s %s runs no function: %+v", p.Kind, s.Kind, s.Address, p.Steps)
			return
		}
	}
	if p.Kind == model.PathAssumeRole || (hopKinds[p.Kind] && p.Kind != model.PathInvoke) {
		t.Errorf("%s path to %s names no member it passed: %+v", p.Kind, p.Target, p.Steps)
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

// BenchmarkWildcardTenantsModel builds the model of 100 wildcard tenants,
// for heap profiles of the grant and hop expansion (docs/performance.md):
// go test -run x -bench WildcardTenantsModel -memprofile mem.out ./internal/plangen
func BenchmarkWildcardTenantsModel(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := tenantmodel.Build(100, 1); err != nil {
			b.Fatal(err)
		}
	}
}
