# METADATA
# title: Database can never auto-pause
# description: >-
#   Aurora Serverless v2 pauses only with min capacity 0
#   (serverlessv2_scaling_configuration min_capacity = 0; when min capacity is
#   above 0, SecondsUntilAutoPause is absent and auto-pause is off,
#   https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ServerlessV2ScalingConfiguration.html).
#   It also needs Aurora PostgreSQL 16.3, 15.7, 14.12 or 13.15 (17 and later),
#   or Aurora MySQL 3.08.0, and none of these blockers: a provisioned
#   (non-db.serverless) instance in the cluster, logical replication
#   (rds.logical_replication), a zero-ETL integration, Database Activity
#   Streams, or global database membership. An incompatible setting raises no
#   error; the cluster simply never pauses
#   (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2-auto-pause.html).
#   A standalone RDS instance cannot pause at all. A schedule (EventBridge rule
#   or EventBridge Scheduler schedule) that runs at least once per pause delay
#   (seconds_until_auto_pause, default 300 s) and wakes the database each run,
#   by invoking a function with a data path or by calling rds-data or a waking
#   RDS API through a universal target, keeps it awake as surely: any Data API
#   request or connection attempt resumes a paused writer
#   (https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-universal.html,
#   docs/facts/keep-warm-schedules.md). One finding is reported per blocker so
#   each can be fixed or waived on its own.
# scope: package
# custom:
#   id: LSL-006
#   category: db-never-sleeps
#   severity: high
#   recommended_action: >-
#     Use Aurora Serverless v2 with serverlessv2_scaling_configuration
#     { min_capacity = 0, seconds_until_auto_pause = 300..86400 } (AWS provider
#     5.81.0 or later), db.serverless instances only, an engine version at or
#     above the auto-pause minimum, and no logical replication, zero-ETL,
#     activity stream or global cluster, and no schedule that wakes the
#     database more often than its pause delay (run it less often, or point it
#     at something that does not touch the database). Use --profile always-on
#     for clusters that are meant to stay up.
#   profiles: [sleep-first]
package letsleep.checks.db_never_sleeps

import data.letsleep.lib.model
import data.letsleep.lib.version

aurora(db) if startswith(db.engine, "aurora")

# unknown_attr holds when an attribute whose name contains part was unknown at
# plan time.
unknown_attr(db, part) if {
	some u in db.unknown
	contains(u, part)
}

default unknown_attr(_, _) := false

db_step(db, detail) := model.step("database", db.address, detail)

finding(db, resource, msg, detail) := {
	"resource": resource,
	"message": msg,
	"path": [db_step(db, detail)],
}

# --- capacity -------------------------------------------------------------

deny contains finding(db, db.address, msg, "no Serverless v2 scaling configuration") if {
	some db in model.section("databases")
	db.kind == "cluster"
	aurora(db)
	not db.serverless
	msg := not_serverless_message(db)
}

not_serverless_message(db) := sprintf("cluster %s uses Aurora Serverless v1 (engine_mode serverless); sleep-first needs Serverless v2 with min_capacity 0", [db.address]) if {
	object.get(db, "engine_mode", "") == "serverless"
}

not_serverless_message(db) := sprintf("cluster %s has no serverlessv2_scaling_configuration: provisioned capacity never pauses", [db.address]) if {
	object.get(db, "engine_mode", "") != "serverless"
}

deny contains finding(db, db.address, sprintf("cluster %s has min_capacity %v; auto-pause needs min_capacity 0", [db.address, db.min_capacity]), sprintf("min_capacity %v", [db.min_capacity])) if {
	some db in model.section("databases")
	db.serverless
	is_number(db.min_capacity)
	db.min_capacity > 0
}

deny contains f if {
	some db in model.section("databases")
	db.serverless
	not is_number(object.get(db, "min_capacity", null))
	f := object.union(
		finding(db, db.address, sprintf("cluster %s sets no min_capacity (unknown at plan time or absent); auto-pause needs min_capacity 0", [db.address]), "min_capacity not set"),
		{"assumptions": capacity_assumptions(db)},
	)
}

# RDS outside Aurora (a standalone instance or a Multi-AZ DB cluster) has no
# auto-pause at all.
deny contains finding(db, db.address, sprintf("%s %s (%s) cannot auto-pause; only Aurora Serverless v2 can", [rds_label(db), db.address, db.engine]), sprintf("%s, engine %s", [rds_label(db), db.engine])) if {
	some db in model.section("databases")
	model.named(db.engine)
	not aurora(db)
}

deny contains f if {
	some db in model.section("databases")
	not model.named(object.get(db, "engine", ""))
	f := object.union(
		finding(db, db.address, sprintf("database %s has an engine unknown at plan time; only Aurora Serverless v2 can auto-pause", [db.address]), "engine unknown"),
		{"assumptions": [model.assumption(db.address, "the engine is unknown at plan time", "it is one that cannot auto-pause")]},
	)
}

