package letsleep.checks.unanalysed_test

import data.letsleep.checks.unanalysed.deny
import data.letsleep.lib.fixtures as fx

w(kind, address, message) := {"kind": kind, "address": address, "message": message}

test_deny_one_finding_per_warning if {
	findings := deny with input as fx.input_of({"warnings": [
		w("unresolved-reference", "aws_lambda_function.x", "vpc_config.security_group_ids references var.sg_ids"),
		w("blind-spot", "aws_ec2_transit_gateway_route.t", "transit gateway route not modelled"),
	]})
	count(findings) == 2
	some d in findings
	d.resource == "aws_ec2_transit_gateway_route.t"
	startswith(d.message, "blind-spot: transit gateway route not modelled; to fix: ")
	contains(d.message, "review by hand the path this resource opens")
	d.path == [{"kind": "warning", "address": "aws_ec2_transit_gateway_route.t", "detail": "could not be analysed (blind-spot)"}]
	d.assumptions == [{"address": "aws_ec2_transit_gateway_route.t", "unknown": "transit gateway route not modelled", "assumed": "nothing: the path this resource may open is not analysed"}]
	not "severity" in object.keys(d)
}

# A set of roles reached from inside a set of roles is not followed: the
# finding is on the role whose grant was not followed and says how to have
# it followed (grant named roles) or what to review, at the rule's low.
test_deny_hop_set_says_what_to_do if {
	findings := deny with input as fx.input_of({"warnings": [w("hop-set", "aws_iam_role.first[0]", "aws_iam_role.first[0], reached as one of a set of roles, may assume a second set of 9 roles")]})
	some d in findings
	d.resource == "aws_iam_role.first[0]"
	contains(d.message, "; to fix: grant sts:AssumeRole on the ARNs of the roles this role needs (8 or fewer are followed one by one), or review by hand what the second set of roles reaches")
	d.assumptions[0].assumed == "nothing: what the second set of roles reaches through this role is not in the paths"
	not "severity" in object.keys(d)
}

# When an egress function reaches the role, what the second set reaches
# may be its data path: medium, naming the function, the low one folded in.
# Without a database, or when no such function reaches the role, it stays low.
hop_set_guarded := object.union(w("hop-set", "aws_iam_role.first[0]", "aws_iam_role.first[0], reached as one of a set of roles, may assume a second set of 9 roles"), {"guarded": "aws_lambda_function.out"})

test_deny_hop_set_reached_by_a_guarded_function_is_medium if {
	findings := deny with input as fx.input_of({
		"warnings": [hop_set_guarded],
		"databases": fx.reference.databases,
		"functions": [{"address": "aws_lambda_function.out", "role": "egress", "egress": [], "data_paths": []}],
	})
	count(findings) == 1
	some d in findings
	d.severity == "medium"
	d.resource == "aws_iam_role.first[0]"
	startswith(d.message, "hop-set: aws_iam_role.first[0], reached as one of a set of roles")
	contains(d.message, "aws_lambda_function.out reaches this role, so whether it reaches the database through the second set is unknown; to fix: grant sts:AssumeRole on the ARNs")
	d.path[1].kind == "function"
	d.path[1].address == "aws_lambda_function.out"
}

test_deny_hop_set_stays_low_without_database_or_guarded_function if {
	no_db := deny with input as fx.input_of({"warnings": [hop_set_guarded]})
	count(no_db) == 1
	some a in no_db
	not "severity" in object.keys(a)
	unguarded := deny with input as fx.input_of({"warnings": [object.remove(hop_set_guarded, ["guarded"])], "databases": fx.reference.databases})
	count(unguarded) == 1
	some b in unguarded
	not "severity" in object.keys(b)
}

test_deny_plan_level_warning_on_plan if {
	findings := deny with input as fx.input_of({"warnings": [w("format-version", "", "format_version 9.0 is unknown")]})
	some d in findings
	d.resource == "plan"
}

test_deny_unknown_kind_gets_generic_advice if {
	findings := deny with input as fx.input_of({"warnings": [w("something-new", "aws_x.y", "odd")]})
	some d in findings
	contains(d.message, "review it by hand")
}

test_deny_strict_keeps_severity if {
	inp := object.union(fx.input_of({"warnings": [w("unknown-policy", "aws_iam_role_policy.p", "policy unknown")]}), {"config": {"strict": true}})
	findings := deny with input as inp
	count(findings) == 1
	some d in findings
	not "severity" in object.keys(d)
}

