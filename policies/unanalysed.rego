# METADATA
# title: Part of the plan could not be analysed
# description: >-
#   letsleep is a gate, and a gate must never pass silently. Anything the
#   boundary model could not analyse (a reference unknown at plan time, a
#   policy document whose value is unknown, an invalid IAM document, a
#   resource type that can change reachability but is not modelled, such as a
#   transit gateway route, VPC peering, a network firewall or a NAT instance)
#   is reported here, one finding per model warning. Plan JSON omits values
#   unknown until apply (https://developer.hashicorp.com/terraform/internals/json-format),
#   so such gaps are normal and must stay visible. It is low; under --strict
#   the runner fails the run on any finding of this category, whatever
#   --fail-on says.
# scope: package
# custom:
#   id: LSL-015
#   category: unanalysed
#   severity: low
#   recommended_action: >-
#     Read the message: make the value known at plan time (a constant or a
#     reference to a resource in the same plan), model the resource in the
#     plan, or review it by hand and waive the finding with a reason and an
#     expiry date.
package letsleep.checks.unanalysed

import data.letsleep.lib.model

# The most frequent finding (one per warning, tens of thousands on large
# plans): its steps are written out rather than built by model.step and
# model.assumption, whose calls cost a sixth of this rule, and what depends
# only on the kind is looked up in kind_texts, built once per kind.
deny contains f if {
	some w in model.section("warnings")
	not folded(w)
	text := kind_texts[w.kind]
	address := object.get(w, "address", "")
	r := object.get(plan_if_empty, address, address)
	f := {
		"resource": r,
		"message": concat("", [w.kind, ": ", w.message, "; to fix: ", text.advice]),
		"path": [{"kind": "warning", "address": r, "detail": text.detail}],
		"assumptions": [{"address": r, "unknown": w.message, "assumed": text.assumed}],
	}
}

# A warning with no address is about the plan as a whole: one lookup, as it
# runs once per warning (a function call costs twice as much).
plan_if_empty := {"": "plan"}

# kind_texts[kind] is the advice, the assumption and the step detail of the
# warnings of that kind: a plan has tens of thousands of warnings of a few
# kinds.
kind_texts := {kind: {"advice": advice(kind), "assumed": assumed(kind), "detail": sprintf("could not be analysed (%s)", [kind])} |
	some kind in {w.kind | some w in model.section("warnings")}
}

# One finding per cause, at medium, when what could not be resolved (even
# with the sources) decides whether a function that must stay away from
# the data reaches it: the run fails, the message says what is unknown
# and what to do, and the low warnings of that cause are folded in.
# Never higher: it rests on no known path.
folded(w) if w.address in folded_addresses

# A warning without a part is never in folded_parts, whose parts are not "".
folded(w) if [w.address, w.part] in folded_parts

folded(w) if {
	w.kind == "hop-set"
	hop_set_decides[w.address]
}

# The addresses whose warnings are folded: the functions of a
# placement-unknown finding, and a policy's own warnings when the policy is
# the cause. Both indexes are built once: scanning every cause for every
# warning is quadratic on large plans (2 000 warnings × 36 causes at 10k
# community resources was a third of the policy time).
folded_addresses := ((object.keys(placement_unknown) | object.keys(target_unknown)) | object.keys(policy_unknown)) | {cause.address |
	some cause in grant_unknown
	cause.document == ""
}

# [document, part]: only the warning of the very statement that is the
# cause; the other statements of the same document are other causes.
folded_parts := {[cause.document, part] |
	some cause in grant_unknown
	some part in cause.parts
}

# placement_unknown[fn] lists the vpc_config keys of an egress or hot
# function in a VPC that could not be resolved. The lambda community module
# writes vpc_config as a dynamic block, which the plan does not carry.
placement_unknown[fn.address] := keys if {
	some fn in model.functions
	fn.in_vpc
	placement_decides(fn)
	keys := [key |
		some key in ["vpc_config.subnet_ids", "vpc_config.security_group_ids"]
		key in object.get(fn, "unresolved", [])
	]
	count(keys) > 0
}

deny contains f if {
	some address, keys in placement_unknown
	fn := model.functions_by_address[address]
	what := concat(" and ", keys)
	f := {
		"resource": address,
		"message": sprintf("placement-unknown: %s function %s is placed in a VPC but its %s could not be resolved, so whether it reaches the database is unknown; to fix: pass the Terraform sources with --source DIR (a dynamic vpc_config block or a local is not in the plan), or make the value known at plan time", [fn.role, address, what]),
		"path": [model.step("function", address, sprintf("%s function in a VPC, %s unknown", [fn.role, what]))],
		"assumptions": [model.assumption(address, sprintf("%s could not be resolved", [what]), "no placement is taken as fact: the function is not judged on it")],
		"severity": "medium",
	}
}

