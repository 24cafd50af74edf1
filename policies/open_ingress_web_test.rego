package letsleep.checks.open_ingress_web_test

import data.letsleep.checks.open_ingress_web.deny
import data.letsleep.lib.fixtures as fx

with_rules(rules) := fx.input_of({"security_groups": [fx.sg("aws_security_group.alb", rules)]})

rule(address, protocol, from, to, cidrs) := fx.sg_rule(address, protocol, from, to, cidrs)

test_deny_https_from_anywhere_low if {
	findings := deny with input as with_rules([rule("aws_vpc_security_group_ingress_rule.https", "tcp", 443, 443, ["0.0.0.0/0"])])
	count(findings) == 1
	some d in findings
	d.resource == "aws_vpc_security_group_ingress_rule.https"
	contains(d.message, "TCP port 443 (web port)")
}

test_deny_http_and_https_one_per_rule if {
	findings := deny with input as with_rules([
		rule("aws_vpc_security_group_ingress_rule.http", "tcp", 80, 80, ["::/0"]),
		rule("aws_vpc_security_group_ingress_rule.https", "6", 443, 443, ["0.0.0.0/0"]),
	])
	count(findings) == 2
}

test_allow_range_80_to_443_is_not_web_only if {
	count(deny) == 0 with input as with_rules([rule("aws_security_group_rule.r", "tcp", 80, 443, ["0.0.0.0/0"])])
}

test_allow_ssh_is_reported_by_lsl_008_not_here if {
	count(deny) == 0 with input as with_rules([rule("aws_security_group_rule.r", "tcp", 22, 22, ["0.0.0.0/0"])])
}

test_allow_all_protocols_is_not_web_only if {
	count(deny) == 0 with input as with_rules([rule("aws_security_group_rule.r", "-1", 443, 443, ["0.0.0.0/0"])])
}

test_allow_https_from_prefix_list if {
	r := object.union(rule("aws_security_group_rule.cf", "tcp", 443, 443, []), {"prefix_lists": ["pl-cloudfront"]})
	count(deny) == 0 with input as with_rules([r])
}

test_allow_reference_stack if {
	count(deny) == 0 with input as fx.reference_input
}
