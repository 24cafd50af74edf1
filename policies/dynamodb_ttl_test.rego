package letsleep.checks.dynamodb_ttl_test

import data.letsleep.checks.dynamodb_ttl.deny
import data.letsleep.lib.fixtures as fx

table(ttl, recomputable) := {"address": "module.hot.aws_dynamodb_table.cache", "ttl": ttl, "recomputable": recomputable}

test_deny_table_without_ttl if {
	findings := deny with input as fx.input_of({"tables": [table(false, false)]})
	count(findings) == 1
	some d in findings
	d.resource == "module.hot.aws_dynamodb_table.cache"
}

test_allow_table_with_ttl if {
	count(deny) == 0 with input as fx.input_of({"tables": [table(true, false)]})
}

test_allow_recomputable_table_without_ttl if {
	count(deny) == 0 with input as fx.input_of({"tables": [table(false, true)]})
}

test_allow_reference_stack if {
	count(deny) == 0 with input as fx.reference_input
}