placement_decides(fn) if fn.role in {"egress", "hot"}

# A function anyone may invoke (an open entry point fronts it): whether it
# reaches the database decides whether anyone can wake it.
placement_decides(fn) if {
	fn.address in fronted_openly
	has_database
}

# With no database in the plan, no data path can be drawn whatever is
# unknown: an open entry point then decides nothing here.
has_database if model.non_empty(model.section("databases"))

fronted_openly := {ep.function |
	some ep in model.section("entry_points")
	ep.auth in {"NONE", "unknown"}
	model.named(object.get(ep, "function", ""))
}

# policy_unknown[policy] names the roles and functions of a policy whose
# document could not be read at all (no statement, not even an assumed
# one: jsonencode of a local without the sources), on the role of a
# function that must stay away from the data or that anyone may invoke:
# what it grants decides whether that function reaches the database.
policy_unknown := {policy: {"roles": roles, "functions": fns_by_unread_policy[policy]} |
	some policy, roles in roles_by_unread_policy
}

unread := [[policy_place(p, fn.execution_role), fn.execution_role, fn.address] |
	has_database
	some fn in model.functions
	ps := unread_policies[fn.execution_role]
	guarded_or_fronted(fn)
	some p in ps
]

# An inline_policy block or a managed ARN is no resource of the plan: its
# role carries the finding.
policy_place(p, role) := role if p.source in {"inline_block", "managed_arns", "managed"}

policy_place(p, _) := p.address if not p.source in {"inline_block", "managed_arns", "managed"}

roles_by_unread_policy := model.group([[u[0], u[1], true] | some u in unread])

fns_by_unread_policy := model.group([[u[0], u[2], true] | some u in unread])

# unread_policies[role] lists the role's policies that could not be read at
# all, in list order, only for the roles that have one: one pass over
# every role's policies, grouped after (an array comprehension per role
# cost more than the tests it ran).
unread_policies := {address: [by_index[i] | some i in sort(object.keys(by_index))] |
	some address, by_index in model.group_objects([[role.address, i, p] |
		some role in model.section("roles")
		some i, p in role.policies
		p.known == false
		not read_from(role, p.address)
	])
}

read_from(role, origin) if {
	some st in role.statements
	st.origin == origin
}

guarded_or_fronted(fn) if guarded(fn)

guarded_or_fronted(fn) if fn.address in fronted_openly

deny contains f if {
	some address, cause in policy_unknown
	f := {
		"resource": address,
		"message": sprintf("policy-unknown: a policy of %s (on role %s) could not be read, even through the sources, so whether %s reach the database through it is unknown; to fix: pass the Terraform sources with --source DIR if you did not (jsonencode of a local is not in the plan), or build the document with aws_iam_policy_document from values known at plan time", [address, model.list(cause.roles), model.list(cause.functions)]),
		"path": array.concat(
			[model.step("policy", address, "document unknown at plan time")],
			[model.step("function", a, "must stay away from the data, or anyone may invoke it") | some a in sort(cause.functions)],
		),
		"assumptions": [model.assumption(address, sprintf("the statements of %s", [address]), "none is taken as fact: no path is drawn through it")],
		"severity": "medium",
	}
}

# hop_set_decides[role] lists the hop-set warnings on a role whose second
# set of roles is not followed, when a function that must stay away from
# the data (or that anyone may invoke, or an open identity pool) reaches
# the role: the model names it in `guarded`. What the second set reaches
# may be a data path of that function, so the gap fails the run.
hop_set_decides[w.address] contains w if {
	has_database
	some w in model.section("warnings")
	w.kind == "hop-set"
	model.named(object.get(w, "guarded", ""))
}

deny contains f if {
	some address, ws in hop_set_decides
	some w in ws
	f := {
		"resource": address,
		"message": sprintf("hop-set: %s; %s reaches this role, so whether it reaches the database through the second set is unknown; to fix: %s", [w.message, w.guarded, advice("hop-set")]),
		"path": [
			model.step("role", address, "its sts:AssumeRole grant on a second set of roles is not followed"),
			guard_step(w.guarded),
		],
		"assumptions": [model.assumption(address, w.message, assumed("hop-set"))],
		"severity": "medium",
	}
}

guard_step(a) := model.step("function", a, "must stay away from the data, or anyone may invoke it, and reaches this role") if model.functions_by_address[a]

guard_step(a) := model.step("identity_pool", a, "gives anyone credentials of a role that reaches this role") if not model.functions_by_address[a]

