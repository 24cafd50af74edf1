# METADATA
# title: Warm-up endpoint without single-flight or rate limit
# description: >-
#   A warm-up endpoint wakes Aurora on purpose. Resume takes about 15 seconds
#   (30 and more after 24 hours paused) and each administrative wake keeps the
#   cluster up for at least 20 minutes
#   (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2-auto-pause.html),
#   so a burst of warm-up calls piles up concurrent connections while the
#   writer resumes, and repeated calls keep it from ever sleeping. Either the
#   entry point is throttled (API Gateway stage or usage plan limits) or the
#   function has reserved concurrency 1, so that only one warm-up runs at a
#   time (single flight).
# scope: package
# custom:
#   id: LSL-014
#   category: warmup-unthrottled
#   severity: medium
#   recommended_action: >-
#     Set reserved_concurrent_executions = 1 on the warm-up function, or put
#     its route behind an API Gateway stage with throttling_rate_limit and
#     throttling_burst_limit (or a usage plan).
#   profiles: [sleep-first]
package letsleep.checks.warmup_unthrottled

import data.letsleep.lib.model

deny contains f if {
	some fn in model.functions
	fn.role == "warmup"
	not single_flight(fn)
	some ep in object.get(model.entry_points_by_function, fn.address, set())
	not ep.throttled
	f := {
		"resource": ep.address,
		"message": sprintf("%s %s %s warm-up function %s without throttling, and the function has %s%s", [ep.kind, ep.address, reaches(ep), fn.address, concurrency(fn), model.candidates_note(ep)]),
		"path": array.concat(
			array.concat([model.step("entry_point", ep.address, sprintf("%s, not throttled", [ep.kind]))], model.as_array(object.get(ep, "steps", []))),
			[model.step("function", fn.address, sprintf("role warmup, %s", [concurrency(fn)]))],
		),
	}
}

reaches(ep) := "reaches" if not model.non_empty(object.get(ep, "candidates", []))

reaches(ep) := "may reach" if model.non_empty(object.get(ep, "candidates", []))

single_flight(fn) if fn.reserved_concurrency == 1

concurrency(fn) := sprintf("reserved concurrency %v", [fn.reserved_concurrency]) if is_number(fn.reserved_concurrency)

concurrency(fn) := "no reserved concurrency" if not is_number(object.get(fn, "reserved_concurrency", null))
