# METADATA
# title: Network helpers
# description: Predicates over normalised security group rules (model.SGRule). Protocol strings come from four resource forms, so every spelling of "all", TCP, UDP and ICMP is accepted.
# scope: package
package letsleep.lib.network

import data.letsleep.lib.model

# open_cidrs are the "anywhere" ranges of IPv4 and IPv6.
open_cidrs := {"0.0.0.0/0", "::/0"}

# literal_open is the set of anywhere ranges a rule spells out.
literal_open(rule) := {c | some c in model.as_array(rule.cidrs); c in open_cidrs}

family_of := {"0.0.0.0/0": "IPv4", "::/0": "IPv6"}

# spelled_open describes the internets a rule admits in another spelling
# (0.0.0.0/1 + 128.0.0.0/1, 0::/0, or ranges spread over several rules).
# The model decides it on address sets (SGRule.open).
spelled_open(rule) := {d |
	some fam in model.as_array(object.get(rule, "open", []))
	not fam in {family_of[c] | some c in literal_open(rule)}
	d := sprintf("%s (%s)", [concat(" + ", model.as_array(rule.cidrs)), together(rule, fam)])
}

together(rule, fam) := sprintf("the whole %s internet", [fam]) if count(model.as_array(object.get(rule, "open_with", []))) == 0

together(rule, fam) := sprintf("with %s: together the whole %s internet", [model.list(rule.open_with), fam]) if {
	count(model.as_array(object.get(rule, "open_with", []))) > 0
}

# open_sources is the set of anywhere ranges a rule admits, however spelled.
open_sources(rule) := literal_open(rule) | spelled_open(rule)

# is_open holds when open_sources(rule) is not empty, tested without
# building it: a literal anywhere range, or a family the model marked open
# that spelled_open describes. Most rules have neither, and this runs for
# every ingress rule.
is_open(rule) if {
	some c in rule.cidrs
	c in open_cidrs
}

is_open(rule) if {
	model.non_empty(object.get(rule, "open", []))
	count(spelled_open(rule)) > 0
}

# open_ingress lists every open ingress rule as [security group, rule], in
# the model's order: computed once per evaluation for the three checks that
# read it (LSL-007, LSL-008, LSL-009), where each tested every rule.
open_ingress := [[sg, rule] |
	some sg in model.section("security_groups")
	some rule in sg.ingress
	is_open(rule)
]

# open_ingress_by_sg[address] is the security group at address and its
# open ingress rules in the model's order, for the groups that have one
# (the inner comprehension is indexed on the group's address).
open_ingress_by_sg := {a: {"sg": sg, "rules": rules} |
	some [sg, _] in open_ingress
	a := sg.address
	rules := [r | some [s, r] in open_ingress; s.address == a]
}

# all_protocols holds for rules that admit every protocol (and so every port).
all_protocols(rule) if lower(sprintf("%v", [rule.protocol])) in {"-1", "all"}

tcp(rule) if lower(sprintf("%v", [rule.protocol])) in {"tcp", "6"}

udp(rule) if lower(sprintf("%v", [rule.protocol])) in {"udp", "17"}

icmp(rule) if lower(sprintf("%v", [rule.protocol])) in {"icmp", "1", "icmpv6", "58"}

# covers_port holds when the rule admits TCP traffic to port. A port of 0
# means the port is unknown at plan time: assume it is covered.
covers_port(rule, _) if all_protocols(rule)

covers_port(rule, port) if {
	tcp(rule)
	port == 0
}

covers_port(rule, port) if {
	tcp(rule)
	port > 0
	rule.from_port <= port
	port <= rule.to_port
}

# TCP rules with ports 0-0 or -1 are how some forms spell "all ports".
covers_port(rule, _) if {
	tcp(rule)
	rule.from_port <= 0
	rule.to_port <= 0
}

web_ports := {80, 443}

# web_only holds when the rule admits TCP to 80 and/or 443 and nothing else.
web_only(rule) if {
	tcp(rule)
	rule.from_port == rule.to_port
	rule.from_port in web_ports
}

# ports describes the ports a rule admits, for messages.
ports(rule) := "all protocols and ports" if all_protocols(rule)

ports(rule) := sprintf("ICMP (type %v, code %v)", [rule.from_port, rule.to_port]) if icmp(rule)

ports(rule) := sprintf("%s port %v", [proto_name(rule), rule.from_port]) if {
	not all_protocols(rule)
	not icmp(rule)
	rule.from_port == rule.to_port
	rule.from_port > 0
}

ports(rule) := sprintf("%s ports %v-%v", [proto_name(rule), rule.from_port, rule.to_port]) if {
	not all_protocols(rule)
	not icmp(rule)
	rule.from_port != rule.to_port
}

ports(rule) := sprintf("%s, all ports", [proto_name(rule)]) if {
	not all_protocols(rule)
	not icmp(rule)
	rule.from_port == rule.to_port
	rule.from_port <= 0
}

proto_name(rule) := "TCP" if tcp(rule)

proto_name(rule) := "UDP" if udp(rule)

proto_name(rule) := sprintf("protocol %v", [rule.protocol]) if {
	not tcp(rule)
	not udp(rule)
}

# rule_step is the evidence step of one rule.
rule_step(sg, rule) := model.step("sg_rule", rule.address, sprintf("%s ingress from %s on %s", [sg.address, model.list(open_sources(rule)), ports(rule)]))

sg_step(sg) := model.step("security_group", sg.address, sg_label(sg))

sg_label(sg) := sprintf("security group %s", [sg.name]) if {
	is_string(sg.name)
	sg.name != ""
}

sg_label(sg) := "security group" if not sg_named(sg)

sg_named(sg) if {
	is_string(sg.name)
	sg.name != ""
}