# target_unknown[ep] is what could not be resolved about the function an
# open entry point (auth NONE, or an auth that could not be read) invokes:
# anyone may call it, and whether what it runs reaches the database is
# unknown. Routes of the apigateway-v2 module built from a local or a
# module input are the common case without the sources.
target_unknown[ep.address] := ep if {
	some ep in model.section("entry_points")
	ep.auth in {"NONE", "unknown"}
	model.named(object.get(ep, "target_unknown", ""))
	not model.named(object.get(ep, "function", ""))
}

deny contains f if {
	some address, ep in target_unknown
	f := {
		"resource": address,
		"message": sprintf("target-unknown: %s %s has auth %s, so anyone may call it, but the function it invokes could not be resolved (%s), so whether it can wake the database is unknown; to fix: pass the Terraform sources with --source DIR if you did not, or make the target known at plan time (a reference to a function in the plan)", [ep.kind, address, ep.auth, ep.target_unknown]),
		"path": array.concat(
			array.concat([model.step("entry_point", address, sprintf("%s, auth %s", [ep.kind, ep.auth]))], model.as_array(object.get(ep, "steps", []))),
			[model.step("function", "(unknown)", "the function it invokes could not be resolved")],
		),
		"assumptions": [model.assumption(address, sprintf("which function %s invokes", [address]), "none is taken as fact: the entry point is not judged on a guessed function")],
		"severity": "medium",
	}
}

# unknown_grants lists the statements, allowing an action that can open a
# data path, with resources that could not be resolved, on the role of a
# function that must stay away from the data (egress, hot, viewer, or
# undeclared with a way out): what they grant it is unknown. The cause is
# the aws_iam_policy_document the statement was read from when there is
# one (several role policies may use its json), else the policy.
#
# The lists of the model are iterated directly, not through model.as_array:
# iterating null (a nil list) or testing membership in it yields nothing, as
# [] does, and the call costs more than the test on tens of thousands of
# statements.
unknown_grants := [g |
	some c in unknown_allows
	may_open_a_data_path(c.st)
	document := object.get(c.st, "document", "")
	g := {
		"cause": cause_of(c.st, document), "document": document, "part": object.get(c.st, "part", ""),
		"origin": c.st.origin, "role": c.role, "function": c.fn,
	}
]

# cause_of is what a grant's finding is about: its policy document when the
# statement came from one, else the policy or attachment it came from.
cause_of(_, document) := document if document != ""

cause_of(st, document) := st.origin if document == ""

# unknown_allows lists, in function then statement order, the Allow
# statements with resources that could not be resolved on the roles of the
# guarded functions: the statements unknown_grants tests the actions of.
unknown_allows := [{"fn": fn.address, "role": role.address, "st": st} |
	some fn in model.functions
	guarded(fn)
	role := model.roles_by_address[fn.execution_role]
	some st in role.statements
	"(unknown)" in st.resources
	st.effect == "Allow"
]

# grant_unknown: one entry per cause, with the parts, policies, roles and
# functions it concerns.
grant_unknown := [{
	"address": address,
	"document": gs[0].document,
	"parts": {g.part | some g in gs; g.part != ""},
	"origins": {g.origin | some g in gs},
	"roles": {g.role | some g in gs},
	"functions": {g.function | some g in gs},
} |
	some address, by_index in grants_by_cause
	gs := [by_index[i] | some i in sort(object.keys(by_index))]
]

# grants_by_cause[cause][i] is unknown_grants[i], grouped in one pass:
# filtering unknown_grants once per cause is quadratic on large plans.
grants_by_cause := model.group_objects([[g.cause, i, g] | some i, g in unknown_grants])

# The actions that reach the data or hop to what does (docs/facts).
data_path_actions := [
	"secretsmanager:getsecretvalue", "ssm:getparameter", "ssm:getparameters",
	"rds-data:executestatement", "rds-db:connect", "lambda:invokefunction",
	"sts:assumerole", "sns:publish", "sqs:sendmessage", "states:startexecution",
	"execute-api:invoke",
]

# Each distinct action of those statements is lowered and matched once
# (a few dozen actions, thousands of statements): an action without glob
# syntax matches only itself, a set lookup; only a wildcard action
# (rds-data:*, *) is matched against every data action.
may_open_a_data_path(st) if {
	some a in st.actions
	a in opening_actions
}

opening_actions := {a |
	some a in {a | some c in unknown_allows; some a in c.st.actions}
	opens_a_data_path(a)
}

opens_a_data_path(a) if lower(a) in data_path_action_set

opens_a_data_path(a) if {
	action := lower(a)
	regex.match(`[*?\[{\\]`, action)
	some want in data_path_actions
	glob.match(action, [], want)
}

data_path_action_set := {a | some a in data_path_actions}

# NotAction allows everything it does not name: assume it may.
may_open_a_data_path(st) if model.non_empty(object.get(st, "not_actions", []))

guarded(fn) if fn.role in {"egress", "hot", "viewer"}

