# METADATA
# title: Boundary model helpers
# description: Indexes and predicates over input.model shared by several checks. Lookups go through objects keyed by address so that checks stay linear in the size of the model.
# scope: package
package letsleep.lib.model

functions := section("functions")

functions_by_address := {f.address: f | some f in functions}

roles_by_address := {r.address: r | some r in section("roles")}

security_groups_by_address := {sg.address: sg | some sg in section("security_groups")}

# section is one list of the model, or [] when it is absent or null. Checks
# read input.model through this (never the whole input, which may carry the
# large raw plan).
section(name) := as_array(object.get(input.model, name, []))

# functions_by_execution_role[role] is the set of function addresses that run
# as role. The inner comprehension compares a function's role to the outer
# role, so OPA indexes it (comprehension indexing): one pass over the
# functions builds every role's set, with half the allocations of group's
# singleton objects merged by object.union_n.
functions_by_execution_role := {role: fns |
	some role in {f.execution_role | some f in functions; named(f.execution_role)}
	fns := {g.address | some g in functions; g.execution_role == role}
}

# entry_points_by_function[fn] is the set of entry points that front fn.
entry_points_by_function := {fn: {ep | some ep in eps} | some fn, eps in group_objects([[ep.function, ep.address, ep] |
	some ep in section("entry_points")
	named(ep.function)
])}

# group turns [key, id, value] triples into {key: {id: value}} ...
group_objects(triples) := object.union_n([{t[0]: {t[1]: t[2]}} | some t in triples])

# ... and group turns them into {key: {id, ...}} (sets of ids). Both run in
# linear time: partial rules keyed by a variable (p[k] contains v) check every
# new key against all earlier ones in OPA, which is quadratic on large plans.
group(triples) := {k: object.keys(v) | some k, v in group_objects(triples)}

named(x) if {
	is_string(x)
	x != ""
}

# as_array turns null (a Go nil slice) into an empty array, for a list that is
# returned or joined. A loop over a list iterates it directly: iterating null
# yields nothing, as [] does, and the call costs more than the loop's test.
as_array(x) := x if is_array(x)

as_array(x) := [] if not is_array(x)

# non_empty holds for a non-empty array.
non_empty(x) if {
	is_array(x)
	count(x) > 0
}

# list joins the sorted members of a set or array for a message.
list(xs) := concat(", ", sort([x | some x in xs]))

# step builds one evidence step.
step(kind, address, detail) := {"kind": kind, "address": address, "detail": detail}

# function_step is the evidence step naming a function and its declared role.
function_step(f) := step("function", f.address, sprintf("role %s", [role_label(f)]))

# principal names the kind of IAM principal at address, for messages: the
# model lists roles, and may list users and groups the same way.
principal(address) := sprintf("user %s", [address]) if contains(address, "aws_iam_user.")

principal(address) := sprintf("group %s", [address]) if contains(address, "aws_iam_group.")

principal(address) := sprintf("role %s", [address]) if {
	not contains(address, "aws_iam_user.")
	not contains(address, "aws_iam_group.")
}

# steps is the evidence of a path ([] when absent or null).
steps(p) := as_array(object.get(p, "steps", []))

# from_function(f, steps) is an evidence chain that starts at function f. The
# model's paths usually start with the function already; if not, its step is
# prepended.
from_function(f, steps) := steps if starts_with_function(f, steps)

from_function(f, steps) := array.concat([function_step(f)], as_array(steps)) if {
	not starts_with_function(f, steps)
}

# after_function(f, steps) drops the leading step naming f, to continue a
# chain that already names it.
after_function(f, steps) := array.slice(steps, 1, count(steps)) if starts_with_function(f, steps)

after_function(f, steps) := as_array(steps) if not starts_with_function(f, steps)

starts_with_function(f, steps) if {
	is_array(steps)
	count(steps) > 0
	steps[0].kind == "function"
	steps[0].address == f.address
}

role_label(f) := f.role if {
	is_string(f.role)
	f.role != ""
}

role_label(f) := "undeclared" if not has_role(f)

has_role(f) if {
	is_string(f.role)
	f.role != ""
}

# assumption is what a finding rests on that letsleep could not know, and
# what it assumed instead. A check lists these in a finding's
# "assumptions"; evidence steps carry their own ("assumption"). The engine
# gathers both and caps any finding that rests on one at medium: a guess is
# never reported as a critical or high fact.
assumption(address, unknown, assumed) := {"address": address, "unknown": unknown, "assumed": assumed}

# hot_roles run on user traffic, so any data path from them wakes the
# database. LSL-002 reports it; LSL-001 says so in its own finding when the
# function can also go out, so one violation gives one finding.
hot_roles := {"hot", "viewer", "egress"}

# path_unresolved holds when a path rests on an unresolved link.
# A step marked from_unknown was resolved through the plan's configuration,
# so it is evidence, not an assumption: only the model's unresolved flag counts.
path_unresolved(p) if p.unresolved == true

# first_path is the evidence a check quotes from a non-empty list: the first
# path that rests on no assumption, else the first one. The model orders
# paths deterministically (known ones first), so it is stable evidence, and
# a fact is never hidden behind a guess.
first_path(paths) := known[0] if {
	known := [p | some p in paths; not path_unresolved(p)]
	count(known) > 0
} else := paths[0]

# describe_path names a path by kind and target for messages.
describe_path(p) := sprintf("%s path to %s", [p.kind, describe_target(p)])

# target_sets_by_id[id] is one target set of the model. A wildcard grant
# that matches many targets, and a data path through it, name their set
# (target_set) instead of one target, so the model stays linear in the plan.
# A hop path (assume-role, trigger, state machine, signed call) through a
# set of roles, topics, queues, state machines or APIs still ends at a set
# of databases: path_targets reads every kind of path alike.
target_sets_by_id := {ts.id: ts | some ts in section("target_sets")}

# has_set holds for a grant or path that names a target set.
has_set(x) if named(object.get(x, "target_set", ""))

# path_targets(p) is the set of databases path p reaches: its target, or
# every member of its target set.
path_targets(p) := {m | some m in target_sets_by_id[p.target_set].members} if has_set(p)

path_targets(p) := {p.target} if not has_set(p)

# describe_target names a path's target: the address, or the set's size and
# first members.
describe_target(p) := describe_set(p.target_set) if has_set(p)

describe_target(p) := p.target if not has_set(p)

# describe_set names a set for messages: "1000 databases (a, b, c, …)".
describe_set(id) := sprintf("%d %s (%s%s)", [count(ts.members), ts.kind, concat(", ", array.slice(ts.members, 0, 3)), ellipsis(ts.members)]) if {
	ts := target_sets_by_id[id]
}

describe_set(id) := id if not target_sets_by_id[id]

ellipsis(xs) := ", …" if count(xs) > 3

ellipsis(xs) := "" if count(xs) <= 3

default path_unresolved(_) := false

# fronts says which function an entry point runs: a fact, or, when the plan
# does not tell which of several candidates it invokes (the model then has
# one unresolved entry point per candidate), a guess that names them all.
fronts(ep) := sprintf("fronts %s", [ep.function]) if not non_empty(object.get(ep, "candidates", []))

fronts(ep) := sprintf("may front %s%s", [ep.function, candidates_note(ep)]) if non_empty(object.get(ep, "candidates", []))

candidates_note(ep) := "" if not non_empty(object.get(ep, "candidates", []))

candidates_note(ep) := sprintf(" (it invokes one of %s; which one is unknown at plan time: pass --source DIR)", [list(ep.candidates)]) if non_empty(object.get(ep, "candidates", []))
