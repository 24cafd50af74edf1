package letsleep.checks.db_public_test

import data.letsleep.checks.db_public.deny
import data.letsleep.lib.fixtures as fx

open_rule(protocol, from, to, cidrs) := fx.sg_rule("module.data.aws_security_group_rule.open", protocol, from, to, cidrs)

with_db_sg_rule(rule) := fx.input_of({
	"databases": [fx.serverless_cluster],
	"security_groups": [object.union(fx.db_sg, {"ingress": array.concat(fx.db_sg.ingress, [rule])})],
})

test_deny_open_db_sg_ipv4_on_db_port if {
	findings := deny with input as with_db_sg_rule(open_rule("tcp", 5432, 5432, ["0.0.0.0/0"]))
	count(findings) == 1
	some d in findings
	d.resource == "module.data.aws_security_group.db"
	contains(d.message, "admits the internet: 0.0.0.0/0 on TCP port 5432 (module.data.aws_security_group_rule.open)")
	d.path[0] == {"kind": "database", "address": fx.cluster, "detail": "behind this security group"}
	d.path[1].kind == "security_group"
	d.path[2].kind == "sg_rule"
	count(d.path) == 3
	not fx.rests_on_assumption(d)
}

test_deny_open_db_sg_ipv6 if {
	count(deny) == 1 with input as with_db_sg_rule(open_rule("tcp", 0, 65535, ["::/0"]))
}

test_deny_open_db_sg_all_protocols if {
	count(deny) == 1 with input as with_db_sg_rule(open_rule("-1", 0, 0, ["0.0.0.0/0"]))
}

test_deny_publicly_accessible_instance if {
	db := object.union(fx.serverless_cluster, {"instances": [{"address": "aws_rds_cluster_instance.pub", "instance_class": "db.serverless", "publicly_accessible": true}]})
	findings := deny with input as fx.input_of({"databases": [db]})
	count(findings) == 1
	some d in findings
	d.resource == "aws_rds_cluster_instance.pub"
}

# The model marks the cluster public when an instance is: one finding, on
# the instance that carries the setting.
test_deny_public_cluster_instance_once_on_the_instance if {
	db := object.union(fx.serverless_cluster, {"publicly_accessible": true, "instances": [
		{"address": "aws_rds_cluster_instance.pub", "instance_class": "db.serverless", "publicly_accessible": true},
		{"address": "aws_rds_cluster_instance.priv", "instance_class": "db.serverless", "publicly_accessible": false},
	]})
	findings := deny with input as fx.input_of({"databases": [db]})
	count(findings) == 1
	some d in findings
	d.resource == "aws_rds_cluster_instance.pub"
}

test_deny_publicly_accessible_standalone_instance if {
	findings := deny with input as fx.input_of({"databases": [{"address": "aws_db_instance.pg", "kind": "instance", "engine": "postgres", "publicly_accessible": true, "port": 5432, "instances": [], "security_groups": []}]})
	some d in findings
	d.resource == "aws_db_instance.pg"
}

test_deny_db_sg_port_unknown_assumes_covered if {
	db := object.union(fx.serverless_cluster, {"port": 0})
	findings := deny with input as fx.input_of({
		"databases": [db],
		"security_groups": [object.union(fx.db_sg, {"ingress": [open_rule("tcp", 22, 22, ["0.0.0.0/0"])]})],
	})
	count(findings) == 1
}

test_allow_open_rule_on_other_port if {
	count(deny) == 0 with input as with_db_sg_rule(open_rule("tcp", 443, 443, ["0.0.0.0/0"]))
}

test_allow_private_cidr_on_db_port if {
	count(deny) == 0 with input as with_db_sg_rule(open_rule("tcp", 5432, 5432, ["10.0.0.0/16"]))
}

test_allow_open_sg_not_attached_to_db if {
	count(deny) == 0 with input as fx.input_of({
		"databases": [fx.serverless_cluster],
		"security_groups": [fx.db_sg, fx.sg("aws_security_group.web", [open_rule("tcp", 5432, 5432, ["0.0.0.0/0"])])],
	})
}

test_allow_reference_stack if {
	count(deny) == 0 with input as fx.reference_input
}

test_deny_standalone_instance_listing_itself_once if {
	db := {"address": "aws_db_instance.pg", "kind": "instance", "engine": "mysql", "publicly_accessible": true, "instances": [{"address": "aws_db_instance.pg", "instance_class": "db.t3.micro", "publicly_accessible": true}], "security_groups": []}
	count(deny) == 1 with input as fx.input_of({"databases": [db]})
}

test_deny_several_open_rules_one_finding_per_sg if {
	sg := object.union(fx.db_sg, {"ingress": [
		fx.sg_rule("aws_security_group_rule.a", "tcp", 5432, 5432, ["0.0.0.0/0"]),
		object.union(fx.sg_rule("aws_security_group_rule.b", "-1", 0, 0, ["::/0"]), {"unresolved": true}),
		fx.sg_rule("aws_security_group_rule.c", "tcp", 22, 22, ["0.0.0.0/0"]),
	]})
	findings := deny with input as fx.input_of({"databases": [fx.serverless_cluster], "security_groups": [sg]})
	count(findings) == 1
	some d in findings
	[s.address | some s in d.path; s.kind == "sg_rule"] == ["aws_security_group_rule.a", "aws_security_group_rule.b"]
	not fx.rests_on_assumption(d) # the open sources are known address sets: a fact
	not contains(d.message, "port 22")
}
