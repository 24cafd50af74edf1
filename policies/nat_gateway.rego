# METADATA
# title: NAT gateway
# description: >-
#   A NAT gateway is the way a VPC-attached Lambda gets to the internet: it has
#   internet egress only through a NAT in the route table of its subnets
#   (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html). In a
#   sleep-first stack the data side lives in the VPC without NAT, so a NAT
#   gateway reopens the way out for every function in the subnets that route
#   to it. It is also billed by the hour whether traffic flows or not
#   (https://aws.amazon.com/vpc/pricing/), which defeats sleeping.
# scope: package
# custom:
#   id: LSL-004
#   category: nat-gateway
#   severity: medium
#   recommended_action: >-
#     Remove the NAT gateway. Reach AWS services from the VPC through VPC
#     endpoints (a free S3/DynamoDB gateway endpoint where possible), and move
#     work that needs the internet to an egress function outside the VPC.
#   profiles: [sleep-first]
package letsleep.checks.nat_gateway

import data.letsleep.lib.model

# routed[nat] is the set of subnets whose routes send traffic to nat.
routed := model.group([[r.target, s.address, true] |
	some s in model.section("subnets")
	some r in s.routes
	r.target_kind == "nat"
	model.named(r.target)
])

deny contains finding if {
	some g in model.section("nat_gateways")
	subnets := object.get(routed, g.address, set())
	finding := {
		"resource": g.address,
		"message": sprintf("NAT gateway %s %s", [g.address, usage(subnets)]),
		"path": array.concat(
			[model.step("nat_gateway", g.address, placement(g))],
			[model.step("subnet", s, "routes to this NAT gateway") | some s in sort(subnets)],
		),
	}
}

usage(subnets) := "exists; no subnet in the plan routes to it yet" if count(subnets) == 0

usage(subnets) := sprintf("gives %d subnet(s) a way out to the internet: %s", [count(subnets), model.list(subnets)]) if {
	count(subnets) > 0
}

placement(g) := sprintf("in subnet %s", [g.subnet]) if {
	is_string(g.subnet)
	g.subnet != ""
}

placement(g) := "NAT gateway" if not has_subnet(g)

has_subnet(g) if {
	is_string(g.subnet)
	g.subnet != ""
}
