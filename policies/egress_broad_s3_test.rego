package letsleep.checks.egress_broad_s3_test

import data.letsleep.checks.egress_broad_s3.deny
import data.letsleep.lib.fixtures as fx

fn := "module.egress.aws_lambda_function.this"

given(egress, grants) := fx.input_of({
	"functions": [fx.fn(fn, "egress", egress, [])],
	"roles": [fx.role(sprintf("%s_role", [fn]), grants)],
})

test_deny_egress_with_get_object_on_star if {
	findings := deny with input as given([fx.outside_vpc(fn)], [fx.grant("s3:GetObject", "*", true)])
	count(findings) == 1
	some d in findings
	d.resource == fn
	contains(d.message, "matching *")

	# egress evidence first, then the grant
	d.path[0].kind == "function"
	d.path[count(d.path) - 1].kind == "resource"
}

test_deny_nat_egress_with_wildcard_bucket if {
	count(deny) == 1 with input as given([fx.nat(fn)], [fx.grant("s3:GetObject", "arn:aws:s3:::*/*", true)])
}

test_allow_scoped_get_object if {
	count(deny) == 0 with input as given([fx.outside_vpc(fn)], [fx.grant("s3:GetObject", "arn:aws:s3:::exports/outbox/*", false)])
}

test_allow_broad_get_object_without_egress if {
	count(deny) == 0 with input as given([], [fx.grant("s3:GetObject", "*", true)])
}

test_allow_reference_stack if {
	count(deny) == 0 with input as fx.reference_input
}
