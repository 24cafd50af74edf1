package runner

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

const routesvar = "../model/testdata/community/routesvar"

// The routesvar stack's POST /notes route (no authorizer) fronts the
// control function, which reaches Aurora. Its routes come from locals, so
// without the sources the function behind each route cannot be named:
// the run must fail at medium on the routes, saying what to pass, never
// pass silently nor guess a critical. With the sources it is the critical
// public-db-waker through the real integration.
func TestPublicRouteWithUnknownFunctionFailsAtMediumWithoutSources(t *testing.T) {
	needCommunity(t)
	const post = `module.api.aws_apigatewayv2_route.this["POST /notes"]`
	rep, err := Check(context.Background(), Options{Paths: []string{planAlone(t, routesvar)}})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range rep.Findings {
		if f.Severity == "critical" || f.Severity == "high" {
			t.Errorf("without sources %s %s on %s: %s", f.Severity, f.Rule, f.Resource, f.Message)
		}
		if f.Resource == post && f.Rule == "LSL-015" && f.Severity == "medium" {
			found = true
			if !strings.HasPrefix(f.Message, "target-unknown:") || !strings.Contains(f.Message, "--source DIR") || len(f.Assumptions) == 0 {
				t.Errorf("the finding on %s does not say what is unknown and what to pass, or hides its assumption: %s %+v", post, f.Message, f.Assumptions)
			}
		}
	}
	if !found || !rep.Summary.Failed {
		t.Fatalf("without sources no medium target-unknown finding on %s (failed=%v): %+v", post, rep.Summary.Failed, rep.Findings)
	}

	rep, err = Check(context.Background(), Options{Paths: []string{filepath.Join(routesvar, "plan.json")}, Source: routesvar})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range rep.Findings {
		if f.Severity != "low" && f.Severity != "info" {
			got = append(got, f.Severity+" "+f.Rule+" "+f.Resource)
		}
	}
	if want := "critical LSL-003 " + post; len(got) != 1 || got[0] != want {
		t.Fatalf("with sources findings = %q, want only %q", got, want)
	}
}
