package letsleep.checks.egress_reaches_db_test

import data.letsleep.checks.egress_reaches_db.deny
import data.letsleep.lib.fixtures as fx

egress_fn := "module.egress.aws_lambda_function.this"

test_deny_egress_outside_vpc_with_data_api if {
	f := fx.fn(egress_fn, "egress", [fx.outside_vpc(egress_fn)], [fx.data_api(egress_fn)])
	findings := deny with input as fx.input_of({"functions": [f]})
	count(findings) == 1
	some d in findings
	d.resource == egress_fn
	contains(d.message, "outside-vpc path to internet")
	contains(d.message, "data-api path to module.data.aws_rds_cluster.this")
	contains(d.message, "its role egress is on the hot path, so user traffic also wakes the database")

	# the evidence is the egress path followed by the data path, naming the
	# function once
	d.path == array.concat(fx.outside_vpc(egress_fn).steps, array.slice(fx.data_api(egress_fn).steps, 1, 100))
	count([s | some s in d.path; s.kind == "function"]) == 1
	d.path[count(d.path) - 1].kind == "database"
	d.unresolved == false
}

test_deny_untagged_function_by_capability if {
	f := fx.fn("aws_lambda_function.untagged", "", [fx.nat("aws_lambda_function.untagged")], [fx.network("aws_lambda_function.untagged")])
	findings := deny with input as fx.input_of({"functions": [f]})
	count(findings) == 1
	some d in findings
	d.resource == "aws_lambda_function.untagged"
	contains(d.message, "nat path")
	not contains(d.message, "wake")
}

test_deny_hot_function_that_goes_out_names_the_wake if {
	f := fx.fn("aws_lambda_function.feed", "hot", [fx.outside_vpc("aws_lambda_function.feed")], [fx.network("aws_lambda_function.feed")])
	findings := deny with input as fx.input_of({"functions": [f]})
	count(findings) == 1
	some d in findings
	endswith(d.message, "its role hot is on the hot path, so user traffic also wakes the database")
}

test_deny_control_function_that_goes_out_does_not_name_a_wake if {
	f := fx.fn("aws_lambda_function.ctl", "control", [fx.nat("aws_lambda_function.ctl")], [fx.network("aws_lambda_function.ctl")])
	findings := deny with input as fx.input_of({"functions": [f]})
	some d in findings
	not contains(d.message, "wake")
}

test_deny_one_finding_per_function_with_many_paths if {
	f := fx.fn(egress_fn, "egress", [fx.outside_vpc(egress_fn), fx.nat(egress_fn)], [fx.data_api(egress_fn), fx.network(egress_fn)])
	findings := deny with input as fx.input_of({"functions": [f]})
	count(findings) == 1
	some d in findings
	contains(d.message, "2 egress and 2 data paths in all")
}

test_deny_marks_unresolved_data_path if {
	f := fx.fn(egress_fn, "egress", [fx.outside_vpc(egress_fn)], [fx.unresolved_network(egress_fn)])
	findings := deny with input as fx.input_of({"functions": [f]})
	some d in findings
	d.unresolved == true
}

test_deny_resolved_from_unknown_is_not_unresolved if {
	dp := fx.data_api(egress_fn)
	unknown_dp := object.union(dp, {"steps": array.concat(dp.steps, [{"kind": "secret", "address": "aws_secretsmanager_secret.db", "detail": "arn unknown", "from_unknown": true}])})
	f := fx.fn(egress_fn, "egress", [fx.outside_vpc(egress_fn)], [unknown_dp])
	findings := deny with input as fx.input_of({"functions": [f]})
	some d in findings
	d.unresolved == false
	some s in d.path
	s.from_unknown == true
}

test_deny_paths_without_function_step_get_one if {
	out := {"kind": "declared", "target": "internet", "steps": [fx.step("internet", "", "tag letsleep:role = egress")]}
	dp := {"kind": "invoke", "target": fx.cluster, "steps": [fx.step("function", "aws_lambda_function.control", "invoked")]}
	f := fx.fn(egress_fn, "egress", [out], [dp])
	findings := deny with input as fx.input_of({"functions": [f]})
	some d in findings
	[s.address | some s in d.path] == [egress_fn, "", "aws_lambda_function.control"]
}

test_allow_control_in_vpc_without_nat if {
	f := fx.fn("module.control.aws_lambda_function.this", "control", [], [fx.network("module.control.aws_lambda_function.this")])
	count(deny) == 0 with input as fx.input_of({"functions": [f]})
}

test_allow_egress_without_data_path if {
	f := fx.fn(egress_fn, "egress", [fx.outside_vpc(egress_fn)], [])
	count(deny) == 0 with input as fx.input_of({"functions": [f]})
}

test_allow_null_paths if {
	f := object.union(fx.fn(egress_fn, "egress", [], []), {"egress": null, "data_paths": null})
	count(deny) == 0 with input as fx.input_of({"functions": [f]})
}

test_allow_null_model_sections if {
	count(deny) == 0 with input as {"model": fx.nulls}
}

test_allow_reference_stack if {
	count(deny) == 0 with input as fx.reference_input
}

test_deny_marks_unresolved_egress_path if {
	out := object.union(fx.nat(egress_fn), {"unresolved": true})
	f := fx.fn(egress_fn, "", [out], [fx.data_api(egress_fn)])
	findings := deny with input as fx.input_of({"functions": [f]})
	some d in findings
	d.unresolved == true
}
