# METADATA
# title: Egress function reaches the database
# description: >-
#   The sleep-first invariant: a function that can go out to the internet must
#   not be able to touch the data, so a compromised or confused outbound
#   function cannot carry data out. A Lambda outside a VPC has internet access
#   (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html), and
#   the RDS Data API reaches Aurora over HTTPS from outside the VPC, so IAM
#   alone (rds-data plus the cluster secret) is a data path without any network
#   path (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/data-api.html).
#   When the function is also on the hot path (hot, viewer or egress role),
#   the finding says that user traffic wakes the database too; LSL-002 then
#   stays silent, so one violation gives one finding.
# scope: package
# custom:
#   id: LSL-001
#   category: egress-reaches-db
#   severity: critical
#   recommended_action: >-
#     Split the function: keep outbound calls in an egress function with no
#     database path (no VPC path to the DB security group, no rds-data,
#     rds-db:connect or DB secret grant, no invoke of a function that reaches
#     the DB), and keep data access in a control function inside the VPC
#     without NAT. Hand data across through a queue or table, not a direct call.
package letsleep.checks.egress_reaches_db

import data.letsleep.lib.model

deny contains finding if {
	some f in model.functions

	# Lists not empty (a ref, not model.non_empty: the call costs more than the
	# test, for every function; the model's lists hold objects, never false).
	f.egress[0]
	f.data_paths[0]
	out := model.first_path(f.egress)
	dp := model.first_path(f.data_paths)
	finding := {
		"resource": f.address,
		"message": sprintf("function %s can go out (%s) and reaches the database (%s)%s%s", [f.address, model.describe_path(out), model.describe_path(dp), more(f), wakes(f)]),
		"path": array.concat(model.from_function(f, model.steps(out)), model.after_function(f, model.steps(dp))),
		"unresolved": unresolved(out, dp),
	}
}

more(f) := "" if count(f.data_paths) + count(f.egress) == 2

more(f) := sprintf("; %d egress and %d data paths in all", [count(f.egress), count(f.data_paths)]) if {
	count(f.data_paths) + count(f.egress) > 2
}

wakes(f) := sprintf("; its role %s is on the hot path, so user traffic also wakes the database", [f.role]) if f.role in model.hot_roles

default wakes(_) := ""

unresolved(out, _) if model.path_unresolved(out)

unresolved(_, dp) if model.path_unresolved(dp)

default unresolved(_, _) := false