test_allow_no_warnings if {
	count(deny) == 0 with input as fx.reference_input
}

test_allow_null_warnings if {
	count(deny) == 0 with input as {"model": fx.nulls}
}

test_deny_every_known_kind_has_specific_advice if {
	every kind in ["unresolved-reference", "unknown-policy", "blind-spot", "format-version", "invalid-policy", "invalid-role", "deferred", "source", "same-name", "target-unknown"] {
		findings := deny with input as fx.input_of({"warnings": [w(kind, "aws_x.y", "m")]})
		some d in findings
		not contains(d.message, "review it by hand, then fix the plan")
	}
}

fn(role, unresolved) := {"address": "module.f.aws_lambda_function.this[0]", "role": role, "in_vpc": true, "unresolved": unresolved}

test_deny_egress_in_vpc_with_unknown_placement_at_medium if {
	findings := deny with input as fx.input_of({"functions": [fn("egress", ["vpc_config.subnet_ids"])]})
	count(findings) == 1
	some d in findings
	d.severity == "medium"
	fx.rests_on_assumption(d)
	contains(d.message, "--source DIR")
	d.resource == "module.f.aws_lambda_function.this[0]"
}

# One finding per cause: both keys of one dynamic vpc_config block, and the
# model's low warning on the same function, make one medium finding.
test_deny_hot_in_vpc_one_finding_per_function if {
	findings := deny with input as fx.input_of({
		"functions": [fn("hot", ["vpc_config.subnet_ids", "vpc_config.security_group_ids"])],
		"warnings": [w("unresolved-reference", "module.f.aws_lambda_function.this[0]", "vpc_config.subnet_ids unknown")],
	})
	count(findings) == 1
	some d in findings
	d.severity == "medium"
	contains(d.message, "vpc_config.subnet_ids and vpc_config.security_group_ids could not be resolved")
}

role_with_unknown(address, origin) := {
	"address": address, "statements": [
		{"origin": origin, "effect": "Allow", "actions": ["secretsmanager:Get*"], "resources": ["(unknown)"]},
		{"origin": "aws_iam_role_policy.logs", "effect": "Allow", "actions": ["logs:PutLogEvents"], "resources": ["(unknown)"]},
	],
	"grants": [],
}

guarded_fn(address, role, exec) := {"address": address, "role": role, "in_vpc": false, "execution_role": exec, "egress": [fx.outside_vpc(address)], "data_paths": [], "unresolved": []}

# A statement whose resources could not be resolved, on the role of a
# function that must stay away from the data: one medium finding on the
# statement's policy for every function it concerns, and the low warning
# folded in; the same on a control function's role decides nothing.
test_deny_unknown_grant_of_egress_functions_once_at_medium if {
	findings := deny with input as fx.input_of({
		"functions": [guarded_fn("aws_lambda_function.a", "egress", "aws_iam_role.r"), guarded_fn("aws_lambda_function.b", "", "aws_iam_role.r"), guarded_fn("aws_lambda_function.c", "control", "aws_iam_role.c")],
		"roles": [role_with_unknown("aws_iam_role.r", "aws_iam_policy.r"), role_with_unknown("aws_iam_role.c", "aws_iam_policy.c")],
		"warnings": [
			w("unknown-policy", "aws_iam_policy.r", "policy document policy cannot be read"),
			w("unresolved-reference", "aws_iam_policy.c", "statement #0: resources unknown at plan time and not resolvable"),
		],
	})
	count(findings) == 2
	some d in findings
	d.resource == "aws_iam_policy.r"
	d.severity == "medium"
	contains(d.message, "a statement of aws_iam_policy.r (on role aws_iam_role.r)")
	contains(d.message, "whether aws_lambda_function.a, aws_lambda_function.b reach the database through it is unknown")
	contains(d.message, "--source DIR")
	some low in findings
	low.resource == "aws_iam_policy.c"
	not low.severity
}

# A role policy whose json comes from an aws_iam_policy_document: the
# warning sits on the document, the statement on the policy. They are one
# cause, so one medium finding names the document, the policy and the
# role; another statement of the same document stays its own low warning.
doc := "module.e.data.aws_iam_policy_document.inline[0]"

role_with_document(address, origin, part) := {
	"address": address, "statements": [{
		"origin": origin, "effect": "Allow", "actions": ["lambda:InvokeFunction"], "resources": ["(unknown)"],
		"document": doc, "part": part,
	}],
	"grants": [],
}