rds_label(db) := "Multi-AZ DB cluster" if db.kind == "cluster"

rds_label(db) := "RDS instance" if db.kind != "cluster"

# --- instances --------------------------------------------------------------

# Only cluster members: a standalone instance is reported above (non-Aurora)
# and may list itself as its own instance.
deny contains f if {
	some db in model.section("databases")
	db.kind == "cluster"
	some inst in db.instances
	inst.instance_class != "db.serverless"
	f := {
		"resource": inst.address,
		"message": instance_message(db, inst),
		"path": [db_step(db, "cluster"), model.step("database", inst.address, sprintf("instance class %s", [class_label(inst)]))],
		"assumptions": class_assumptions(inst),
	}
}

instance_message(db, inst) := sprintf("instance %s of cluster %s is provisioned (%s); a provisioned instance keeps the cluster awake", [inst.address, db.address, inst.instance_class]) if {
	inst.instance_class != ""
}

instance_message(db, inst) := sprintf("instance %s of cluster %s has an instance class unknown at plan time; only db.serverless instances can pause", [inst.address, db.address]) if {
	inst.instance_class == ""
}

class_assumptions(inst) := [model.assumption(inst.address, "the instance class is unknown at plan time", "it is provisioned, not db.serverless")] if inst.instance_class == ""

class_assumptions(inst) := [] if inst.instance_class != ""

capacity_assumptions(db) := [model.assumption(db.address, "min_capacity is unknown at plan time", "it is above 0, so the cluster never pauses")] if unknown_attr(db, "capacity")

capacity_assumptions(db) := [] if not unknown_attr(db, "capacity")

class_label(inst) := inst.instance_class if inst.instance_class != ""

class_label(inst) := "unknown" if inst.instance_class == ""

# --- engine version ---------------------------------------------------------

# Minimum Aurora PostgreSQL minor per major version; 17 and later all support
# auto-pause, majors below 13 none.
pg_minimum := {13: [13, 15], 14: [14, 12], 15: [15, 7], 16: [16, 3]}

mysql_minimum := [3, 8, 0]

# version_blocker(db) is the reason db's engine version cannot auto-pause.
version_blocker(db) := sprintf("Aurora PostgreSQL %s is below the auto-pause minimum %s", [db.engine_version, concat(".", [sprintf("%d", [n]) | some n in want])]) if {
	db.engine == "aurora-postgresql"
	have := version.parts(db.engine_version)
	count(have) >= 2
	want := pg_minimum[have[0]]
	not version.at_least(have, want)
}

version_blocker(db) := sprintf("Aurora PostgreSQL %s is older than 13, which has no auto-pause (13.15, 14.12, 15.7, 16.3 or 17 needed)", [db.engine_version]) if {
	db.engine == "aurora-postgresql"
	have := version.parts(db.engine_version)
	count(have) >= 1
	have[0] < 13
}

version_blocker(db) := sprintf("Aurora MySQL %s is below the auto-pause minimum 3.08.0", [db.engine_version]) if {
	db.engine == "aurora-mysql"
	have := version.aurora_mysql_parts(db.engine_version)
	count(have) > 0
	not version.at_least(have, mysql_minimum)
}

# 5.7-compatible versions without the mysql_aurora marker (e.g. "5.7") and
# the MySQL 5.6-compatible engine "aurora" are all Aurora MySQL 1.x/2.x.
version_blocker(db) := sprintf("Aurora MySQL %s is below the auto-pause minimum 3.08.0", [db.engine_version]) if {
	db.engine == "aurora-mysql"
	indexof(db.engine_version, "mysql_aurora.") < 0
	have := version.parts(db.engine_version)
	count(have) > 0
	not version.at_least(have, [8, 0])
}

version_blocker(db) := "engine aurora (MySQL 5.6 compatible) has no auto-pause; Aurora MySQL 3.08.0 or later is needed" if {
	db.engine == "aurora"
}

deny contains finding(db, db.address, sprintf("cluster %s: %s", [db.address, reason]), sprintf("engine %s %s", [db.engine, db.engine_version])) if {
	some db in model.section("databases")
	db.kind == "cluster"
	reason := version_blocker(db)
}

