package model

import "testing"

// testdata/community/routesvar is a variation no fix was tuned to (planned
// with ../shared/terraform-offline/plan.sh): the apigateway-v2 module's
// routes come from two locals merged, and the egress function's statements
// from a local map declared out of key order. With the sources, each route
// fronts its own function and each dynamic statement keeps its own
// resources.
func TestRoutesAndStatementsFromLocalsNarrowPerKey(t *testing.T) {
	m := buildCommunity(t, "routesvar", true)
	const (
		control = "module.control.aws_lambda_function.this[0]"
		hot     = "module.hot.aws_lambda_function.this[0]"
		egress  = "module.egress.aws_lambda_function.this[0]"
	)
	want := map[string]string{
		`module.api.aws_apigatewayv2_route.this["GET /notes/{id}"]`: hot,
		`module.api.aws_apigatewayv2_route.this["POST /notes"]`:     control,
	}
	for _, ep := range m.EntryPoints {
		if fn, ok := want[ep.Address]; ok {
			if ep.Function != fn {
				t.Errorf("%s fronts %q, want %q", ep.Address, ep.Function, fn)
			}
			delete(want, ep.Address)
		}
	}
	for addr := range want {
		t.Errorf("no entry point %s in %s", addr, dump(t, m.EntryPoints))
	}
	// lambda:InvokeFunction is granted on the hot reader only; the control
	// function is named by another statement (GetFunctionConfiguration).
	if f := functionAt(t, m, egress); len(f.DataPaths) != 0 || len(f.Unresolved) != 0 {
		t.Errorf("egress data paths %s, unresolved %q: want none", dump(t, f.DataPaths), f.Unresolved)
	}
	if f := functionAt(t, m, control); len(f.DataPaths) == 0 {
		t.Errorf("the control function reaches Aurora, yet has no data path")
	}
	for _, w := range m.Warnings {
		if w.Kind == "unresolved-reference" || w.Kind == "unknown-policy" {
			t.Errorf("unexpected warning with sources: %s %s %s", w.Kind, w.Address, w.Message)
		}
	}
}
