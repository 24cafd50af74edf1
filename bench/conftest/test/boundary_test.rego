# Unit tests of bench/conftest/policy: opa test bench/conftest/policy bench/conftest/test
# (kept out of the policy folder so the timed runs load only the policy).
package main_test

import rego.v1

import data.main

stack := "module.tenant[\"t1\"].module.s"

fn(name, mod, after, unknown) := {
	"address": sprintf("%s.aws_lambda_function.%s", [mod, name]),
	"module_address": mod,
	"type": "aws_lambda_function",
	"change": {"after": after, "after_unknown": unknown},
}

rc(typ, name, mod, after) := {
	"address": sprintf("%s.%s.%s", [mod, typ, name]),
	"module_address": mod,
	"type": typ,
	"change": {"after": after, "after_unknown": {}},
}

doc(mod, statement) := {"address": mod, "resources": [{
	"type": "aws_iam_policy_document",
	"values": {"json": json.marshal({"Statement": [statement]})},
}]}

plan(changes, modules) := {
	"resource_changes": changes,
	"prior_state": {"values": {"root_module": {"child_modules": modules}}},
}

egress := sprintf("%s.module.egress", [stack])

outside := fn("this", egress, {"vpc_config": []}, {})

inside := fn("this", egress, {"vpc_config": [{}]}, {"vpc_config": [{"subnet_ids": true}]})

test_deny_outside_vpc_reads_db_secret if {
	p := plan([outside], [doc(egress, {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"})])
	count(main.deny) == 1 with input as p
}

test_deny_outside_vpc_data_api_in_inline_policy if {
	pol := rc("aws_iam_role_policy", "p", egress, {"policy": json.marshal({"Statement": {"Effect": "Allow", "Action": ["rds-data:ExecuteStatement"], "Resource": "arn:aws:rds:eu-west-1:1:cluster:db"}})})
	count(main.deny) == 1 with input as plan([outside, pol], [])
}

test_allow_outside_vpc_reads_named_secret if {
	p := plan([outside], [doc(egress, {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "arn:aws:secretsmanager:eu-west-1:1:secret:api-key-AbCdEf"})])
	count(main.deny) == 0 with input as p
}

test_allow_deny_statement if {
	p := plan([outside], [doc(egress, {"Effect": "Deny", "Action": "*", "Resource": "*"})])
	count(main.deny) == 0 with input as p
}

test_allow_in_vpc_reads_data if {
	p := plan([inside], [doc(egress, {"Effect": "Allow", "Action": "rds-db:connect", "Resource": "*"})])
	count(main.deny) == 0 with input as p
}

db_rule := rc("aws_vpc_security_group_ingress_rule", "db", sprintf("%s.module.db", [stack]), {"from_port": 5432, "cidr_ipv4": "10.0.0.0/16"})

nat := rc("aws_nat_gateway", "this", sprintf("%s.module.vpc", [stack]), {})

test_deny_in_vpc_behind_nat_with_db_ingress if {
	msgs := main.deny with input as plan([inside, db_rule, nat], [])
	some m in msgs
	contains(m, "behind a NAT gateway")
	count(msgs) == 2 # and the NAT gateway itself
}

test_allow_in_vpc_without_nat if {
	count(main.deny) == 0 with input as plan([inside, db_rule], [])
}

test_allow_nat_in_another_stack if {
	other := rc("aws_nat_gateway", "this", "module.tenant[\"t2\"].module.s.module.vpc", {})
	msgs := main.deny with input as plan([inside, db_rule, other], [])
	every m in msgs { not contains(m, "behind a NAT gateway") }
}

test_deny_open_ingress_every_form if {
	sg := rc("aws_security_group", "a", stack, {"ingress": [{"from_port": 22, "cidr_blocks": ["0.0.0.0/0"]}]})
	rule := rc("aws_security_group_rule", "b", stack, {"type": "ingress", "from_port": 5432, "cidr_blocks": ["0.0.0.0/0"]})
	v2 := rc("aws_vpc_security_group_ingress_rule", "c", stack, {"from_port": 3306, "cidr_ipv4": "0.0.0.0/0"})
	count(main.deny) == 3 with input as plan([sg, rule, v2], [])
}

test_allow_open_ingress_web if {
	sg := rc("aws_security_group", "a", stack, {"ingress": [{"from_port": 443, "cidr_blocks": ["0.0.0.0/0"]}]})
	count(main.deny) == 0 with input as plan([sg], [])
}

test_deny_aurora_never_sleeps if {
	db := rc("aws_rds_cluster", "db", stack, {"serverlessv2_scaling_configuration": [{"min_capacity": 0.5}]})
	count(main.deny) == 1 with input as plan([db], [])
}

test_allow_aurora_sleeps if {
	db := rc("aws_rds_cluster", "db", stack, {"serverlessv2_scaling_configuration": [{"min_capacity": 0}]})
	count(main.deny) == 0 with input as plan([db], [])
}

test_deny_public_url_in_front_of_data if {
	url := rc("aws_lambda_function_url", "u", egress, {"authorization_type": "NONE"})
	p := plan([url, inside], [doc(egress, {"Effect": "Allow", "Action": "rds-data:*", "Resource": "*"})])
	msgs := main.deny with input as p
	some m in msgs
	contains(m, "public function URL")
}

test_allow_iam_url if {
	url := rc("aws_lambda_function_url", "u", egress, {"authorization_type": "AWS_IAM"})
	p := plan([url, inside], [doc(egress, {"Effect": "Allow", "Action": "rds-data:*", "Resource": "*"})])
	count(main.deny) == 0 with input as p
}

test_deleted_resources_are_ignored if {
	gone := {"address": "x", "type": "aws_nat_gateway", "change": {"after": null}}
	count(main.deny) == 0 with input as plan([gone], [])
}