guarded(fn) if {
	not model.has_role(fn)
	fn.egress[0] # not empty: a ref costs less than model.non_empty
}

deny contains f if {
	some cause in grant_unknown
	f := {
		"resource": cause.address,
		"message": sprintf("grant-unknown: %s has resources that could not be resolved, even through the sources, so whether %s reach the database through it is unknown; to fix: pass the Terraform sources with --source DIR if you did not, or make the statement's resources known at plan time (a reference to a resource in the plan, or a value set in the root module)", [what_is_unknown(cause), model.list(cause.functions)]),
		"path": array.concat(
			array.concat([cause_step(cause)], [model.step("policy", o, sprintf("on role %s", [model.list(roles_of(o))])) | some o in sort(cause.origins); o != cause.address]),
			[model.step("function", a, "must stay away from the data") | some a in sort(cause.functions)],
		),
		"assumptions": [model.assumption(cause.address, sprintf("the resources of %s", [statements(cause)]), "they match the resources of its own module (what that reaches is reported on the functions)")],
		"severity": "medium",
	}
}

roles_of(origin) := roles_by_origin[origin]

# roles_by_origin[policy] is the set of roles of the unknown grants read
# from that policy, built once rather than filtered per origin.
roles_by_origin := model.group([[g.origin, g.role, true] | some g in unknown_grants])

statements(cause) := "a statement" if count(cause.parts) == 0

statements(cause) := model.list(cause.parts) if count(cause.parts) > 0

what_is_unknown(cause) := sprintf("a statement of %s (on role %s)", [cause.address, model.list(cause.roles)]) if cause.document == ""

what_is_unknown(cause) := sprintf("%s of policy document %s (the policy of %s, on role %s)", [statements(cause), cause.address, model.list(cause.origins), model.list(cause.roles)]) if cause.document != ""

cause_step(cause) := model.step("policy", cause.address, "statement resources unknown") if cause.document == ""

cause_step(cause) := model.step("policy", cause.address, sprintf("%s: resources unknown", [statements(cause)])) if cause.document != ""

advice("unresolved-reference") := "make the value known at plan time or reference a resource in the same plan (letsleep assumed the worst case meanwhile)"

advice("unknown-policy") := "make the document known at plan time (aws_iam_policy_document over known values, or a policy in the same plan), or review what the policy allows by hand and waive this finding"

advice("blind-spot") := "review by hand the path this resource opens (letsleep does not model it), then waive this finding with a reason"

advice("format-version") := "results are best effort; use a terraform and letsleep whose plan formats match"

advice("invalid-policy") := "fix the IAM document (AWS would reject it too) or review it by hand"

advice("invalid-role") := "use one of the roles control, egress, hot, viewer, warmup in the letsleep:role tag or --config (the function is analysed by capability meanwhile)"

advice("deferred") := "run terraform plan again once the deferred changes can be planned, and check that plan"

advice("target-unknown") := "pass the Terraform sources with --source DIR if you did not, or make the target known at plan time (a reference to a function in the plan)"

advice("same-name") := "give each resource its own name (AWS keeps these names unique per account, region or VPC); if they live in different accounts or regions, check by hand the findings that join on this name"

advice("hop-set") := "grant sts:AssumeRole on the ARNs of the roles this role needs (8 or fewer are followed one by one), or review by hand what the second set of roles reaches and waive this finding with a reason"

advice("source") := "run terraform init in the root module so that .terraform/modules/modules.json names the module folders, or pass the right folder with --source"

# assumed says what letsleep did in place of what it could not know.
assumed("unresolved-reference") := "the worst case: whatever the value could reach, it reaches"

assumed("unknown-policy") := "the worst case: the document grants what its configuration references"

assumed("blind-spot") := "nothing: the path this resource may open is not analysed"

assumed("invalid-role") := "no declared role: the function is judged by what it can do"

assumed("same-name") := "joins by this name link the first of the resources only"

assumed("target-unknown") := "nothing: the entry point is linked to no function, so what it runs is not analysed"

assumed("hop-set") := "nothing: what the second set of roles reaches through this role is not in the paths"

assumed(kind) := "the values the plan does hold, read on best effort" if kind in {"format-version", "deferred"}

assumed(kind) := "nothing: it is not analysed" if not kind in {"unresolved-reference", "unknown-policy", "blind-spot", "invalid-role", "format-version", "deferred", "same-name", "target-unknown", "hop-set"}

known_kinds := {"unresolved-reference", "unknown-policy", "blind-spot", "format-version", "invalid-policy", "invalid-role", "deferred", "source", "same-name", "target-unknown", "hop-set"}

advice(kind) := "review it by hand, then fix the plan or waive with a reason" if not kind in known_kinds
