package letsleep.checks.open_ingress_test

import data.letsleep.checks.open_ingress.deny
import data.letsleep.lib.fixtures as fx

with_rules(rules) := fx.input_of({"security_groups": [fx.sg("aws_security_group.web", rules)]})

rule(protocol, from, to, cidrs) := fx.sg_rule("aws_security_group_rule.r", protocol, from, to, cidrs)

test_deny_ssh_from_anywhere if {
	findings := deny with input as with_rules([rule("tcp", 22, 22, ["0.0.0.0/0"])])
	count(findings) == 1
	some d in findings
	d.resource == "aws_security_group_rule.r"
	contains(d.message, "0.0.0.0/0 on TCP port 22")
	d.path[0].address == "aws_security_group.web"
}

test_deny_all_protocols_minus_one if {
	findings := deny with input as with_rules([rule("-1", 0, 0, ["0.0.0.0/0", "::/0"])])
	some d in findings
	contains(d.message, "0.0.0.0/0, ::/0 on all protocols and ports")
}

test_deny_all_protocols_spelled_all if {
	count(deny) == 1 with input as with_rules([rule("all", 0, 65535, ["::/0"])])
}

test_deny_port_range_spanning_web_ports if {
	findings := deny with input as with_rules([rule("tcp", 80, 443, ["0.0.0.0/0"])])
	some d in findings
	contains(d.message, "TCP ports 80-443")
}

test_deny_udp_443 if {
	count(deny) == 1 with input as with_rules([rule("udp", 443, 443, ["0.0.0.0/0"])])
}

test_deny_numeric_protocol_tcp_3389 if {
	count(deny) == 1 with input as with_rules([rule("6", 3389, 3389, ["0.0.0.0/0"])])
}

test_deny_icmp if {
	findings := deny with input as with_rules([rule("icmp", -1, -1, ["0.0.0.0/0"])])
	some d in findings
	contains(d.message, "ICMP")
}

test_deny_inline_rules_one_per_rule if {
	inline := fx.sg("aws_security_group.inline", [
		object.union(rule("tcp", 22, 22, ["0.0.0.0/0"]), {"address": "aws_security_group.inline", "form": "inline"}),
		object.union(rule("tcp", 5432, 5432, ["0.0.0.0/0"]), {"address": "aws_security_group.inline", "form": "inline"}),
	])
	findings := deny with input as fx.input_of({"security_groups": [inline]})
	count(findings) == 2
}

# A rule open on known address sets is a fact even when another part of
# it (a peer group) is unresolved: never capped as a guess.
test_deny_open_rule_with_unresolved_peer_is_a_fact if {
	findings := deny with input as with_rules([object.union(rule("tcp", 22, 22, ["0.0.0.0/0"]), {"unresolved": true})])
	some d in findings
	not fx.rests_on_assumption(d)
}

test_allow_web_ports_only if {
	count(deny) == 0 with input as with_rules([rule("tcp", 443, 443, ["0.0.0.0/0"]), rule("tcp", 80, 80, ["::/0"])])
}

test_allow_private_cidrs if {
	count(deny) == 0 with input as with_rules([rule("tcp", 22, 22, ["10.0.0.0/8", "192.168.0.0/16"])])
}

test_allow_peer_group_only if {
	count(deny) == 0 with input as fx.input_of({"security_groups": [fx.db_sg]})
}

test_allow_open_egress if {
	sg := object.union(fx.sg("aws_security_group.out", []), {"egress": [rule("-1", 0, 0, ["0.0.0.0/0"])]})
	count(deny) == 0 with input as fx.input_of({"security_groups": [sg]})
}

test_allow_reference_stack if {
	count(deny) == 0 with input as fx.reference_input
}
