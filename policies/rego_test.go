package policies_test

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/tester"

	"github.com/letsleep/letsleep/policies"
)

// parseAll parses every embedded module, tests included, as OPA v1 Rego.
func parseAll(t *testing.T) map[string]*ast.Module {
	t.Helper()
	srcs, err := policies.All()
	if err != nil {
		t.Fatal(err)
	}
	mods := make(map[string]*ast.Module, len(srcs))
	for name, src := range srcs {
		m, err := ast.ParseModuleWithOpts(name, src, ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
		if err != nil {
			t.Fatalf("parse %s: %v", name, err)
		}
		mods[name] = m
	}
	return mods
}

// TestRego runs every Rego unit test of the policy library through OPA's
// tester and fails on any failing or erroring test.
func TestRego(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ch, err := tester.NewRunner().
		SetCompiler(ast.NewCompiler().WithEnablePrintStatements(true)).
		CapturePrintOutput(true).
		RaiseBuiltinErrors(true).
		SetTimeout(30*time.Second).
		Run(ctx, parseAll(t))
	if err != nil {
		t.Fatalf("run rego tests: %v", err)
	}
	var results []*tester.Result
	for r := range ch {
		results = append(results, r)
	}
	sort.Slice(results, func(i, j int) bool {
		if results[i].Package != results[j].Package {
			return results[i].Package < results[j].Package
		}
		return results[i].Name < results[j].Name
	})
	passed := 0
	for _, r := range results {
		switch {
		case r.Error != nil:
			t.Errorf("%s.%s (%s): error: %v", r.Package, r.Name, r.Location, r.Error)
		case r.Fail:
			t.Errorf("%s.%s (%s): FAIL\n%s", r.Package, r.Name, r.Location, r.Output)
		case r.Skip:
			t.Errorf("%s.%s: skipped (todo_ tests are not allowed in the library)", r.Package, r.Name)
		default:
			passed++
		}
	}
	if len(results) == 0 {
		t.Fatal("no Rego tests found")
	}
	t.Logf("rego tests: %d passed of %d", passed, len(results))
}
