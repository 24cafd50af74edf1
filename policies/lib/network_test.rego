package letsleep.lib.network_test

import data.letsleep.lib.fixtures as fx
import data.letsleep.lib.network

rule(protocol, from, to, cidrs) := fx.sg_rule("r", protocol, from, to, cidrs)

test_is_open_ipv4_and_ipv6 if {
	network.is_open(rule("tcp", 22, 22, ["10.0.0.0/8", "0.0.0.0/0"]))
	network.is_open(rule("tcp", 22, 22, ["::/0"]))
	not network.is_open(rule("tcp", 22, 22, ["10.0.0.0/8"]))
	not network.is_open(object.union(rule("tcp", 22, 22, []), {"cidrs": null}))
}

test_open_in_other_spellings if {
	split := object.union(rule("tcp", 22, 22, ["0.0.0.0/1", "128.0.0.0/1"]), {"open": ["IPv4"]})
	network.is_open(split)
	network.open_sources(split) == {"0.0.0.0/1 + 128.0.0.0/1 (the whole IPv4 internet)"}
	zero := object.union(rule("tcp", 22, 22, ["0::/0"]), {"open": ["IPv6"]})
	network.open_sources(zero) == {"0::/0 (the whole IPv6 internet)"}
	spread := object.union(rule("tcp", 22, 22, ["0.0.0.0/1"]), {"open": ["IPv4"], "open_with": ["aws_vpc_security_group_ingress_rule.b"]})
	network.open_sources(spread) == {"0.0.0.0/1 (with aws_vpc_security_group_ingress_rule.b: together the whole IPv4 internet)"}

	# A literal anywhere range is not described twice.
	both := object.union(rule("tcp", 22, 22, ["0.0.0.0/0"]), {"open": ["IPv4"]})
	network.open_sources(both) == {"0.0.0.0/0"}
	not network.is_open(object.union(rule("tcp", 22, 22, ["0.0.0.0/1"]), {"open": []}))
}

test_covers_port if {
	network.covers_port(rule("tcp", 5000, 6000, []), 5432)
	not network.covers_port(rule("tcp", 22, 22, []), 5432)
	network.covers_port(rule("-1", 0, 0, []), 5432)
	network.covers_port(rule("tcp", 22, 22, []), 0)
	network.covers_port(rule("tcp", -1, -1, []), 5432)
	not network.covers_port(rule("udp", 5432, 5432, []), 5432)
	not network.covers_port(rule("icmp", -1, -1, []), 5432)
}

test_web_only if {
	network.web_only(rule("tcp", 443, 443, []))
	network.web_only(rule("6", 80, 80, []))
	not network.web_only(rule("tcp", 80, 443, []))
	not network.web_only(rule("tcp", 8080, 8080, []))
	not network.web_only(rule("-1", 443, 443, []))
	not network.web_only(rule("udp", 443, 443, []))
}

test_ports_describes_rules if {
	network.ports(rule("-1", 0, 0, [])) == "all protocols and ports"
	network.ports(rule("tcp", 22, 22, [])) == "TCP port 22"
	network.ports(rule("tcp", 0, 65535, [])) == "TCP ports 0-65535"
	network.ports(rule("udp", 0, 0, [])) == "UDP, all ports"
	network.ports(rule("icmp", 8, 0, [])) == "ICMP (type 8, code 0)"
	network.ports(rule("50", 0, 0, [])) == "protocol 50, all ports"
}

test_sg_step_labels if {
	network.sg_step({"address": "aws_security_group.a", "name": "web"}).detail == "security group web"
	network.sg_step({"address": "aws_security_group.a"}).detail == "security group"
}