doc_warning(part) := object.union(w("unresolved-reference", doc, sprintf("%s: resources unknown at plan time and not resolvable", [part])), {"part": part})

test_deny_unknown_grant_from_policy_document_once_naming_document_and_role if {
	findings := deny with input as fx.input_of({
		"functions": [guarded_fn("module.e.aws_lambda_function.this[0]", "egress", "module.e.aws_iam_role.lambda[0]")],
		"roles": [role_with_document("module.e.aws_iam_role.lambda[0]", "module.e.aws_iam_role_policy.inline[0]", "statement invoke")],
		"warnings": [doc_warning("statement invoke"), doc_warning("statement #1")],
	})
	count(findings) == 2
	some d in findings
	d.severity == "medium"
	d.resource == doc
	contains(d.message, sprintf("statement invoke of policy document %s (the policy of module.e.aws_iam_role_policy.inline[0], on role module.e.aws_iam_role.lambda[0])", [doc]))
	fx.rests_on_assumption(d)
	[s.address | some s in d.path] == [doc, "module.e.aws_iam_role_policy.inline[0]", "module.e.aws_lambda_function.this[0]"]
	some low in findings
	low.resource == doc
	not low.severity
	contains(low.message, "statement #1")
}

# One document used by two role policies of two roles is still one cause.
test_deny_unknown_grant_one_finding_for_a_document_on_two_roles if {
	findings := deny with input as fx.input_of({
		"functions": [guarded_fn("aws_lambda_function.a", "egress", "aws_iam_role.a"), guarded_fn("aws_lambda_function.b", "hot", "aws_iam_role.b")],
		"roles": [role_with_document("aws_iam_role.a", "aws_iam_role_policy.a", "statement invoke"), role_with_document("aws_iam_role.b", "aws_iam_role_policy.b", "statement invoke")],
		"warnings": [doc_warning("statement invoke")],
	})
	count(findings) == 1
	some d in findings
	d.resource == doc
	contains(d.message, "the policy of aws_iam_role_policy.a, aws_iam_role_policy.b, on role aws_iam_role.a, aws_iam_role.b")
	contains(d.message, "whether aws_lambda_function.a, aws_lambda_function.b reach")
}

test_allow_control_in_vpc_with_unknown_placement if {
	count(deny) == 0 with input as fx.input_of({"functions": [fn("control", ["vpc_config.subnet_ids"])]})
}

test_allow_egress_with_resolved_placement if {
	count(deny) == 0 with input as fx.input_of({"functions": [fn("egress", [])]})
}

# NotAction may allow a data-path action: an unknown resource then decides.
test_deny_unknown_grant_with_not_action if {
	role := {"address": "aws_iam_role.r", "statements": [{"origin": "aws_iam_policy.p", "effect": "Allow", "not_actions": ["iam:*"], "resources": ["(unknown)"]}], "grants": []}
	findings := deny with input as fx.input_of({"functions": [guarded_fn("aws_lambda_function.a", "hot", "aws_iam_role.r")], "roles": [role]})
	count(findings) == 1
}

route := `module.api.aws_apigatewayv2_route.this["POST /notes"]`

integration := `module.api.aws_apigatewayv2_integration.this["POST /notes"]`

unknown_target_route(auth) := {
	"address": route, "kind": "apigw_v2_route", "auth": auth, "unresolved": true,
	"target_unknown": sprintf("integration_uri of %s is unknown at plan time and its references lead to no resource in the plan: local.write_routes", [integration]),
	"steps": [{"kind": "integration", "address": integration, "detail": "integration AWS_PROXY, integration_uri unknown at plan time"}],
}

# An open route whose function could not be resolved is one medium finding
# that says what is unknown and what to pass, with the route's own low
# warning folded in; it never names a guessed function.
test_deny_open_route_with_unknown_target_at_medium if {
	findings := deny with input as fx.input_of({
		"entry_points": [unknown_target_route("NONE")],
		"warnings": [w("target-unknown", route, "the function this apigw_v2_route invokes could not be resolved")],
	})
	count(findings) == 1
	some d in findings
	d.severity == "medium"
	d.resource == route
	startswith(d.message, "target-unknown: apigw_v2_route")
	contains(d.message, "local.write_routes")
	contains(d.message, "--source DIR")
	fx.rests_on_assumption(d)
	[s.address | some s in d.path] == [route, integration, "(unknown)"]
}

