# Fixtures shared by the Rego unit tests: small hand-written boundary models.
# This file is a test module, so the engine never loads it.
package letsleep.lib.fixtures

cluster := "module.data.aws_rds_cluster.this"

step(kind, address, detail) := {"kind": kind, "address": address, "detail": detail}

# --- paths ------------------------------------------------------------------

outside_vpc(fn) := {
	"kind": "outside-vpc",
	"target": "internet",
	"steps": [step("function", fn, "no vpc_config"), step("internet", "", "Lambda-managed network")],
}

nat(fn) := {
	"kind": "nat",
	"target": "internet",
	"steps": [
		step("function", fn, "in subnet aws_subnet.private"),
		step("route", "aws_route.nat", "0.0.0.0/0 via NAT"),
		step("nat_gateway", "aws_nat_gateway.this", "NAT gateway"),
	],
}

data_api(fn) := {
	"kind": "data-api",
	"target": cluster,
	"steps": [
		step("function", fn, "outside the VPC"),
		step("role", "aws_iam_role.fn", "execution role"),
		step("action", "rds-data:ExecuteStatement", "granted on *"),
		step("database", cluster, "enable_http_endpoint = true"),
	],
}

network(fn) := {
	"kind": "network",
	"target": cluster,
	"steps": [
		step("function", fn, "in the VPC"),
		step("security_group", "aws_security_group.fn", "egress to DB SG"),
		step("sg_rule", "aws_vpc_security_group_ingress_rule.db_from_fn", "DB SG admits fn SG on 5432"),
		step("database", cluster, "port 5432"),
	],
}

# unresolved_network is a network path whose DB ingress rule was assumed,
# as the model marks it: the step carries what was unknown and assumed.
unresolved_network(fn) := object.union(network(fn), {"unresolved": true, "steps": [
	step("function", fn, "in the VPC"),
	step("security_group", "aws_security_group.fn", "egress to DB SG"),
	object.union(step("sg_rule", "aws_vpc_security_group_ingress_rule.db_from_fn", "ingress rule unknown"), {"assumption": assumption}),
	step("database", cluster, "port 5432"),
]})

assumption := {"address": "aws_vpc_security_group_ingress_rule.db_from_fn", "unknown": "part of this ingress rule is unknown at plan time", "assumed": "it admits the function"}

# rests_on_assumption(d): finding d lists an assumption, or a step of its
# evidence carries one (the engine gathers both and caps d at medium).
rests_on_assumption(d) if count(object.get(d, "assumptions", [])) > 0

rests_on_assumption(d) if {
	some s in d.path
	s.assumption
}

# --- resources ----------------------------------------------------------------

fn(address, role, egress, data_paths) := {
	"address": address,
	"role": role,
	"in_vpc": count(egress) == 0,
	"subnets": [],
	"security_groups": [],
	"execution_role": sprintf("%s_role", [address]),
	"tags": {},
	"egress": egress,
	"data_paths": data_paths,
	"unresolved": [],
}

grant(action, resource, broad) := {
	"action": action,
	"resource": resource,
	"broad": broad,
	"via": [
		step("policy", "aws_iam_role_policy.p", "inline policy"),
		step("statement", "aws_iam_role_policy.p", "Allow"),
		step("action", "", action),
		step("resource", "", resource),
	],
}

role(address, grants) := {"address": address, "policies": [], "statements": [], "grants": grants, "unresolved": []}

serverless_cluster := {
	"address": cluster,
	"kind": "cluster",
	"engine": "aurora-postgresql",
	"engine_version": "16.4",
	"engine_mode": "provisioned",
	"serverless": true,
	"min_capacity": 0,
	"max_capacity": 4,
	"seconds_until_auto_pause": 300,
	"http_endpoint": false,
	"iam_auth": true,
	"publicly_accessible": false,
	"port": 5432,
	"instances": [{"address": "module.data.aws_rds_cluster_instance.this[0]", "instance_class": "db.serverless", "publicly_accessible": false}],
	"security_groups": ["module.data.aws_security_group.db"],
	"logical_replication": false,
	"managed_master_secret": true,
	"secrets": [],
	"zero_etl": [],
	"proxies": [],
	"unknown": [],
}