# A major-only version ("16") lets AWS choose the minor; say so rather than pass.
deny contains f if {
	some db in model.section("databases")
	db.kind == "cluster"
	db.engine == "aurora-postgresql"
	have := version.parts(db.engine_version)
	count(have) == 1
	have[0] >= 13
	have[0] <= 16
	f := object.union(
		finding(db, db.address, sprintf("cluster %s pins only major version %s; auto-pause needs at least %s", [db.address, db.engine_version, concat(".", [sprintf("%d", [n]) | some n in pg_minimum[have[0]]])]), sprintf("engine %s %s", [db.engine, db.engine_version])),
		{"assumptions": [model.assumption(db.address, sprintf("the minor version AWS will pick for major %s", [db.engine_version]), "one below the auto-pause minimum")]},
	)
}

deny contains f if {
	some db in model.section("databases")
	db.kind == "cluster"
	aurora(db)
	object.get(db, "engine_version", "") == ""
	unknown_attr(db, "engine_version")
	f := object.union(
		finding(db, db.address, sprintf("cluster %s has an engine version unknown at plan time; auto-pause needs Aurora PostgreSQL 13.15/14.12/15.7/16.3+ or Aurora MySQL 3.08.0+", [db.address]), "engine version unknown"),
		{"assumptions": [model.assumption(db.address, "the engine version is unknown at plan time", "one below the auto-pause minimum")]},
	)
}

# --- features that keep it awake -------------------------------------------

deny contains f if {
	some db in model.section("databases")
	db.logical_replication
	f := {
		"resource": db.address,
		"message": sprintf("cluster %s has logical replication on (rds.logical_replication in %s), which blocks auto-pause", [db.address, pg_label(db)]),
		"path": [db_step(db, "logical replication on"), model.step("parameter_group", object.get(db, "parameter_group", ""), "rds.logical_replication = 1")],
	}
}

pg_label(db) := db.parameter_group if object.get(db, "parameter_group", "") != ""

pg_label(db) := "its parameter group" if object.get(db, "parameter_group", "") == ""

deny contains f if {
	some db in model.section("databases")
	etl := model.as_array(db.zero_etl)
	count(etl) > 0
	f := {
		"resource": db.address,
		"message": sprintf("cluster %s is the source of zero-ETL integration(s) %s, which block auto-pause", [db.address, model.list(etl)]),
		"path": array.concat([db_step(db, "zero-ETL source")], [model.step("integration", i, "zero-ETL integration") | some i in etl]),
	}
}

deny contains f if {
	some db in model.section("databases")
	is_string(db.activity_stream)
	db.activity_stream != ""
	f := {
		"resource": db.address,
		"message": sprintf("cluster %s has a Database Activity Stream (%s), which blocks auto-pause", [db.address, db.activity_stream]),
		"path": [db_step(db, "activity stream"), model.step("activity_stream", db.activity_stream, "Database Activity Stream")],
	}
}

deny contains f if {
	some db in model.section("databases")
	is_string(db.global_cluster)
	db.global_cluster != ""
	f := {
		"resource": db.address,
		"message": sprintf("cluster %s is a member of global cluster %s, which blocks auto-pause", [db.address, db.global_cluster]),
		"path": [db_step(db, "global cluster member"), model.step("global_cluster", db.global_cluster, "global database")],
	}
}

# --- keep-warm schedules ----------------------------------------------------

databases_by_address := {db.address: db | some db in model.section("databases")}

# pause_delay is the cluster's seconds_until_auto_pause, 300 s by default.
pause_delay(db) := db.seconds_until_auto_pause if is_number(object.get(db, "seconds_until_auto_pause", null))

pause_delay(db) := 300 if not is_number(object.get(db, "seconds_until_auto_pause", null))

# pausable: only a cluster that could pause is kept awake by a schedule;
# any other blocker is reported above.
pausable(db) if {
	db.serverless
	db.min_capacity == 0
}

deny contains f if {
	some s in model.section("schedules")
	s.enabled
	s.period_seconds > 0
	wakes := model.as_array(s.wakes)
	reached := [model.path_targets(w) | some w in wakes]
	some i, w in wakes
	some target in reached[i]
	first_wake(reached, target) == i
	db := databases_by_address[target]
	pausable(db)
	s.period_seconds <= pause_delay(db)
	f := {
		"resource": s.address,
		"message": sprintf("%s %s runs every %d s (%s), at or under the %d s pause delay of %s, and each run wakes it (%s): it never sleeps", [schedule_label(s), s.address, s.period_seconds, s.expression, pause_delay(db), db.address, model.describe_path(w)]),
		"path": array.concat([model.step("schedule", s.address, sprintf("%s every %d s", [s.expression, s.period_seconds]))], model.steps(w)),
	}
}

# first_wake is the first wake that reaches target: a database named by a
# wake and by a set wake (model.target_sets) gives one finding.
first_wake(reached, target) := min({i | some i, ts in reached; target in ts})

schedule_label(s) := "EventBridge rule" if s.kind == "eventbridge_rule"

schedule_label(s) := "EventBridge Scheduler schedule" if s.kind != "eventbridge_rule"
