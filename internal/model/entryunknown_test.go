package model

import (
	"strings"
	"testing"
)

// The routesvar stack builds the apigateway-v2 module's routes from two
// locals merged. Without the sources no route's function can be named:
// each route is kept, unresolved, saying which integration's uri is
// unknown and which references the plan could not follow, and warns; it
// fronts no guessed function. With the sources each fronts its own.
func TestRouteWhoseFunctionCannotBeResolvedSaysWhatIsUnknown(t *testing.T) {
	const post = `module.api.aws_apigatewayv2_route.this["POST /notes"]`
	m := buildCommunity(t, "routesvar", false)
	var got *EntryPoint
	for i, ep := range m.EntryPoints {
		if ep.Address == post {
			if got != nil {
				t.Fatalf("%s appears twice: %s", post, dump(t, m.EntryPoints))
			}
			got = &m.EntryPoints[i]
		}
	}
	if got == nil {
		t.Fatalf("no entry point %s in %s", post, dump(t, m.EntryPoints))
	}
	if got.Function != "" || !got.Unresolved || len(got.Candidates) != 0 {
		t.Fatalf("%s without sources = %s, want no function, unresolved", post, dump(t, got))
	}
	for _, want := range []string{`integration_uri of module.api.aws_apigatewayv2_integration.this["POST /notes"]`, "local.read_routes", "local.write_routes"} {
		if !strings.Contains(got.TargetUnknown, want) {
			t.Errorf("target_unknown %q does not name %q", got.TargetUnknown, want)
		}
	}
	if len(got.Steps) != 1 || got.Steps[0].Address != `module.api.aws_apigatewayv2_integration.this["POST /notes"]` {
		t.Errorf("steps = %s, want the integration where the trail ends", dump(t, got.Steps))
	}
	warned := false
	for _, w := range m.Warnings {
		warned = warned || (w.Kind == "target-unknown" && w.Address == post)
	}
	if !warned {
		t.Errorf("no target-unknown warning on %s: %s", post, dump(t, m.Warnings))
	}

	for _, ep := range buildCommunity(t, "routesvar", true).EntryPoints {
		if ep.TargetUnknown != "" || ep.Function == "" {
			t.Errorf("with the sources %s = %s, want its function", ep.Address, dump(t, ep))
		}
		if ep.Address == post && ep.Function != "module.control.aws_lambda_function.this[0]" {
			t.Errorf("with the sources %s fronts %q, want the control function", post, ep.Function)
		}
	}
}
