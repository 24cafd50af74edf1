# Cross-resource checks over a raw terraform plan, for the benchmark only.
# What it checks and what it does not: bench/conftest/README.md.
#
# Written for speed the way OPA's policy-performance guidance says:
# every index is one object or set built by a comprehension whose inner
# comprehension filters on a variable bound outside it (OPA evaluates such
# a comprehension once and groups it by that variable: comprehension
# indexing), and every join is a lookup in such an index, never a scan of
# resource_changes per resource. No partial rule is keyed by a variable.
package main

import rego.v1

types := {rc.type | some rc in input.resource_changes}

# type → resource changes of that type that exist after the plan. The
# filter on `after` sits in the indexed comprehension, so the plan's
# resource changes are walked twice in all (here and for `types`).
by_type := {t: rcs |
	some t in types
	rcs := [rc | some rc in input.resource_changes; rc.type == t; rc.change.after != null]
}

resources_of(t) := object.get(by_type, t, [])

module_of(rc) := object.get(rc, "module_address", "")

# The stack a resource belongs to: the first two module calls of its
# address (module.tenant["t00042-9c1f3a"].module.devstack in the generated
# plans). Module keys holding a dot would be cut short; the generator
# writes none.
stack_of(m) := concat(".", array.slice(split(m, "."), 0, 4))

# ---- policy documents --------------------------------------------------

# Data sources read at plan time live in prior_state, in nested child
# modules. Rego has no recursion, so walk six levels (the generated plans
# nest five) instead of walk(), which would visit every value of the plan.
level0 := [input.prior_state.values.root_module]

level1 := [c | some m in level0; some c in object.get(m, "child_modules", [])]

level2 := [c | some m in level1; some c in object.get(m, "child_modules", [])]

level3 := [c | some m in level2; some c in object.get(m, "child_modules", [])]

level4 := [c | some m in level3; some c in object.get(m, "child_modules", [])]

level5 := [c | some m in level4; some c in object.get(m, "child_modules", [])]

prior_modules := array.concat(array.concat(array.concat(level0, level1), array.concat(level2, level3)), array.concat(level4, level5))

# {module, json} of every policy document whose JSON is known at plan time:
# aws_iam_policy_document data sources, and the `policy` string of inline
# role policies and managed policies (jsonencode of constants).
documents contains {"module": object.get(m, "address", ""), "json": r.values.json} if {
	some m in prior_modules
	some r in object.get(m, "resources", [])
	r.type == "aws_iam_policy_document"
	is_string(r.values.json)
}

documents contains {"module": module_of(rc), "json": rc.change.after.policy} if {
	some t in {"aws_iam_role_policy", "aws_iam_policy"}
	some rc in resources_of(t)
	is_string(rc.change.after.policy)
}

# A single action, resource or statement may be written without a list.
as_set(x) := {x} if not is_array(x)

as_set(x) := {v | some v in x} if is_array(x)

# Actions that reach the data whatever the resource.
data_actions := {"rds-db:connect", "rds-data:ExecuteStatement", "rds-data:BatchExecuteStatement", "rds-data:*", "*"}

# Secret reads reach the data only when they can read the database's
# secret: any secret ("*") or an RDS-managed one (named rds!…). A read of
# one named application secret (an API key) does not.
secret_actions := {"secretsmanager:GetSecretValue", "secretsmanager:*"}

reads_data(st) if {
	some a in as_set(st.Action)
	a in data_actions
}

reads_data(st) if {
	some a in as_set(st.Action)
	a in secret_actions
	some r in as_set(object.get(st, "Resource", []))
	db_secret(r)
}

db_secret("*")

db_secret(r) if contains(r, ":secret:rds!")

# Modules holding a policy document that allows reading the data: one pass
# over the documents, then a set lookup per function.
data_modules := {d.module |
	some d in documents
	doc := json.unmarshal(d.json)
	some st in as_set(doc.Statement)
	st.Effect == "Allow"
	reads_data(st)
}

# ---- checks --------------------------------------------------------------

in_vpc(fn) if {
	some vc in object.get(fn.change.after, "vpc_config", [])
	count(object.get(vc, "subnet_ids", [])) > 0
}

# Subnet ids unknown at plan time are left out of `after`.
in_vpc(fn) if {
	some vc in object.get(fn.change.after_unknown, "vpc_config", [])
	object.get(vc, "subnet_ids", false) != false
}

# LSL-001, IAM side: a function outside a VPC can go out.
deny contains msg if {
	some fn in resources_of("aws_lambda_function")
	not in_vpc(fn)
	module_of(fn) in data_modules
	msg := sprintf("%s: outside a VPC (it can go out) and its role can read the data", [fn.address])
}

# Security group rules of every form, normalised.
sg_rules contains {"address": rc.address, "module": module_of(rc), "type": "ingress", "from": p.from_port, "cidrs": p.cidr_blocks} if {
	some rc in resources_of("aws_security_group")
	some p in object.get(rc.change.after, "ingress", [])
}

sg_rules contains {"address": rc.address, "module": module_of(rc), "type": a.type, "from": a.from_port, "cidrs": object.get(a, "cidr_blocks", [])} if {
	some rc in resources_of("aws_security_group_rule")
	a := rc.change.after
}

sg_rules contains {"address": rc.address, "module": module_of(rc), "type": "ingress", "from": a.from_port, "cidrs": [object.get(a, "cidr_ipv4", "")]} if {
	some rc in resources_of("aws_vpc_security_group_ingress_rule")
	a := rc.change.after
}

web_ports := {80, 443}

# LSL-008: ingress from anywhere on a port other than 80/443.
deny contains msg if {
	some r in sg_rules
	r.type == "ingress"
	"0.0.0.0/0" in r.cidrs
	not r.from in web_ports
	msg := sprintf("%s: ingress from anywhere on port %v", [r.address, r.from])
}

# LSL-001, network side, approximated by stack: letsleep follows security
# group references, subnets and route tables; here an in-VPC function is
# taken to reach the database when its stack has an ingress rule on a
# database port, and to go out when its stack has a NAT gateway.
db_ports := {3306, 5432}

db_ingress_stacks := {stack_of(r.module) |
	some r in sg_rules
	r.type == "ingress"
	r.from in db_ports
}

nat_stacks := {stack_of(module_of(nat)) | some nat in resources_of("aws_nat_gateway")}

deny contains msg if {
	some fn in resources_of("aws_lambda_function")
	in_vpc(fn)
	s := stack_of(module_of(fn))
	s in nat_stacks
	s in db_ingress_stacks
	msg := sprintf("%s: in a VPC behind a NAT gateway, and its stack lets functions in on the DB port", [fn.address])
}

# LSL-006.
deny contains msg if {
	some db in resources_of("aws_rds_cluster")
	not sleeps(db.change.after)
	msg := sprintf("%s: Aurora cannot auto-pause (min capacity above 0 or not serverless v2)", [db.address])
}

sleeps(a) if {
	some s in a.serverlessv2_scaling_configuration
	s.min_capacity == 0
}

# LSL-004.
deny contains msg if {
	some nat in resources_of("aws_nat_gateway")
	msg := sprintf("%s: a NAT gateway bills every hour and gives in-VPC functions a way out", [nat.address])
}

# LSL-003, approximated by module.
deny contains msg if {
	some url in resources_of("aws_lambda_function_url")
	url.change.after.authorization_type == "NONE"
	module_of(url) in data_modules
	msg := sprintf("%s: public function URL in front of a function that can read the data", [url.address])
}
