package model

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
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

// The fanout stack subscribes functions to a topic and maps queues to
// functions through for_each maps keyed by event name (the map values are
// function ARNs, unknown at plan time). From the plan alone each
// subscription and mapping may run either function: every hop through
// them names both candidates and rests on that assumption, never the
// first as a fact. With the sources each runs its own, and the hot
// function's hop into the control function through the "order-audit"
// subscription is a fact.
func TestTriggersWithCandidateFunctionsNameEveryOne(t *testing.T) {
	const (
		hot     = "module.hot.aws_lambda_function.this[0]"
		notify  = "module.notify.aws_lambda_function.this[0]"
		control = "module.control.aws_lambda_function.this[0]"
		audit   = `aws_sns_topic_subscription.orders["order-audit"]`
	)
	both := control + ", " + notify
	throughTriggers := func(m *Model, fn string) (paths []Path) {
		for _, p := range functionAt(t, m, fn).DataPaths {
			for _, s := range p.Steps {
				if s.Kind == "subscription" || s.Kind == "event_source_mapping" {
					paths = append(paths, p)
					break
				}
			}
		}
		return paths
	}

	m := buildCommunity(t, "fanout", false)
	for _, fn := range []string{hot, notify} {
		paths := throughTriggers(m, fn)
		if len(paths) == 0 {
			t.Fatalf("without sources %s has no data path through a subscription or mapping", fn)
		}
		for _, p := range paths {
			named := false
			for _, a := range PathAssumptions(p) {
				named = named || strings.Contains(a.Unknown, "which of "+both+" it invokes")
			}
			if !p.Unresolved || !named {
				t.Errorf("without sources %s → %s: unresolved=%v, assumptions %+v; want a guess naming %s", fn, p.Target, p.Unresolved, PathAssumptions(p), both)
			}
		}
	}

	m = buildCommunity(t, "fanout", true)
	paths := throughTriggers(m, hot)
	if len(paths) != 1 || paths[0].Unresolved || len(PathAssumptions(paths[0])) != 0 {
		t.Fatalf("with sources %s data paths through triggers = %s, want one fact", hot, dump(t, paths))
	}
	via := false
	for _, s := range paths[0].Steps {
		via = via || (s.Address == audit && !strings.Contains(s.Detail, "candidates"))
	}
	if !via {
		t.Errorf("with sources the path of %s does not go through %s alone: %s", hot, audit, dump(t, paths[0].Steps))
	}
	if got := throughTriggers(m, notify); len(got) != 0 {
		t.Errorf("with sources %s reaches the data through a trigger: %s", notify, dump(t, got))
	}
}