test_deny_unreadable_auth_with_unknown_target_at_medium if {
	findings := deny with input as fx.input_of({"entry_points": [unknown_target_route("unknown")]})
	some d in findings
	d.severity == "medium"
	contains(d.message, "has auth unknown")
}

# Behind an authorizer nobody from outside can run it: the model's low
# warning stays, and nothing fails the run.
test_allow_authorised_route_with_unknown_target_stays_low if {
	findings := deny with input as fx.input_of({
		"entry_points": [unknown_target_route("JWT")],
		"warnings": [w("target-unknown", route, "the function this apigw_v2_route invokes could not be resolved")],
	})
	count(findings) == 1
	some d in findings
	not d.severity
	contains(d.message, "--source DIR")
}

# A route whose function is known is judged by the other checks.
test_allow_open_route_with_known_function if {
	ep := object.union(unknown_target_route("NONE"), {"function": "module.control.aws_lambda_function.this[0]"})
	count(deny) == 0 with input as fx.input_of({"entry_points": [ep]})
}

role_with_unread(address, policy) := {
	"address": address,
	"policies": [{"address": policy, "source": "inline", "known": false}, {"address": "aws_iam_role_policy.logs", "source": "inline", "known": true}],
	"statements": [{"origin": "aws_iam_role_policy.logs", "effect": "Allow", "actions": ["logs:PutLogEvents"], "resources": ["*"]}],
	"grants": [],
}

# A policy that could not be read at all (jsonencode of a local, no
# sources) on the role of an egress function: one medium finding on the
# policy, its low warning folded in. The same on a control function that
# no one outside may invoke decides nothing.
test_deny_unread_policy_of_egress_function_at_medium if {
	findings := deny with input as fx.input_of({
		"functions": [guarded_fn("aws_lambda_function.a", "egress", "aws_iam_role.a"), guarded_fn("aws_lambda_function.c", "control", "aws_iam_role.c")],
		"roles": [role_with_unread("aws_iam_role.a", "aws_iam_role_policy.a"), role_with_unread("aws_iam_role.c", "aws_iam_role_policy.c")],
		"warnings": [w("unknown-policy", "aws_iam_role_policy.a", "policy document policy cannot be read")],
		"databases": [{"address": "aws_rds_cluster.db"}],
	})
	count(findings) == 1
	some d in findings
	d.severity == "medium"
	d.resource == "aws_iam_role_policy.a"
	fx.rests_on_assumption(d)
	contains(d.message, "policy-unknown")
	contains(d.message, "--source DIR")
}

# A policy read through an assumption (its statements are there, assumed)
# is judged through the paths those statements make, not again here.
test_allow_policy_with_assumed_statements if {
	role := object.union(role_with_unread("aws_iam_role.a", "aws_iam_role_policy.a"), {"statements": [{"origin": "aws_iam_role_policy.a", "effect": "Allow", "actions": ["secretsmanager:GetSecretValue"], "resources": ["aws_rds_cluster.db#master_user_secret"]}]})
	count(deny) == 0 with input as fx.input_of({
		"functions": [guarded_fn("aws_lambda_function.a", "egress", "aws_iam_role.a")],
		"roles": [role],
	})
}

# A control function anyone may invoke (a permission for a service with no
# source_arn): its unknown placement and its unread policy decide whether
# anyone can wake the database, so both are medium.
test_deny_openly_fronted_control_with_unknowns_at_medium if {
	control := object.union(fn("control", ["vpc_config.subnet_ids"]), {"execution_role": "aws_iam_role.c", "egress": [], "data_paths": []})
	findings := deny with input as fx.input_of({
		"functions": [control],
		"roles": [role_with_unread("aws_iam_role.c", "aws_iam_role_policy.c")],
		"entry_points": [{"address": "aws_lambda_permission.p", "kind": "lambda_permission", "auth": "NONE", "function": "module.f.aws_lambda_function.this[0]"}],
		"databases": [{"address": "aws_rds_cluster.db"}],
	})
	{d.resource | some d in findings; d.severity == "medium"} == {"module.f.aws_lambda_function.this[0]", "aws_iam_role_policy.c"}
}

# The same with no database in the plan: nothing to reach, nothing decided.
test_allow_openly_fronted_control_without_database if {
	control := object.union(fn("control", ["vpc_config.subnet_ids"]), {"execution_role": "aws_iam_role.c", "egress": [], "data_paths": []})
	findings := deny with input as fx.input_of({
		"functions": [control],
		"roles": [role_with_unread("aws_iam_role.c", "aws_iam_role_policy.c")],
		"entry_points": [{"address": "aws_lambda_permission.p", "kind": "lambda_permission", "auth": "NONE", "function": "module.f.aws_lambda_function.this[0]"}],
	})
	count({d | some d in findings; d.severity == "medium"}) == 0
}

