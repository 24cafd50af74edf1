package policies_test

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/cover"
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
	mods := parseAll(t)
	cov := cover.New()
	ch, err := tester.NewRunner().
		SetCoverageQueryTracer(cov).
		SetCompiler(ast.NewCompiler().WithEnablePrintStatements(true)).
		CapturePrintOutput(true).
		RaiseBuiltinErrors(true).
		SetTimeout(30*time.Second).
		Run(ctx, mods)
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
	reportCoverage(t, cov.Report(mods))
}

// minCoverage is the share of lines of each non-test module the Rego tests
// must run.
const minCoverage = 90.0

func reportCoverage(t *testing.T, rep cover.Report) {
	t.Helper()
	files := make([]string, 0, len(rep.Files))
	for f := range rep.Files {
		if !policies.IsTest(f) {
			files = append(files, f)
		}
	}
	sort.Strings(files)
	for _, f := range files {
		fr := rep.Files[f]
		var gaps []string
		for _, r := range fr.NotCovered {
			gaps = append(gaps, fmt.Sprintf("%d-%d", r.Start.Row, r.End.Row))
		}
		t.Logf("coverage %5.1f%% %s (not covered: %v)", fr.Coverage, f, gaps)
		if fr.Coverage < minCoverage {
			t.Errorf("%s: Rego test coverage %.1f%% is below %.0f%%; not covered: %v", f, fr.Coverage, minCoverage, gaps)
		}
	}
}
