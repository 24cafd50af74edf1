package letsleep.checks.rds_proxy_test

import data.letsleep.checks.rds_proxy.deny
import data.letsleep.lib.fixtures as fx

test_deny_proxy_fronting_cluster if {
	findings := deny with input as fx.input_of({"proxies": [{"address": "aws_db_proxy.this", "targets": [fx.cluster]}]})
	count(findings) == 1
	some d in findings
	d.resource == "aws_db_proxy.this"
	contains(d.message, fx.cluster)
	d.path[1] == {"kind": "database", "address": fx.cluster, "detail": "proxy target; cannot auto-pause while the proxy holds connections"}
}

test_deny_proxy_without_known_target if {
	findings := deny with input as fx.input_of({"proxies": [{"address": "aws_db_proxy.this", "targets": null}]})
	count(findings) == 1
}

test_allow_no_proxy if {
	count(deny) == 0 with input as fx.input_of({"databases": [fx.serverless_cluster]})
}

test_allow_reference_stack if {
	count(deny) == 0 with input as fx.reference_input
}
