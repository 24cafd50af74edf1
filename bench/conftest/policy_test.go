// Package conftest_test guards the peers' benchmark policy: it compiles in
// OPA's strict mode (what `opa check --strict` checks) and its unit tests
// pass, so a timed peer never runs a policy that finds nothing by mistake.
package conftest_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/tester"
)

func parseDir(t *testing.T, mods map[string]*ast.Module, dir string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.rego"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no .rego files in %s (%v)", dir, err)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m, err := ast.ParseModuleWithOpts(f, string(src), ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			t.Fatalf("parse %s: %v", f, err)
		}
		mods[f] = m
	}
}

func TestBenchPolicy(t *testing.T) {
	mods := map[string]*ast.Module{}
	parseDir(t, mods, "policy")
	parseDir(t, mods, "test")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ch, err := tester.NewRunner().
		SetCompiler(ast.NewCompiler().WithStrict(true)).
		RaiseBuiltinErrors(true).
		Run(ctx, mods)
	if err != nil {
		t.Fatalf("compile or run (strict mode): %v", err)
	}
	n := 0
	for r := range ch {
		n++
		switch {
		case r.Error != nil:
			t.Errorf("%s.%s: error: %v", r.Package, r.Name, r.Error)
		case r.Fail:
			t.Errorf("%s.%s (%s): FAIL", r.Package, r.Name, r.Location)
		}
	}
	if n < 10 {
		t.Fatalf("%d rego tests ran, want the suite of bench/conftest/test", n)
	}
}
