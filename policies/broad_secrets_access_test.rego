package letsleep.checks.broad_secrets_access_test

import data.letsleep.checks.broad_secrets_access.deny
import data.letsleep.lib.fixtures as fx

fn := "module.egress.aws_lambda_function.this"

role_addr := "module.egress.aws_lambda_function.this_role"

with_grants(grants) := fx.input_of({
	"functions": [fx.fn(fn, "egress", [fx.outside_vpc(fn)], [])],
	"roles": [fx.role(role_addr, grants)],
})

test_deny_get_secret_value_on_star if {
	findings := deny with input as with_grants([fx.grant("secretsmanager:GetSecretValue", "*", true)])
	count(findings) == 1
	some d in findings
	d.resource == role_addr
	contains(d.message, "matching \"*\" (")
	contains(d.message, sprintf("used by %s", [fn]))
	d.path == fx.grant("secretsmanager:GetSecretValue", "*", true).via
}

test_deny_wildcard_secret_pattern if {
	count(deny) == 1 with input as with_grants([fx.grant("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:*:*:secret:rds*", true)])
}

test_deny_action_case_insensitive if {
	count(deny) == 1 with input as with_grants([fx.grant("SecretsManager:getSecretValue", "*", true)])
}

test_deny_conditional_grant_may_apply if {
	g := object.union(fx.grant("secretsmanager:GetSecretValue", "*", true), {"conditional": true})
	findings := deny with input as with_grants([g])
	some d in findings
	contains(d.message, "conditions treated as may-apply")
}

test_deny_unused_role if {
	findings := deny with input as fx.input_of({"roles": [fx.role("aws_iam_role.ci", [fx.grant("secretsmanager:GetSecretValue", "*", true)])]})
	some d in findings
	not contains(d.message, "used by")
}

test_deny_grant_without_via_gets_role_step if {
	g := object.remove(fx.grant("secretsmanager:GetSecretValue", "*", true), ["via"])
	findings := deny with input as with_grants([g])
	some d in findings
	d.path[0].kind == "role"
}

test_deny_secret_with_public_policy if {
	s := {"address": "aws_secretsmanager_secret.db", "public_policy": true, "database": fx.cluster, "policy_steps": [fx.step("policy", "aws_secretsmanager_secret_policy.db", "Principal *")]}
	findings := deny with input as fx.input_of({"secrets": [s]})
	count(findings) == 1
	some d in findings
	d.resource == "aws_secretsmanager_secret.db"
	contains(d.message, fx.cluster)
	count(d.path) == 2
}

test_allow_single_secret_arn if {
	count(deny) == 0 with input as with_grants([fx.grant("secretsmanager:GetSecretValue", "aws_secretsmanager_secret.egress_api_key", false)])
}

test_allow_broad_other_action if {
	count(deny) == 0 with input as with_grants([fx.grant("secretsmanager:ListSecrets", "*", true)])
}

test_allow_private_secret if {
	count(deny) == 0 with input as fx.input_of({"secrets": [{"address": "aws_secretsmanager_secret.x", "public_policy": false}]})
}

test_allow_reference_stack if {
	count(deny) == 0 with input as fx.reference_input
}

test_deny_one_finding_per_role_listing_targets if {
	g1 := object.union(fx.grant("secretsmanager:GetSecretValue", "*", true), {"target": "aws_rds_cluster.db.master_user_secret"})
	g2 := object.union(fx.grant("secretsmanager:GetSecretValue", "*", true), {"target": "aws_secretsmanager_secret.api_key"})
	g3 := object.union(fx.grant("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:*:*:secret:rds*", true), {"target": "aws_rds_cluster.db.master_user_secret"})
	findings := deny with input as with_grants([g1, g2, g3])
	count(findings) == 1
	some d in findings
	contains(d.message, "matching \"*\", \"arn:aws:secretsmanager:*:*:secret:rds*\"")
	contains(d.message, "which reaches aws_rds_cluster.db.master_user_secret, aws_secretsmanager_secret.api_key")
}

