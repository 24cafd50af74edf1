# No check may turn a guess into a critical or high fact. A function whose
# security group is one of two (a conditional the sources could not
# decide) reaches the database and goes out only through paths that
# assume it is in the wrong one. Every finding any check raises on it must
# rest on that assumption, so the engine caps it at medium (the cap itself
# is tested in internal/engine).
package letsleep.lib.assumed_test

import data.letsleep.lib.fixtures as fx

guessed_fn := `module.fn["ledger"].module.lambda.aws_lambda_function.this[0]`

hot_fn := `module.fn["api"].module.lambda.aws_lambda_function.this[0]`

guess(fn) := {
	"address": fn,
	"unknown": "vpc_config.security_group_ids is one of module.a_sg, module.b_sg: the condition on each.value.role (main.tf:324) could not be evaluated for this instance",
	"assumed": "the function is in module.b_sg (worst case)",
}

# in_guessed_group is path p with its function's own group step assumed,
# as the model writes it.
in_guessed_group(p, fn) := object.union(p, {"unresolved": true, "steps": array.concat(
	[p.steps[0], object.union(fx.step("security_group", "module.b_sg", "function security group"), {"assumption": guess(fn)})],
	array.slice(p.steps, 1, count(p.steps)),
)})

guessed_model := {"functions": [
	object.union(fx.fn(guessed_fn, "control", [in_guessed_group(fx.nat(guessed_fn), guessed_fn)], [in_guessed_group(fx.network(guessed_fn), guessed_fn)]), {"in_vpc": true, "reserved_concurrency": 2}),
	object.union(fx.fn(hot_fn, "hot", [], [in_guessed_group(fx.network(hot_fn), hot_fn)]), {"in_vpc": true}),
]}

# findings of every check on the input, by check
findings := {name: check.deny |
	some name, check in data.letsleep.checks
	check.deny
}

test_guessed_paths_are_found if {
	fs := findings with input as fx.input_of(guessed_model)

	# the paths are still reported (a guess fails the run at medium)
	count(fs.egress_reaches_db) == 1
	count(fs.hot_path_reaches_db) == 1
}

test_no_finding_on_a_guessed_path_is_a_fact if {
	fs := findings with input as fx.input_of(guessed_model)
	facts := [[name, d.resource] |
		some name, ds in fs
		some d in ds
		d.resource in {guessed_fn, hot_fn}
		not fx.rests_on_assumption(d)
	]
	facts == []
}
