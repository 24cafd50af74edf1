package model

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/letsleep/letsleep/internal/plan"
	"github.com/letsleep/letsleep/internal/source"
)

// The apigateway-v2 module builds its integrations from a for_each map of
// routes. From the plan alone every integration's uri may be any function
// the map names: a route then fronts each candidate as an unresolved entry
// point that names them all and carries the assumption, never the first
// one as a fact. With the sources, each route fronts its own function.
func TestRouteWithCandidateFunctionsNamesEveryOne(t *testing.T) {
	dir := filepath.Join("..", "..", "terraform", "community", "public-warmup-route")
	p, err := plan.Load(context.Background(), filepath.Join(dir, "plan.json"), plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const route = `module.api.aws_apigatewayv2_route.this["GET /notes/{id}"]`
	control, hot := "module.control.aws_lambda_function.this[0]", "module.hot.aws_lambda_function.this[0]"
	fronted := func(m *Model) (fns []string, eps []EntryPoint) {
		for _, ep := range m.EntryPoints {
			if ep.Address == route {
				fns, eps = append(fns, ep.Function), append(eps, ep)
			}
		}
		return fns, eps
	}

	m, err := Build(p, Config{})
	if err != nil {
		t.Fatal(err)
	}
	fns, eps := fronted(m)
	if want := []string{control, hot}; !slices.Equal(fns, want) {
		t.Fatalf("without sources %s fronts %q, want every candidate %q", route, fns, want)
	}
	for _, ep := range eps {
		if !ep.Unresolved || !slices.Equal(ep.Candidates, []string{control, hot}) {
			t.Errorf("%s → %s: unresolved=%v candidates=%q, want a guess naming both", route, ep.Function, ep.Unresolved, ep.Candidates)
		}
		if as := StepAssumptions(ep.Steps); len(as) != 1 || as[0].Address != route {
			t.Errorf("%s → %s: assumptions %+v, want one on the route", route, ep.Function, as)
		}
	}

	if _, err := os.Stat(filepath.Join("..", "..", "..", "shared", "community-modules")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but ../shared/community-modules is missing: %v", err)
		}
		t.Skip("SKIPPED the half with sources: ../shared/community-modules is missing (CI has it)")
	}
	src, err := source.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	m, err = BuildWithSources(p, Config{}, src)
	if err != nil {
		t.Fatal(err)
	}
	fns, eps = fronted(m)
	if !slices.Equal(fns, []string{hot}) || eps[0].Unresolved || len(eps[0].Candidates) != 0 {
		t.Fatalf("with sources %s fronts %q (%+v), want %s alone as a fact", route, fns, eps, hot)
	}
}
