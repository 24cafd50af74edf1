package badinput

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/letsleep/letsleep/internal/plangen"
)

// TestGraphBounded: on a plan of many wildcard-grant tenants, `graph`
// either draws, with a note offering --focus, or stops at --timeout with a
// message offering --focus; --focus draws one tenant's part.
func TestGraphBounded(t *testing.T) {
	t.Parallel()
	path := busyPlan(t)
	res := run(t, runOpts{timeout: 30 * time.Second}, "graph", "--timeout", "1s", path)
	assertInputErr(t, res, "", inputErr{line: "letsleep: graph did not finish within --timeout 1s: raise --timeout, or draw part of the plan with --focus"})
	if res.elapsed > 5*time.Second {
		t.Errorf("--timeout 1s took %v", res.elapsed)
	}

	small := filepath.Join(t.TempDir(), "small.json")
	f, err := os.Create(small)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := plangen.WriteWildcardTenants(f, 3, 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	res = run(t, runOpts{}, "graph", "--format", "dot", "--focus", `module.tenant["t00000-07a01d"]`, small)
	if res.code != 0 {
		t.Fatalf("--focus: exit %d\n%s", res.code, tail(res.stderr))
	}
	if !strings.Contains(res.stdout, `t00000-07a01d`) {
		t.Errorf("the focused tenant is not drawn:\n%s", tail(res.stdout))
	}
	res = run(t, runOpts{}, "graph", "--focus", "aws_lambda_function.nope", small)
	assertInputErr(t, res, "", inputErr{line: "letsleep: --focus aws_lambda_function.nope matches nothing in the picture: pass a function, database or resource address, a module path (module.NAME), or a rule id that has findings"})
}