# An inline_policy block is no resource of the plan: the role carries it.
test_deny_unread_inline_block_on_role if {
	role := object.union(role_with_unread("aws_iam_role.a", "x"), {"policies": [{"address": "aws_iam_role.a.inline_policy[p]", "source": "inline_block", "known": false}]})
	findings := deny with input as fx.input_of({
		"functions": [guarded_fn("aws_lambda_function.a", "egress", "aws_iam_role.a")],
		"roles": [role],
		"databases": [{"address": "aws_rds_cluster.db"}],
	})
	{d.resource | some d in findings; d.severity == "medium"} == {"aws_iam_role.a"}
}

# The lists are read directly (not through model.as_array): a null list of
# statements, and a statement with no resources or no actions (omitted by
# the model when empty), yield no grant and no error.
test_allow_null_statements_and_statements_without_lists if {
	roles := [
		{"address": "aws_iam_role.a", "statements": null, "policies": null, "grants": null},
		{
			"address": "aws_iam_role.b", "statements": [
				{"origin": "aws_iam_policy.p", "effect": "Allow", "actions": ["lambda:InvokeFunction"]},
				{"origin": "aws_iam_policy.q", "effect": "Allow", "resources": ["(unknown)"]},
			],
			"grants": [],
		},
	]
	fns := [guarded_fn("aws_lambda_function.a", "hot", "aws_iam_role.a"), guarded_fn("aws_lambda_function.b", "egress", "aws_iam_role.b")]
	count(deny) == 0 with input as fx.input_of({"functions": fns, "roles": roles, "databases": fx.reference.databases})
}

# Each distinct action is matched once for all statements: an exact data
# action and a wildcard one in any case open a data path wherever they
# appear; an action that opens none, or a Deny, gives no finding.
unknown_statement(origin, effect, actions) := {"origin": origin, "effect": effect, "actions": actions, "resources": ["(unknown)"]}

test_deny_unknown_grant_matches_each_action_in_any_case if {
	findings := deny with input as fx.input_of({
		"functions": [
			guarded_fn("aws_lambda_function.a", "egress", "aws_iam_role.a"),
			guarded_fn("aws_lambda_function.b", "hot", "aws_iam_role.b"),
			guarded_fn("aws_lambda_function.c", "egress", "aws_iam_role.c"),
			guarded_fn("aws_lambda_function.d", "viewer", "aws_iam_role.d"),
		],
		"roles": [
			{"address": "aws_iam_role.a", "statements": [unknown_statement("aws_iam_policy.a", "Allow", ["SecretsManager:GetSecretValue"])]},
			{"address": "aws_iam_role.b", "statements": [unknown_statement("aws_iam_policy.b", "Allow", ["logs:PutLogEvents", "RDS-Data:*"])]},
			{"address": "aws_iam_role.c", "statements": [unknown_statement("aws_iam_policy.c", "Allow", ["logs:PutLogEvents", "s3:Get*"])]},
			{"address": "aws_iam_role.d", "statements": [
				unknown_statement("aws_iam_policy.d", "Deny", ["SecretsManager:GetSecretValue"]),
				unknown_statement("aws_iam_policy.e", "Allow", ["secretsmanager:getsecretvalue"]),
			]},
		],
	})
	{d.resource | some d in findings} == {"aws_iam_policy.a", "aws_iam_policy.b", "aws_iam_policy.e"}
}

# Every unread policy of a role is named, wherever it sits in the role's
# list, and a read one beside them is not.
test_deny_every_unread_policy_of_a_role if {
	role := {"address": "aws_iam_role.a", "policies": [
		{"address": "aws_iam_role_policy.logs", "source": "inline", "known": true},
		{"address": "aws_iam_role_policy.b", "source": "inline", "known": false},
		{"address": "aws_iam_role_policy.a", "source": "inline", "known": false},
	]}
	findings := deny with input as fx.input_of({
		"functions": [guarded_fn("aws_lambda_function.a", "egress", "aws_iam_role.a")],
		"roles": [role],
		"databases": [{"address": "aws_rds_cluster.db"}],
	})
	{d.resource | some d in findings} == {"aws_iam_role_policy.a", "aws_iam_role_policy.b"}
}