db_sg := {
	"address": "module.data.aws_security_group.db",
	"name": "db",
	"ingress": [{
		"address": "module.data.aws_vpc_security_group_ingress_rule.from_control",
		"form": "aws_vpc_security_group_ingress_rule",
		"protocol": "tcp",
		"from_port": 5432,
		"to_port": 5432,
		"cidrs": [],
		"peer_groups": ["module.control.aws_security_group.fn"],
		"prefix_lists": [],
	}],
	"egress": [],
}

sg_rule(address, protocol, from, to, cidrs) := {
	"address": address,
	"form": "aws_security_group_rule",
	"protocol": protocol,
	"from_port": from,
	"to_port": to,
	"cidrs": cidrs,
	"peer_groups": [],
	"prefix_lists": [],
}

sg(address, ingress) := {"address": address, "name": "web", "ingress": ingress, "egress": []}

# --- models ---------------------------------------------------------------------

empty := {
	"schema": "letsleep.model/v1",
	"plan": {"source": "test.json", "terraform_version": "1.9.0", "format_version": "1.2", "resource_count": 0},
	"functions": [],
	"roles": [],
	"databases": [],
	"proxies": [],
	"nat_gateways": [],
	"internet_gateways": [],
	"security_groups": [],
	"subnets": [],
	"secrets": [],
	"entry_points": [],
	"tables": [],
	"vpc_endpoints": [],
	"warnings": [],
	"target_sets": [],
}

# nulls is the model of an empty plan as Go marshals nil slices.
nulls := {k: null | some k, v in empty; is_array(v)}

model(parts) := object.union(empty, parts)

input_of(parts) := {"model": model(parts), "config": {"profile": "sleep-first", "strict": false}}

# reference is the sleep-first reference stack: nothing at medium or above.
reference := model({
	"functions": [
		object.union(fn("module.control.aws_lambda_function.this", "control", [], [network("module.control.aws_lambda_function.this")]), {"in_vpc": true, "reserved_concurrency": 2}),
		fn("module.egress.aws_lambda_function.this", "egress", [outside_vpc("module.egress.aws_lambda_function.this")], []),
		fn("module.hot.aws_lambda_function.this", "hot", [outside_vpc("module.hot.aws_lambda_function.this")], []),
		object.union(fn("module.warmup.aws_lambda_function.this", "warmup", [], [network("module.warmup.aws_lambda_function.this")]), {"reserved_concurrency": 1}),
	],
	"roles": [
		role("module.control.aws_lambda_function.this_role", [grant("rds-db:connect", "arn:aws:rds-db:eu-west-1:123456789012:dbuser:cluster-x/app", false)]),
		role("module.egress.aws_lambda_function.this_role", [grant("secretsmanager:GetSecretValue", "aws_secretsmanager_secret.egress_api_key", false)]),
		role("module.hot.aws_lambda_function.this_role", [grant("s3:GetObject", "arn:aws:s3:::viewer/*", false)]),
	],
	"databases": [serverless_cluster],
	"security_groups": [db_sg],
	"entry_points": [
		{"address": "module.hot.aws_lambda_function_url.this", "kind": "function_url", "auth": "AWS_IAM", "function": "module.hot.aws_lambda_function.this", "throttled": false},
		{"address": "module.warmup.aws_apigatewayv2_route.warm", "kind": "apigw_v2_route", "auth": "JWT", "function": "module.warmup.aws_lambda_function.this", "throttled": true},
	],
	"tables": [{"address": "module.hot.aws_dynamodb_table.cache", "name": "cache", "ttl": true, "recomputable": false}],
	"secrets": [{"address": "aws_secretsmanager_secret.egress_api_key", "name": "egress-api-key", "public_policy": false}],
})

reference_input := {"model": reference, "config": {"profile": "sleep-first", "strict": false}}

# db_set is a target set of databases, as the model lists a wildcard grant's
# many targets once.
db_set(id, members) := {"id": id, "kind": "databases", "members": members}

# set_path is a data path to every database of a target set.
set_path(f, kind, id) := {"kind": kind, "target": "", "target_set": id, "steps": [step("function", f, "Lambda function"), step("target_set", id, "reaches")]}
