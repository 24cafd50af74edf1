package letsleep.checks.data_api_grant_test

import data.letsleep.checks.data_api_grant.deny
import data.letsleep.lib.fixtures as fx

ctl := "module.control.aws_lambda_function.this"

hot := "module.hot.aws_lambda_function.this"

shared_role := "aws_iam_role.shared"

with_role_fns(fns, grants) := fx.input_of({
	"functions": [object.union(f, {"execution_role": shared_role}) | some f in fns],
	"roles": [fx.role(shared_role, grants)],
})

test_deny_rds_data_on_hot_function_role if {
	findings := deny with input as with_role_fns([fx.fn(hot, "hot", [], [])], [fx.grant("rds-data:ExecuteStatement", fx.cluster, false)])
	count(findings) == 1
	some d in findings
	d.resource == shared_role
	contains(d.message, "rds-data:ExecuteStatement")
	contains(d.message, hot)
	count(d.path) > 0
}

test_deny_wildcard_grant_aggregated_per_role if {
	findings := deny with input as with_role_fns([fx.fn(hot, "hot", [], [])], [
		fx.grant("rds-data:ExecuteStatement", "*", true),
		fx.grant("rds-data:BatchExecuteStatement", "*", true),
	])
	count(findings) == 1
	some d in findings
	contains(d.message, "rds-data:BatchExecuteStatement, rds-data:ExecuteStatement")
}

test_deny_role_shared_by_control_and_egress if {
	findings := deny with input as with_role_fns([fx.fn(ctl, "control", [], []), fx.fn("aws_lambda_function.out", "egress", [], [])], [fx.grant("rds-data:ExecuteStatement", fx.cluster, false)])
	some d in findings
	contains(d.message, "aws_lambda_function.out")
	not contains(d.message, ctl)
}

test_deny_untagged_function if {
	untagged := object.remove(fx.fn("aws_lambda_function.x", "", [], []), ["role"])
	count(deny) == 1 with input as with_role_fns([untagged], [fx.grant("rds-data:ExecuteStatement", fx.cluster, false)])
}

test_deny_role_without_function if {
	findings := deny with input as fx.input_of({"roles": [fx.role("aws_iam_role.admin", [fx.grant("rds-data:ExecuteStatement", "*", true)])]})
	some d in findings
	contains(d.message, "no function in the plan uses it")
}

test_allow_control_only_role if {
	count(deny) == 0 with input as with_role_fns([fx.fn(ctl, "control", [], [])], [fx.grant("rds-data:ExecuteStatement", fx.cluster, false)])
}

test_allow_role_without_rds_data if {
	count(deny) == 0 with input as with_role_fns([fx.fn(hot, "hot", [], [])], [fx.grant("rds:DescribeDBClusters", "*", true)])
}

test_allow_reference_stack if {
	count(deny) == 0 with input as fx.reference_input
}

test_deny_iam_user_named_as_user if {
	findings := deny with input as fx.input_of({"roles": [fx.role("aws_iam_user.ci", [fx.grant("rds-data:ExecuteStatement", "*", true)])]})
	some d in findings
	startswith(d.message, "user aws_iam_user.ci is granted")
}
