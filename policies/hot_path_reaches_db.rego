# METADATA
# title: Hot-path function reaches the database
# description: >-
#   Functions on the hot path (hot, viewer and egress roles) run on user
#   traffic. Any path from them to Aurora lets ordinary traffic wake a paused
#   Aurora Serverless v2 writer: any connection attempt, even with invalid
#   credentials, and any Data API request resumes it, which takes about 15
#   seconds and restarts the idle clock for at least 20 minutes
#   (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2-auto-pause.html).
#   Warm-up functions may wake the database (that is their job) and are
#   checked by LSL-003 and LSL-014 instead. A hot function that can also go
#   out is reported once, by LSL-001 (critical), whose message names the wake:
#   its fix (remove the data path) is this rule's fix too.
# scope: package
# custom:
#   id: LSL-002
#   category: hot-path-reaches-db
#   severity: high
#   recommended_action: >-
#     Serve the hot path from data that does not sleep (DynamoDB, S3,
#     CloudFront) and remove the function's database path: take it out of the
#     VPC or out of the DB security group's ingress, and drop rds-data,
#     rds-db:connect, DB secret and invoke grants from its role.
#   profiles: [sleep-first]
package letsleep.checks.hot_path_reaches_db

import data.letsleep.lib.model

deny contains finding if {
	some f in model.functions
	f.role in model.hot_roles
	f.data_paths[0] # not empty: a ref costs less than model.non_empty

	# LSL-001 reports this function, and the wake with it.
	not model.non_empty(f.egress)
	dp := model.first_path(f.data_paths)
	finding := {
		"resource": f.address,
		"message": sprintf("%s function %s can wake the database (%s)%s", [f.role, f.address, model.describe_path(dp), more(f)]),
		"path": model.from_function(f, model.steps(dp)),
		"unresolved": model.path_unresolved(dp),
	}
}

more(f) := "" if count(f.data_paths) == 1

more(f) := sprintf(" and %d more data paths", [count(f.data_paths) - 1]) if count(f.data_paths) > 1
