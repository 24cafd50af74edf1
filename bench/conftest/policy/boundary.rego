# Cross-resource checks over a raw terraform plan, for the benchmark only.
#
# Written for speed the way OPA's policy-performance guidance says:
# every index is one object or set built by a comprehension whose inner
# comprehension filters on a variable bound outside it (OPA evaluates such
# a comprehension once and groups it by that variable: comprehension
# indexing), and every join is a lookup in such an index, never a scan of
# resource_changes per resource. No partial rule is keyed by a variable.
package main

import rego.v1

changes := [rc | some rc in input.resource_changes; rc.change.after != null]

types := {rc.type | some rc in changes}

# type → resource changes of that type.
by_type := {t: rcs |
	some t in types
	rcs := [rc | some rc in changes; rc.type == t]
}

resources_of(t) := object.get(by_type, t, [])

module_of(rc) := object.get(rc, "module_address", "")

# Policy documents: the data sources read at plan time live in prior_state,
# in nested child modules. Rego has no recursion, so walk six levels (the
# generated plans nest five) instead of walk(), which would visit every value.
level0 := [input.prior_state.values.root_module]

level1 := [c | some m in level0; some c in object.get(m, "child_modules", [])]

level2 := [c | some m in level1; some c in object.get(m, "child_modules", [])]

level3 := [c | some m in level2; some c in object.get(m, "child_modules", [])]

level4 := [c | some m in level3; some c in object.get(m, "child_modules", [])]

level5 := [c | some m in level4; some c in object.get(m, "child_modules", [])]

prior_modules := array.concat(array.concat(array.concat(level0, level1), array.concat(level2, level3)), array.concat(level4, level5))

data_actions := {"secretsmanager:GetSecretValue", "rds-db:connect", "rds-data:ExecuteStatement", "rds-data:*", "*"}

statement_actions(st) := {st.Action} if is_string(st.Action)

statement_actions(st) := {a | some a in st.Action} if is_array(st.Action)

# Modules holding a policy document that allows reading the data: one pass
# over the documents, then a set lookup per function.
data_modules := {addr |
	some m in prior_modules
	addr := object.get(m, "address", "")
	some r in object.get(m, "resources", [])
	r.type == "aws_iam_policy_document"
	doc := json.unmarshal(r.values.json)
	some st in doc.Statement
	st.Effect == "Allow"
	some a in statement_actions(st)
	a in data_actions
}

outside_vpc(fn) if count(object.get(fn.change.after, "vpc_config", [])) == 0

deny contains msg if {
	some fn in resources_of("aws_lambda_function")
	outside_vpc(fn)
	module_of(fn) in data_modules
	msg := sprintf("%s: outside a VPC (it can go out) and its role can read the data", [fn.address])
}

# Security group rules of every form, normalised.
sg_rules contains {"address": rc.address, "module": module_of(rc), "type": "ingress", "from": p.from_port, "to": p.to_port, "cidrs": p.cidr_blocks} if {
	some rc in resources_of("aws_security_group")
	some p in object.get(rc.change.after, "ingress", [])
}

sg_rules contains {"address": rc.address, "module": module_of(rc), "type": a.type, "from": a.from_port, "to": a.to_port, "cidrs": object.get(a, "cidr_blocks", [])} if {
	some rc in resources_of("aws_security_group_rule")
	a := rc.change.after
}

sg_rules contains {"address": rc.address, "module": module_of(rc), "type": "ingress", "from": a.from_port, "to": a.to_port, "cidrs": [object.get(a, "cidr_ipv4", "")]} if {
	some rc in resources_of("aws_vpc_security_group_ingress_rule")
	a := rc.change.after
}

web_ports := {80, 443}

deny contains msg if {
	some r in sg_rules
	r.type == "ingress"
	"0.0.0.0/0" in r.cidrs
	not r.from in web_ports
	msg := sprintf("%s: ingress from anywhere on port %v", [r.address, r.from])
}

# Functions whose module sits next to an ingress rule on the DB port: the
# network path letsleep derives through SG references, approximated by module.
db_ports := {3306, 5432}

db_ingress_tenants contains tenant_of(r.module) if {
	some r in sg_rules
	r.type == "ingress"
	r.from in db_ports
}

deny contains msg if {
	some fn in resources_of("aws_lambda_function")
	outside_vpc(fn)
	tenant_of(module_of(fn)) in db_ingress_tenants
	msg := sprintf("%s: can go out and shares a stack with a DB ingress rule", [fn.address])
}

tenant_of(m) := concat(".", array.slice(split(m, "."), 0, 2))

deny contains msg if {
	some db in resources_of("aws_rds_cluster")
	not sleeps(db.change.after)
	msg := sprintf("%s: Aurora cannot auto-pause (min capacity above 0 or not serverless v2)", [db.address])
}

sleeps(a) if {
	some s in a.serverlessv2_scaling_configuration
	s.min_capacity == 0
}

deny contains msg if {
	some nat in resources_of("aws_nat_gateway")
	msg := sprintf("%s: a NAT gateway bills every hour and gives in-VPC functions a way out", [nat.address])
}

deny contains msg if {
	some url in resources_of("aws_lambda_function_url")
	url.change.after.authorization_type == "NONE"
	module_of(url) in data_modules
	msg := sprintf("%s: public function URL in front of a function that can read the data", [url.address])
}