test_deny_mixed_conditional_grants_count_as_unconditional if {
	g1 := object.union(fx.grant("secretsmanager:GetSecretValue", "*", true), {"conditional": true})
	g2 := fx.grant("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:*:*:secret:*", true)
	findings := deny with input as with_grants([g1, g2])
	some d in findings
	not contains(d.message, "may-apply")
}

test_deny_public_secret_without_database if {
	findings := deny with input as fx.input_of({"secrets": [{"address": "aws_secretsmanager_secret.k", "public_policy": true}]})
	some d in findings
	d.message == "secret aws_secretsmanager_secret.k has a resource policy that allows Principal \"*\""
	count(d.path) == 1
}

# A wildcard over many secrets is one grant naming a target set: the
# message gives the count and the first members, not every name.
test_deny_star_on_a_target_set_summarises_the_secrets if {
	members := [sprintf("module.t[%d].aws_secretsmanager_secret.s", [i]) | some i in numbers.range(0, 9)]
	g := object.union(fx.grant("secretsmanager:GetSecretValue", "*", true), {"target_set": "secrets:1"})
	findings := deny with input as fx.input_of({
		"functions": [fx.fn(fn, "egress", [fx.outside_vpc(fn)], [])],
		"roles": [fx.role(role_addr, [g])],
		"target_sets": [{"id": "secrets:1", "kind": "secrets", "members": members}],
	})
	count(findings) == 1
	some d in findings
	contains(d.message, "which reaches 10 secrets (module.t[0].aws_secretsmanager_secret.s, module.t[1].aws_secretsmanager_secret.s, module.t[2].aws_secretsmanager_secret.s, …)")
}

# A role whose grants name a set and also secrets one by one, or two sets,
# counts each secret once: a named secret inside the set adds nothing, one
# outside it adds one and sorts among the first members.
test_deny_set_and_named_secrets_count_each_secret_once if {
	members := [sprintf("module.t[%d].aws_secretsmanager_secret.s", [i]) | some i in numbers.range(0, 9)]
	set_grant := object.union(fx.grant("secretsmanager:GetSecretValue", "*", true), {"target_set": "secrets:1"})
	inside := object.union(fx.grant("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:*:*:secret:t1*", true), {"target": members[1]})
	outside := object.union(fx.grant("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:*:*:secret:a*", true), {"target": "aws_secretsmanager_secret.a"})
	sets := [{"id": "secrets:1", "kind": "secrets", "members": members}]
	message(set_grant, inside, sets) == "which reaches 10 secrets (module.t[0].aws_secretsmanager_secret.s, module.t[1].aws_secretsmanager_secret.s, module.t[2].aws_secretsmanager_secret.s, …)"
	message(set_grant, outside, sets) == "which reaches 11 secrets (aws_secretsmanager_secret.a, module.t[0].aws_secretsmanager_secret.s, module.t[1].aws_secretsmanager_secret.s, …)"
}

test_deny_two_sets_count_their_union if {
	first := [sprintf("module.t[%d].aws_secretsmanager_secret.s", [i]) | some i in numbers.range(0, 9)]
	second := [sprintf("module.t[%d].aws_secretsmanager_secret.s", [i]) | some i in numbers.range(5, 14)]
	a := object.union(fx.grant("secretsmanager:GetSecretValue", "*", true), {"target_set": "secrets:1"})
	b := object.union(fx.grant("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:*:*:secret:m*", true), {"target_set": "secrets:2"})
	sets := [
		{"id": "secrets:1", "kind": "secrets", "members": first},
		{"id": "secrets:2", "kind": "secrets", "members": second},
	]
	message(a, b, sets) == "which reaches 15 secrets (module.t[0].aws_secretsmanager_secret.s, module.t[10].aws_secretsmanager_secret.s, module.t[11].aws_secretsmanager_secret.s, …)"
}

# message is the "which reaches" part of the one finding for a role
# holding grants a and b.
message(a, b, sets) := reach if {
	findings := deny with input as fx.input_of({
		"functions": [fx.fn(fn, "egress", [fx.outside_vpc(fn)], [])],
		"roles": [fx.role(role_addr, [a, b])],
		"target_sets": sets,
	})
	count(findings) == 1
	some d in findings
	reach := regex.find_n(`which reaches [^;]*\)`, d.message, 1)[0]
}
