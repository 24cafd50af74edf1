package letsleep.checks.warmup_unthrottled_test

import data.letsleep.checks.warmup_unthrottled.deny
import data.letsleep.lib.fixtures as fx

warm := "module.warmup.aws_lambda_function.this"

route(throttled) := {"address": "module.warmup.aws_apigatewayv2_route.warm", "kind": "apigw_v2_route", "auth": "JWT", "function": warm, "throttled": throttled}

given(fn, eps) := fx.input_of({"functions": [fn], "entry_points": eps})

test_deny_unthrottled_without_reserved_concurrency if {
	findings := deny with input as given(fx.fn(warm, "warmup", [], []), [route(false)])
	count(findings) == 1
	some d in findings
	d.resource == "module.warmup.aws_apigatewayv2_route.warm"
	contains(d.message, "no reserved concurrency")
}

test_deny_unthrottled_with_reserved_concurrency_ten if {
	findings := deny with input as given(object.union(fx.fn(warm, "warmup", [], []), {"reserved_concurrency": 10}), [route(false)])
	some d in findings
	contains(d.message, "reserved concurrency 10")
}

test_allow_throttled_route if {
	count(deny) == 0 with input as given(fx.fn(warm, "warmup", [], []), [route(true)])
}

test_allow_single_flight if {
	count(deny) == 0 with input as given(object.union(fx.fn(warm, "warmup", [], []), {"reserved_concurrency": 1}), [route(false)])
}

test_allow_warmup_without_entry_point if {
	count(deny) == 0 with input as given(fx.fn(warm, "warmup", [], []), [])
}

test_allow_non_warmup_function if {
	count(deny) == 0 with input as given(fx.fn(warm, "hot", [], []), [route(false)])
}

test_allow_reference_stack if {
	count(deny) == 0 with input as fx.reference_input
}

# A route that may front the warm-up function, among other candidates the
# plan does not tell apart, is reported as a guess that names them all.
test_deny_unthrottled_candidate_route_says_may if {
	candidate := object.union(route(false), {"unresolved": true, "candidates": ["module.hot.aws_lambda_function.this", warm], "steps": [{"kind": "integration", "address": "i", "detail": "may invoke", "assumption": {"address": "r", "unknown": "which function", "assumed": "the warm-up one"}}]})
	findings := deny with input as given(fx.fn(warm, "warmup", [], []), [candidate])
	count(findings) == 1
	some d in findings
	contains(d.message, sprintf("may reach warm-up function %s", [warm]))
	contains(d.message, "it invokes one of module.hot.aws_lambda_function.this, module.warmup.aws_lambda_function.this")
	fx.rests_on_assumption(d)
}
