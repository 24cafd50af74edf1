package letsleep.checks.public_db_waker_test

import data.letsleep.checks.public_db_waker.deny
import data.letsleep.lib.fixtures as fx

ctl := "module.control.aws_lambda_function.this"

warm := "module.warmup.aws_lambda_function.this"

url(fn, auth) := {"address": sprintf("%s_url", [fn]), "kind": "function_url", "auth": auth, "function": fn, "throttled": false}

test_deny_public_url_fronting_function_with_data_path if {
	findings := deny with input as fx.input_of({
		"functions": [fx.fn(ctl, "control", [], [fx.network(ctl)])],
		"entry_points": [url(ctl, "NONE")],
	})
	count(findings) == 1
	some d in findings
	d.resource == sprintf("%s_url", [ctl])
	contains(d.message, "auth NONE")
	contains(d.message, "can reach the database")
	d.path == array.concat([{"kind": "entry_point", "address": sprintf("%s_url", [ctl]), "detail": "function_url, auth NONE"}], fx.network(ctl).steps)
}

test_deny_public_warmup_url_without_data_path if {
	findings := deny with input as fx.input_of({
		"functions": [fx.fn(warm, "warmup", [], [])],
		"entry_points": [url(warm, "NONE")],
	})
	count(findings) == 1
	some d in findings
	contains(d.message, "warm-up function")
	[s.kind | some s in d.path] == ["entry_point", "function"]
}

test_deny_warmup_with_data_path_reported_once if {
	findings := deny with input as fx.input_of({
		"functions": [fx.fn(warm, "warmup", [], [fx.network(warm)])],
		"entry_points": [url(warm, "NONE")],
	})
	count(findings) == 1
}

test_deny_route_without_authorizer if {
	findings := deny with input as fx.input_of({
		"functions": [fx.fn(ctl, "", [], [fx.data_api(ctl)])],
		"entry_points": [{"address": "aws_apigatewayv2_route.get", "kind": "apigw_v2_route", "auth": "NONE", "function": ctl, "throttled": true}],
	})
	some d in findings
	d.resource == "aws_apigatewayv2_route.get"
}

test_deny_unknown_auth_is_unresolved if {
	findings := deny with input as fx.input_of({
		"functions": [fx.fn(ctl, "control", [], [fx.network(ctl)])],
		"entry_points": [url(ctl, "unknown")],
	})
	some d in findings
	fx.rests_on_assumption(d)
}

test_allow_iam_auth_url if {
	count(deny) == 0 with input as fx.input_of({
		"functions": [fx.fn(ctl, "control", [], [fx.network(ctl)])],
		"entry_points": [url(ctl, "AWS_IAM")],
	})
}

test_allow_public_url_without_data_path if {
	count(deny) == 0 with input as fx.input_of({
		"functions": [fx.fn("aws_lambda_function.hot", "hot", [fx.outside_vpc("aws_lambda_function.hot")], [])],
		"entry_points": [url("aws_lambda_function.hot", "NONE")],
	})
}

test_allow_entry_point_for_function_not_in_plan if {
	count(deny) == 0 with input as fx.input_of({"entry_points": [url("aws_lambda_function.elsewhere", "NONE")]})
}

test_allow_reference_stack if {
	count(deny) == 0 with input as fx.reference_input
}

test_deny_public_warmup_url_data_paths_key_omitted if {
	f := object.remove(fx.fn(warm, "warmup", [], []), ["data_paths"])
	count(deny) == 1 with input as fx.input_of({"functions": [f], "entry_points": [url(warm, "NONE")]})
}

test_deny_unresolved_data_path_is_flagged if {
	findings := deny with input as fx.input_of({
		"functions": [fx.fn(ctl, "control", [], [fx.unresolved_network(ctl)])],
		"entry_points": [url(ctl, "NONE")],
	})
	some d in findings
	fx.rests_on_assumption(d)
}

test_deny_public_topic_with_steps_between if {
	steps := [fx.step("policy", "aws_sns_topic_policy.open", "Principal *"), fx.step("subscription", "aws_sns_topic_subscription.s", "lambda")]
	findings := deny with input as fx.input_of({
		"functions": [fx.fn(ctl, "control", [], [fx.network(ctl)])],
		"entry_points": [{"address": "aws_sns_topic.t", "kind": "sns_topic", "auth": "NONE", "function": ctl, "throttled": false, "steps": steps}],
	})
	count(findings) == 1
	some d in findings
	d.resource == "aws_sns_topic.t"
	[s.kind | some s in d.path] == array.concat(["entry_point", "policy", "subscription"], [s.kind | some s in fx.network(ctl).steps])
}

test_deny_guest_role_with_own_data_path if {
	findings := deny with input as fx.input_of({
		"functions": [],
		"entry_points": [{"address": "aws_cognito_identity_pool.p", "kind": "cognito_unauthenticated", "auth": "NONE", "throttled": false, "data_paths": [fx.data_api("guest")]}],
	})
	count(findings) == 1
	some d in findings
	contains(d.message, "callers can reach the database themselves")
	not fx.rests_on_assumption(d)
}

test_allow_iam_permission_entry if {
	findings := deny with input as fx.input_of({
		"functions": [fx.fn(ctl, "control", [], [fx.network(ctl)])],
		"entry_points": [{"address": "aws_apigatewayv2_route.r", "kind": "apigw_v2_route", "auth": "AWS_IAM", "function": ctl, "throttled": false}],
	})
	count(findings) == 0
}

test_deny_unresolved_entry_carries_its_assumption if {
	guess := object.union(fx.step("policy", "aws_cognito_identity_pool_roles_attachment.a", "unauthenticated role"), {"assumption": fx.assumption})
	findings := deny with input as fx.input_of({
		"functions": [fx.fn(ctl, "control", [], [fx.network(ctl)])],
		"entry_points": [{"address": "aws_cognito_identity_pool.p", "kind": "cognito_unauthenticated", "auth": "NONE", "function": ctl, "throttled": false, "unresolved": true, "steps": [guess]}],
	})
	some d in findings
	fx.rests_on_assumption(d)
}

# Without the sources a route of a for_each map may front any of the
# functions the map names: the model gives one unresolved entry point per
# candidate. Each finding names every candidate, says "may", and rests on
# the assumption its integration step carries; never a fact.
candidate_route(fn) := {
	"address": "module.api.aws_apigatewayv2_route.this[\"GET /x\"]", "kind": "apigw_v2_route", "auth": "NONE",
	"function": fn, "throttled": true, "unresolved": true, "candidates": [ctl, warm],
	"steps": [{
		"kind": "integration", "address": "module.api.aws_apigatewayv2_integration.this[\"GET /x\"]", "detail": "may invoke", "from_unknown": true,
		"assumption": {"address": "module.api.aws_apigatewayv2_route.this[\"GET /x\"]", "unknown": "which function it invokes", "assumed": sprintf("it may invoke %s", [fn])},
	}],
}

test_deny_route_with_candidate_functions_names_them_all_as_a_guess if {
	findings := deny with input as fx.input_of({
		"functions": [fx.fn(ctl, "control", [], [fx.network(ctl)]), fx.fn(warm, "hot", [], [])],
		"entry_points": [candidate_route(ctl), candidate_route(warm)],
	})
	count(findings) == 1
	some d in findings
	contains(d.message, sprintf("may front %s (it invokes one of %s, %s; which one is unknown at plan time: pass --source DIR)", [ctl, ctl, warm]))
	fx.rests_on_assumption(d)
	[s.kind | some s in d.path][1] == "integration"
}
