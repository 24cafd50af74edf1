package letsleep.checks.unanalysed_test

import data.letsleep.checks.unanalysed.deny
import data.letsleep.lib.fixtures as fx

w(kind, address, message) := {"kind": kind, "address": address, "message": message}

test_deny_one_finding_per_warning if {
	findings := deny with input as fx.input_of({"warnings": [
		w("unresolved-reference", "aws_lambda_function.x", "vpc_config.security_group_ids references var.sg_ids"),
		w("blind-spot", "aws_ec2_transit_gateway_route.t", "transit gateway route not modelled"),
	]})
	count(findings) == 2
	some d in findings
	d.resource == "aws_ec2_transit_gateway_route.t"
	startswith(d.message, "blind-spot: transit gateway route not modelled; to fix: ")
	contains(d.message, "review by hand the path this resource opens")
	d.path == [{"kind": "warning", "address": "aws_ec2_transit_gateway_route.t", "detail": "could not be analysed (blind-spot)"}]
	d.assumptions == [{"address": "aws_ec2_transit_gateway_route.t", "unknown": "transit gateway route not modelled", "assumed": "nothing: the path this resource may open is not analysed"}]
	not "severity" in object.keys(d)
}

test_deny_plan_level_warning_on_plan if {
	findings := deny with input as fx.input_of({"warnings": [w("format-version", "", "format_version 9.0 is unknown")]})
	some d in findings
	d.resource == "plan"
}

test_deny_unknown_kind_gets_generic_advice if {
	findings := deny with input as fx.input_of({"warnings": [w("something-new", "aws_x.y", "odd")]})
	some d in findings
	contains(d.message, "review it by hand")
}

test_deny_strict_keeps_severity if {
	inp := object.union(fx.input_of({"warnings": [w("unknown-policy", "aws_iam_role_policy.p", "policy unknown")]}), {"config": {"strict": true}})
	findings := deny with input as inp
	count(findings) == 1
	some d in findings
	not "severity" in object.keys(d)
}

test_allow_no_warnings if {
	count(deny) == 0 with input as fx.reference_input
}

test_allow_null_warnings if {
	count(deny) == 0 with input as {"model": fx.nulls}
}

test_deny_every_known_kind_has_specific_advice if {
	every kind in ["unresolved-reference", "unknown-policy", "blind-spot", "format-version", "invalid-policy", "invalid-role", "deferred", "source"] {
		findings := deny with input as fx.input_of({"warnings": [w(kind, "aws_x.y", "m")]})
		some d in findings
		not contains(d.message, "review it by hand, then fix the plan")
	}
}

fn(role, unresolved) := {"address": "module.f.aws_lambda_function.this[0]", "role": role, "in_vpc": true, "unresolved": unresolved}

test_deny_egress_in_vpc_with_unknown_placement_at_medium if {
	findings := deny with input as fx.input_of({"functions": [fn("egress", ["vpc_config.subnet_ids"])]})
	count(findings) == 1
	some d in findings
	d.severity == "medium"
	d.unresolved == true
	contains(d.message, "--source DIR")
	d.resource == "module.f.aws_lambda_function.this[0]"
}

test_deny_hot_in_vpc_one_finding_per_unknown_key if {
	findings := deny with input as fx.input_of({"functions": [fn("hot", ["vpc_config.subnet_ids", "vpc_config.security_group_ids"])]})
	count(findings) == 2
}

test_allow_control_in_vpc_with_unknown_placement if {
	count(deny) == 0 with input as fx.input_of({"functions": [fn("control", ["vpc_config.subnet_ids"])]})
}

test_allow_egress_with_resolved_placement if {
	count(deny) == 0 with input as fx.input_of({"functions": [fn("egress", [])]})
}
