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

# is_open tests the two ways open_sources can be non-empty without building
# it: it must agree with count(open_sources) on every spelling.
test_is_open_agrees_with_open_sources if {
	base := rule("tcp", 22, 22, [])
	rules := [
		rule("tcp", 22, 22, ["0.0.0.0/0"]),
		rule("tcp", 22, 22, ["10.0.0.0/8", "::/0"]),
		rule("tcp", 22, 22, ["10.0.0.0/8"]),
		base,
		object.union(base, {"cidrs": null}),
		object.remove(base, ["cidrs"]),
		object.union(rule("tcp", 22, 22, ["0.0.0.0/1", "128.0.0.0/1"]), {"open": ["IPv4"]}),
		object.union(rule("tcp", 22, 22, ["0.0.0.0/1"]), {"open": ["IPv4"], "open_with": ["aws_vpc_security_group_ingress_rule.b"]}),
		object.union(rule("tcp", 22, 22, ["0.0.0.0/0"]), {"open": ["IPv4"]}),
		object.union(rule("tcp", 22, 22, ["0.0.0.0/1"]), {"open": []}),
		object.union(rule("tcp", 22, 22, ["0.0.0.0/1"]), {"open": null}),
		object.union(object.remove(base, ["cidrs"]), {"open": ["IPv6"]}),
	]
	every r in rules {
		is_open_matches(r)
	}
}

is_open_matches(r) if {
	network.is_open(r)
	count(network.open_sources(r)) > 0
}

is_open_matches(r) if {
	not network.is_open(r)
	count(network.open_sources(r)) == 0
}

# open_ingress keeps the model's order (a finding's path lists its group's
# open rules in that order) and reads null or absent ingress as none.
test_open_ingress_in_model_order if {
	open1 := rule("tcp", 22, 22, ["0.0.0.0/0"])
	open2 := fx.sg_rule("r2", "tcp", 443, 443, ["::/0"])
	open3 := fx.sg_rule("r3", "-1", 0, 0, ["0.0.0.0/0"])
	a := fx.sg("aws_security_group.a", [rule("tcp", 22, 22, ["10.0.0.0/8"]), open1, open2])
	b := fx.sg("aws_security_group.b", null)
	c := object.remove(fx.sg("aws_security_group.c", []), ["ingress"])
	d := fx.sg("aws_security_group.d", [open3])
	inp := fx.input_of({"security_groups": [a, b, c, d]})
	network.open_ingress == [[a, open1], [a, open2], [d, open3]] with input as inp
	network.open_ingress_by_sg == {
		"aws_security_group.a": {"sg": a, "rules": [open1, open2]},
		"aws_security_group.d": {"sg": d, "rules": [open3]},
	} with input as inp
}
