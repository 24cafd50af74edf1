package letsleep.checks.db_never_sleeps_test

import data.letsleep.checks.db_never_sleeps.deny
import data.letsleep.lib.fixtures as fx

with_db(parts) := fx.input_of({"databases": [object.union(fx.serverless_cluster, parts)]})

messages(findings) := {d.message | some d in findings}

test_deny_min_capacity_half_acu if {
	findings := deny with input as with_db({"min_capacity": 0.5, "seconds_until_auto_pause": null})
	count(findings) == 1
	some d in findings
	d.resource == fx.cluster
	contains(d.message, "min_capacity 0.5")
}

test_deny_min_capacity_absent if {
	findings := deny with input as with_db({"min_capacity": null})
	count(findings) == 1
	some d in findings
	contains(d.message, "sets no min_capacity")
	not fx.rests_on_assumption(d)
}

test_deny_min_capacity_unknown_is_unresolved if {
	findings := deny with input as with_db({"min_capacity": null, "unknown": ["serverlessv2_scaling_configuration.0.min_capacity"]})
	some d in findings
	fx.rests_on_assumption(d)
}

test_deny_provisioned_cluster_without_serverless_scaling if {
	findings := deny with input as with_db({"serverless": false, "min_capacity": null, "instances": [{"address": "aws_rds_cluster_instance.w", "instance_class": "db.r6g.large", "publicly_accessible": false}]})
	count(findings) == 2
	some d in findings
	d.resource == "aws_rds_cluster_instance.w"
	contains(d.message, "provisioned (db.r6g.large)")
	some c in findings
	c.resource == fx.cluster
	contains(c.message, "no serverlessv2_scaling_configuration")
}

test_deny_mixed_instance_on_the_instance if {
	findings := deny with input as with_db({"instances": [
		{"address": "aws_rds_cluster_instance.writer", "instance_class": "db.serverless", "publicly_accessible": false},
		{"address": "aws_rds_cluster_instance.reader", "instance_class": "db.t4g.medium", "publicly_accessible": false},
	]})
	count(findings) == 1
	some d in findings
	d.resource == "aws_rds_cluster_instance.reader"
}

test_deny_unknown_instance_class_is_unresolved if {
	findings := deny with input as with_db({"instances": [{"address": "aws_rds_cluster_instance.x", "instance_class": "", "publicly_accessible": false}]})
	some d in findings
	fx.rests_on_assumption(d)
	contains(d.message, "unknown at plan time")
}

test_deny_postgres_16_2_below_16_3 if {
	findings := deny with input as with_db({"engine_version": "16.2"})
	count(findings) == 1
	some d in findings
	contains(d.message, "16.2 is below the auto-pause minimum 16.3")
}

test_allow_postgres_16_3_exact_minimum if {
	count(deny) == 0 with input as with_db({"engine_version": "16.3"})
}

test_allow_postgres_16_10_is_numeric_not_lexical if {
	count(deny) == 0 with input as with_db({"engine_version": "16.10"})
}

test_deny_postgres_minimums_per_major if {
	every v in ["13.14", "14.11", "15.6", "16.1"] {
		count(deny) == 1 with input as with_db({"engine_version": v})
	}
}

test_allow_postgres_minimums_per_major if {
	every v in ["13.15", "14.12", "15.7", "15.10", "16.3", "17.1", "17.0"] {
		count(deny) == 0 with input as with_db({"engine_version": v})
	}
}

test_deny_postgres_12_too_old if {
	findings := deny with input as with_db({"engine_version": "12.22"})
	count(findings) == 1
	some d in findings
	contains(d.message, "older than 13")
}

test_deny_postgres_major_only_is_unresolved if {
	findings := deny with input as with_db({"engine_version": "16"})
	count(findings) == 1
	some d in findings
	fx.rests_on_assumption(d)
	contains(d.message, "at least 16.3")
}

test_allow_postgres_major_only_17 if {
	count(deny) == 0 with input as with_db({"engine_version": "17"})
}

test_deny_mysql_3_07 if {
	findings := deny with input as with_db({"engine": "aurora-mysql", "engine_version": "8.0.mysql_aurora.3.07.1"})
	count(findings) == 1
	some d in findings
	contains(d.message, "below the auto-pause minimum 3.08.0")
}

test_deny_mysql_2 if {
	findings := deny with input as with_db({"engine": "aurora-mysql", "engine_version": "5.7.mysql_aurora.2.11.2"})
	count(findings) == 1
}

