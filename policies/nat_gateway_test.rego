package letsleep.checks.nat_gateway_test

import data.letsleep.checks.nat_gateway.deny
import data.letsleep.lib.fixtures as fx

gw := "module.vpc.aws_nat_gateway.this[0]"

subnet(address, target) := {"address": address, "routes": [{"address": "aws_route.default", "destination": "0.0.0.0/0", "target_kind": "nat", "target": target}]}

test_deny_nat_gateway_with_routed_subnets if {
	findings := deny with input as fx.input_of({
		"nat_gateways": [{"address": gw, "subnet": "module.vpc.aws_subnet.public[0]"}],
		"subnets": [subnet("module.vpc.aws_subnet.private[1]", gw), subnet("module.vpc.aws_subnet.private[0]", gw)],
	})
	count(findings) == 1
	some d in findings
	d.resource == gw
	contains(d.message, "2 subnet(s)")
	d.path[0] == {"kind": "nat_gateway", "address": gw, "detail": "in subnet module.vpc.aws_subnet.public[0]"}

	# subnets are listed in a stable order
	d.path[1].address == "module.vpc.aws_subnet.private[0]"
	d.path[2].address == "module.vpc.aws_subnet.private[1]"
}

test_deny_unrouted_nat_gateway if {
	findings := deny with input as fx.input_of({"nat_gateways": [{"address": gw}]})
	count(findings) == 1
	some d in findings
	contains(d.message, "no subnet in the plan routes to it")
}

test_deny_one_finding_per_gateway if {
	findings := deny with input as fx.input_of({"nat_gateways": [{"address": "aws_nat_gateway.a"}, {"address": "aws_nat_gateway.b"}, {"address": "aws_nat_gateway.c"}]})
	count(findings) == 3
}

test_allow_subnets_without_nat if {
	count(deny) == 0 with input as fx.input_of({"subnets": [{"address": "aws_subnet.private", "routes": [{"address": "aws_route_table.private", "destination": "10.0.0.0/16", "target_kind": "local"}]}]})
}

test_allow_reference_stack if {
	count(deny) == 0 with input as fx.reference_input
}
