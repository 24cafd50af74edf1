package letsleep.lib.model_test

import data.letsleep.lib.fixtures as fx
import data.letsleep.lib.model

test_indexes_by_address if {
	fns := model.functions_by_address with input as fx.reference_input
	count(fns) == 4
	fns["module.hot.aws_lambda_function.this"].role == "hot"
}

test_functions_by_execution_role_groups_functions if {
	a := object.union(fx.fn("aws_lambda_function.a", "hot", [], []), {"execution_role": "aws_iam_role.shared"})
	b := object.union(fx.fn("aws_lambda_function.b", "viewer", [], []), {"execution_role": "aws_iam_role.shared"})
	c := object.remove(fx.fn("aws_lambda_function.c", "viewer", [], []), ["execution_role"])
	groups := model.functions_by_execution_role with input as fx.input_of({"functions": [a, b, c]})
	groups == {"aws_iam_role.shared": {"aws_lambda_function.a", "aws_lambda_function.b"}}
}

# The indexed comprehension groups as model.group does, on roles shared,
# alone, unnamed, null or absent.
test_functions_by_execution_role_as_group if {
	fns := [
		object.union(fx.fn("aws_lambda_function.a", "hot", [], []), {"execution_role": "aws_iam_role.x"}),
		object.union(fx.fn("aws_lambda_function.b", "hot", [], []), {"execution_role": "aws_iam_role.y"}),
		object.union(fx.fn("aws_lambda_function.c", "hot", [], []), {"execution_role": "aws_iam_role.x"}),
		object.union(fx.fn("aws_lambda_function.d", "hot", [], []), {"execution_role": ""}),
		object.union(fx.fn("aws_lambda_function.e", "hot", [], []), {"execution_role": null}),
		object.remove(fx.fn("aws_lambda_function.f", "hot", [], []), ["execution_role"]),
		object.union(fx.fn("aws_lambda_function.g", "hot", [], []), {"execution_role": "aws_iam_role.x"}),
	]
	want := model.group([[f.execution_role, f.address, true] | some f in fns; model.named(f.execution_role)])
	count(want) == 2
	model.functions_by_execution_role == want with input as fx.input_of({"functions": fns})
}

test_section_of_null_or_missing_is_empty if {
	model.section("functions") == [] with input as {"model": fx.nulls}
	model.section("functions") == [] with input as {"model": {}}
}

test_path_unresolved if {
	model.path_unresolved(fx.unresolved_network("f"))
	not model.path_unresolved(fx.network("f"))
	not model.path_unresolved({"kind": "network", "steps": [{"kind": "x", "from_unknown": true}]})
}

test_role_label if {
	model.role_label({"role": "hot"}) == "hot"
	model.role_label({"role": ""}) == "undeclared"
	model.role_label({}) == "undeclared"
}

test_list_is_sorted if {
	model.list({"b", "a", "c"}) == "a, b, c"
	model.list([]) == ""
}

test_from_function_keeps_or_prepends_the_function if {
	f := {"address": "aws_lambda_function.f", "role": "hot"}
	model.from_function(f, fx.network("aws_lambda_function.f").steps) == fx.network("aws_lambda_function.f").steps
	model.from_function(f, [fx.step("secret", "s", "d")]) == [{"kind": "function", "address": "aws_lambda_function.f", "detail": "role hot"}, fx.step("secret", "s", "d")]
	model.from_function(f, null) == [{"kind": "function", "address": "aws_lambda_function.f", "detail": "role hot"}]
}

test_after_function_drops_the_leading_function if {
	f := {"address": "aws_lambda_function.f"}
	model.after_function(f, fx.network("aws_lambda_function.f").steps) == array.slice(fx.network("aws_lambda_function.f").steps, 1, 10)
	model.after_function(f, fx.network("aws_lambda_function.other").steps) == fx.network("aws_lambda_function.other").steps
	model.after_function(f, null) == []
}

test_steps_of_a_path if {
	model.steps({"kind": "x"}) == []
	model.steps({"steps": null}) == []
	model.steps(fx.network("f")) == fx.network("f").steps
}

test_principal_kinds if {
	model.principal("module.x.aws_iam_role.r") == "role module.x.aws_iam_role.r"
	model.principal("aws_iam_user.u") == "user aws_iam_user.u"
	model.principal("aws_iam_group.g[0]") == "group aws_iam_group.g[0]"
}

# A check quotes a known path whenever one exists, so a fact is never
# reported as the guess (and capped) because a guess sorted first.
test_first_path_prefers_a_fact if {
	model.first_path([{"kind": "secret", "unresolved": true}, {"kind": "network"}]).kind == "network"
}

test_first_path_falls_back_to_a_guess if {
	model.first_path([{"kind": "secret", "unresolved": true}]).kind == "secret"
}

test_assumption_names_what_was_unknown_and_assumed if {
	model.assumption("a.b", "x unknown", "worst") == {"address": "a.b", "unknown": "x unknown", "assumed": "worst"}
}

sets_input := {"model": {"target_sets": [{"id": "databases:1", "kind": "databases", "members": ["a.db", "b.db", "c.db", "d.db"]}]}}

test_path_targets_of_a_set_path_are_its_members if {
	got := model.path_targets({"kind": "invoke", "target": "", "target_set": "databases:1"}) with input as sets_input
	got == {"a.db", "b.db", "c.db", "d.db"}
}

test_path_targets_of_a_plain_path_is_its_target if {
	model.path_targets({"kind": "network", "target": "x.db"}) == {"x.db"}
}

test_describe_path_names_a_set_by_count_and_first_members if {
	got := model.describe_path({"kind": "data-api", "target": "", "target_set": "databases:1"}) with input as sets_input
	got == "data-api path to 4 databases (a.db, b.db, c.db, …)"
}

test_describe_path_of_a_plain_path_is_unchanged if {
	model.describe_path({"kind": "secret", "target": "x.db"}) == "secret path to x.db"
}