test_deny_mysql_5_7_without_marker if {
	count(deny) == 1 with input as with_db({"engine": "aurora-mysql", "engine_version": "5.7"})
}

test_deny_mysql_56_engine_aurora if {
	findings := deny with input as with_db({"engine": "aurora", "engine_version": "5.6.10a"})
	some d in findings
	contains(d.message, "MySQL 5.6 compatible")
}

test_allow_mysql_3_08_0_and_later if {
	every v in ["8.0.mysql_aurora.3.08.0", "8.0.mysql_aurora.3.08.2", "8.0.mysql_aurora.3.10.0"] {
		count(deny) == 0 with input as with_db({"engine": "aurora-mysql", "engine_version": v})
	}
}

test_deny_engine_version_unknown_at_plan_time if {
	findings := deny with input as with_db({"engine_version": "", "unknown": ["engine_version"]})
	count(findings) == 1
	some d in findings
	fx.rests_on_assumption(d)
}

test_allow_engine_version_default if {
	count(deny) == 0 with input as with_db({"engine_version": ""})
}

test_deny_logical_replication if {
	findings := deny with input as with_db({"logical_replication": true, "parameter_group": "aws_rds_cluster_parameter_group.pg"})
	count(findings) == 1
	some d in findings
	contains(d.message, "logical replication")
	d.path[1].address == "aws_rds_cluster_parameter_group.pg"
}

test_deny_zero_etl if {
	findings := deny with input as with_db({"zero_etl": ["aws_rds_integration.to_redshift"]})
	some d in findings
	contains(d.message, "aws_rds_integration.to_redshift")
}

test_deny_activity_stream if {
	count(deny) == 1 with input as with_db({"activity_stream": "aws_rds_cluster_activity_stream.this"})
}

test_deny_global_cluster if {
	count(deny) == 1 with input as with_db({"global_cluster": "aws_rds_global_cluster.this"})
}

test_deny_one_finding_per_blocker if {
	findings := deny with input as with_db({
		"min_capacity": 1,
		"engine_version": "15.4",
		"logical_replication": true,
		"zero_etl": ["aws_rds_integration.x"],
		"activity_stream": "aws_rds_cluster_activity_stream.x",
		"global_cluster": "aws_rds_global_cluster.x",
		"instances": [{"address": "aws_rds_cluster_instance.p", "instance_class": "db.r6g.large", "publicly_accessible": false}],
	})
	count(findings) == 7
}

test_deny_standalone_rds_instance if {
	findings := deny with input as fx.input_of({"databases": [{"address": "aws_db_instance.pg", "kind": "instance", "engine": "postgres", "engine_version": "16.3", "serverless": false, "instances": [], "security_groups": []}]})
	count(findings) == 1
	some d in findings
	contains(d.message, "only Aurora Serverless v2 can")
}

test_allow_min_zero_serverless_16_4 if {
	count(deny) == 0 with input as with_db({})
}

test_allow_reference_stack if {
	count(deny) == 0 with input as fx.reference_input
}

test_deny_engine_version_omitted_and_unknown if {
	db := object.remove(object.union(fx.serverless_cluster, {"unknown": ["engine_version"]}), ["engine_version"])
	findings := deny with input as fx.input_of({"databases": [db]})
	count(findings) == 1
}

test_deny_logical_replication_without_parameter_group_address if {
	findings := deny with input as with_db({"logical_replication": true})
	some d in findings
	contains(d.message, "its parameter group")
}

test_deny_min_capacity_key_omitted if {
	db := object.remove(fx.serverless_cluster, ["min_capacity", "seconds_until_auto_pause"])
	count(deny) == 1 with input as fx.input_of({"databases": [db]})
}

test_deny_standalone_instance_listing_itself_once if {
	db := {"address": "aws_db_instance.pg", "kind": "instance", "engine": "mysql", "instances": [{"address": "aws_db_instance.pg", "instance_class": "db.t3.micro", "publicly_accessible": false}], "security_groups": []}
	count(deny) == 1 with input as fx.input_of({"databases": [db]})
}

test_deny_serverless_v1_cluster if {
	findings := deny with input as with_db({"serverless": false, "engine_mode": "serverless", "min_capacity": null})
	count(findings) == 1
	some d in findings
	contains(d.message, "Aurora Serverless v1")
}

