# METADATA
# title: Unauthenticated entry point can wake the database
# description: >-
#   Anyone on the internet can call a Lambda function URL with auth type NONE,
#   an API Gateway route or method without an authorizer (a quick-create HTTP
#   API included), a function whose Lambda permission admits "*" or a service
#   principal without source_arn or source_account, an internet-facing ALB
#   with a Lambda target group, a Cognito identity pool's unauthenticated
#   role, or a topic or queue whose policy lets anyone publish or send
#   (https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-services.html,
#   docs/facts/entry-points.md). If the function behind it
#   has a path to Aurora, any stranger (or a crawler) can wake a paused Aurora
#   Serverless v2 writer at will, and keep it awake: any connection attempt,
#   even with invalid credentials, and any Data API request resumes it
#   (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2-auto-pause.html).
#   A warm-up function exists to wake the database, so it is reported even
#   without a data path in the model: it must sit behind auth.
# scope: package
# custom:
#   id: LSL-003
#   category: public-db-waker
#   severity: critical
#   recommended_action: >-
#     Put the entry point behind auth (function URL auth AWS_IAM, a JWT or
#     Lambda authorizer on the route, or CloudFront with origin access control
#     signing requests to an AWS_IAM function URL), or remove the function's
#     database path.
package letsleep.checks.public_db_waker

import data.letsleep.lib.model

deny contains finding if {
	some ep in model.section("entry_points")
	open_auth(ep)
	f := model.functions_by_address[ep.function]
	reason := waker(f)
	finding := {
		"resource": ep.address,
		"message": sprintf("%s %s has auth %s and %s, which %s", [ep.kind, ep.address, ep.auth, model.fronts(ep), reason.text]),
		"path": array.concat(array.concat([entry_step(ep)], model.as_array(object.get(ep, "steps", []))), model.from_function(f, reason.steps)),
		"assumptions": auth_assumptions(ep),
	}
}

# An entry point whose caller reaches the database without running a
# function (a Cognito guest role allowed the Data API itself).
deny contains finding if {
	some ep in model.section("entry_points")
	open_auth(ep)
	not model.named(object.get(ep, "function", ""))
	paths := model.as_array(object.get(ep, "data_paths", []))
	model.non_empty(paths)
	dp := model.first_path(paths)
	finding := {
		"resource": ep.address,
		"message": sprintf("%s %s has auth %s and its callers can reach the database themselves (%s)", [ep.kind, ep.address, ep.auth, model.describe_path(dp)]),
		"path": array.concat([entry_step(ep)], model.steps(dp)),
		"assumptions": auth_assumptions(ep),
	}
}

entry_step(ep) := model.step("entry_point", ep.address, sprintf("%s, auth %s", [ep.kind, ep.auth]))

# An auth type that could not be read is treated as open, and said so.
open_auth(ep) if ep.auth == "NONE"

open_auth(ep) if ep.auth == "unknown"

# waker says why f can wake the database; a data path wins over the role.
waker(f) := {"text": sprintf("can reach the database (%s)", [model.describe_path(dp)]), "steps": model.steps(dp)} if {
	model.non_empty(f.data_paths)
	dp := model.first_path(f.data_paths)
}

waker(f) := {"text": "is a warm-up function, whose job is to wake the database", "steps": []} if {
	not model.non_empty(object.get(f, "data_paths", []))
	f.role == "warmup"
}

# What the finding assumed beyond its evidence steps (which carry their own
# assumptions, gathered by the engine): an authorization it could not read.
auth_assumptions(ep) := [model.assumption(ep.address, "the authorization type is unknown at plan time", "it is NONE (open to anyone)")] if ep.auth == "unknown"

auth_assumptions(ep) := [] if ep.auth != "unknown"
