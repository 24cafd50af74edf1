package letsleep.checks.hot_path_reaches_db_test

import data.letsleep.checks.hot_path_reaches_db.deny
import data.letsleep.lib.fixtures as fx

hot := "module.hot.aws_lambda_function.this"

test_deny_hot_function_in_vpc_with_sg_path if {
	f := fx.fn(hot, "hot", [], [fx.network(hot)])
	findings := deny with input as fx.input_of({"functions": [f]})
	count(findings) == 1
	some d in findings
	d.resource == hot
	startswith(d.message, "hot function")
	d.path == fx.network(hot).steps
}

test_deny_path_without_function_step_gets_one if {
	dp := {"kind": "secret", "target": fx.cluster, "steps": [fx.step("secret", "aws_secretsmanager_secret.db", "readable")]}
	findings := deny with input as fx.input_of({"functions": [fx.fn(hot, "hot", [], [dp])]})
	some d in findings
	d.path[0] == {"kind": "function", "address": hot, "detail": "role hot"}
	d.path[1].kind == "secret"
}

test_deny_viewer_with_data_api if {
	f := fx.fn("aws_lambda_function.viewer", "viewer", [], [fx.data_api("aws_lambda_function.viewer")])
	findings := deny with input as fx.input_of({"functions": [f]})
	count(findings) == 1
}

# A hot function that can also go out is LSL-001's finding (critical), which
# names the wake: reporting it here too would count one violation twice.
test_allow_hot_path_function_that_goes_out_left_to_lsl_001 if {
	fns := [
		fx.fn("aws_lambda_function.viewer", "viewer", [fx.outside_vpc("aws_lambda_function.viewer")], [fx.data_api("aws_lambda_function.viewer")]),
		fx.fn("aws_lambda_function.out", "egress", [fx.nat("aws_lambda_function.out")], [fx.network("aws_lambda_function.out")]),
	]
	count(deny) == 0 with input as fx.input_of({"functions": fns})
}

test_deny_egress_role_with_data_path if {
	f := fx.fn("aws_lambda_function.out", "egress", [], [fx.data_api("aws_lambda_function.out"), fx.network("aws_lambda_function.out")])
	findings := deny with input as fx.input_of({"functions": [f]})
	some d in findings
	contains(d.message, "and 1 more data paths")
}

test_deny_unresolved_path_is_flagged if {
	f := fx.fn(hot, "hot", [], [fx.unresolved_network(hot)])
	findings := deny with input as fx.input_of({"functions": [f]})
	some d in findings
	d.unresolved == true
}

test_allow_warmup_with_data_path if {
	f := fx.fn("aws_lambda_function.warm", "warmup", [], [fx.network("aws_lambda_function.warm")])
	count(deny) == 0 with input as fx.input_of({"functions": [f]})
}

test_allow_control_with_data_path if {
	f := fx.fn("aws_lambda_function.ctl", "control", [], [fx.network("aws_lambda_function.ctl")])
	count(deny) == 0 with input as fx.input_of({"functions": [f]})
}

test_allow_untagged_with_data_path if {
	f := fx.fn("aws_lambda_function.x", "", [], [fx.network("aws_lambda_function.x")])
	count(deny) == 0 with input as fx.input_of({"functions": [f]})
}

test_allow_hot_without_data_path if {
	f := fx.fn(hot, "hot", [fx.outside_vpc(hot)], [])
	count(deny) == 0 with input as fx.input_of({"functions": [f]})
}

test_allow_reference_stack if {
	count(deny) == 0 with input as fx.reference_input
}