test_deny_multi_az_db_cluster if {
	findings := deny with input as fx.input_of({"databases": [{"address": "aws_rds_cluster.maz", "kind": "cluster", "engine": "postgres", "engine_version": "16.3", "serverless": false, "instances": [], "security_groups": []}]})
	count(findings) == 1
	some d in findings
	startswith(d.message, "Multi-AZ DB cluster aws_rds_cluster.maz (postgres) cannot auto-pause")
}

test_deny_engine_unknown_is_unresolved if {
	findings := deny with input as fx.input_of({"databases": [{"address": "aws_db_instance.x", "kind": "instance", "engine": "", "instances": [], "security_groups": []}]})
	count(findings) == 1
	some d in findings
	fx.rests_on_assumption(d)
}

# --- keep-warm schedules ----------------------------------------------------

ctl := "module.control.aws_lambda_function.this"

schedule(expr, period, wakes) := {"address": "aws_cloudwatch_event_rule.keep_warm", "kind": "eventbridge_rule", "expression": expr, "period_seconds": period, "enabled": true, "wakes": wakes}

wake := {"kind": "invoke", "target": fx.cluster, "steps": [fx.step("schedule_target", "aws_cloudwatch_event_target.t", "rule target"), fx.step("function", ctl, "control")]}

with_schedule(db, s) := fx.input_of({"databases": [object.union(fx.serverless_cluster, db)], "schedules": [s]})

test_deny_schedule_every_five_minutes_at_default_delay if {
	findings := deny with input as with_schedule({"seconds_until_auto_pause": null}, schedule("rate(5 minutes)", 300, [wake]))
	count(findings) == 1
	some d in findings
	d.resource == "aws_cloudwatch_event_rule.keep_warm"
	contains(d.message, "every 300 s")
	contains(d.message, "300 s pause delay")
	[s.kind | some s in d.path] == ["schedule", "schedule_target", "function"]
}

test_deny_schedule_under_longer_delay if {
	findings := deny with input as with_schedule({"seconds_until_auto_pause": 3600}, schedule("rate(30 minutes)", 1800, [wake]))
	count(findings) == 1
}

test_allow_schedule_slower_than_delay if {
	findings := deny with input as with_schedule({"seconds_until_auto_pause": 300}, schedule("rate(10 minutes)", 600, [wake]))
	count(findings) == 0
}

test_allow_schedule_that_wakes_nothing if {
	findings := deny with input as with_schedule({}, schedule("rate(1 minute)", 60, []))
	count(findings) == 0
}

test_allow_disabled_schedule if {
	findings := deny with input as with_schedule({}, object.union(schedule("rate(1 minute)", 60, [wake]), {"enabled": false}))
	count(findings) == 0
}

test_allow_one_time_schedule if {
	findings := deny with input as with_schedule({}, schedule("at(2030-01-01T00:00:00)", 0, [wake]))
	count(findings) == 0
}

test_deny_unresolved_wake_carries_its_assumption if {
	guess := {"kind": "schedule_target", "address": "aws_scheduler_schedule.s", "detail": "input names no database", "assumption": {"unknown": "the input names no database", "assumed": "it may wake any"}}
	findings := deny with input as with_schedule({}, schedule("rate(1 minute)", 60, [object.union(wake, {"unresolved": true, "steps": [guess]})]))
	some d in findings
	fx.rests_on_assumption(d)
}

# A wake to a target set wakes each of its databases: one finding per
# database, once even when a plain wake names it too.
test_deny_schedule_waking_a_set_of_databases if {
	other := object.union(fx.serverless_cluster, {"address": "module.b.aws_rds_cluster.db", "seconds_until_auto_pause": null})
	set_wake := {"kind": "invoke", "target": "", "target_set": "databases:1", "steps": [fx.step("schedule_target", "aws_cloudwatch_event_target.t", "rule target"), fx.step("target_set", "databases:1", "reaches")]}
	findings := deny with input as fx.input_of({
		"databases": [object.union(fx.serverless_cluster, {"seconds_until_auto_pause": null}), other],
		"schedules": [schedule("rate(5 minutes)", 300, [wake, set_wake])],
		"target_sets": [fx.db_set("databases:1", [fx.cluster, "module.b.aws_rds_cluster.db"])],
	})
	count(findings) == 2
	{d.message | some d in findings; contains(d.message, sprintf("delay of %s,", [fx.cluster]))} != set()
	{d.message | some d in findings; contains(d.message, "delay of module.b.aws_rds_cluster.db,")} != set()
}
