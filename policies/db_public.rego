# METADATA
# title: Database reachable from the internet
# description: >-
#   A publicly accessible instance gets a public address, and a database
#   security group that admits 0.0.0.0/0 or ::/0 lets the whole internet try
#   to connect (reported on the security group, listing its open rules). For
#   Aurora Serverless v2 this is also a sleep problem: any connection
#   attempt, even with invalid credentials, wakes a paused instance
#   (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2-auto-pause.html),
#   so internet scanners alone keep it awake. Security group rules are allow
#   rules only (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html).
# scope: package
# custom:
#   id: LSL-007
#   category: db-public
#   severity: critical
#   recommended_action: >-
#     Set publicly_accessible = false on every instance, place the database in
#     private subnets, and admit only the control function's security group
#     (by referenced_security_group_id / source_security_group_id) on the
#     database port.
package letsleep.checks.db_public

import data.letsleep.lib.model
import data.letsleep.lib.network

# Aurora sets publicly_accessible per instance (the cluster has no such
# setting: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html);
# the model marks a cluster public when an instance is, and the finding
# belongs on that instance, below.
deny contains f if {
	some db in model.section("databases")
	db.publicly_accessible == true
	not public_through_instance(db)
	f := {
		"resource": db.address,
		"message": sprintf("database %s is publicly_accessible", [db.address]),
		"path": [model.step("database", db.address, "publicly_accessible = true")],
	}
}

deny contains f if {
	some db in model.section("databases")
	some inst in db.instances
	inst.address != db.address # a standalone instance may list itself
	inst.publicly_accessible == true
	f := {
		"resource": inst.address,
		"message": sprintf("instance %s of %s is publicly_accessible", [inst.address, db.address]),
		"path": [model.step("database", db.address, "cluster"), model.step("database", inst.address, "publicly_accessible = true")],
	}
}

public_through_instance(db) if {
	some inst in db.instances
	inst.address != db.address
	inst.publicly_accessible == true
}

# db_sgs[sg] is the set of databases that sit behind security group sg.
db_sgs := model.group([[sg, db.address, true] |
	some db in model.section("databases")
	some sg in db.security_groups
])

# db_ports[sg] is the set of database ports behind security group sg.
db_ports := model.group([[sg, sprintf("%v", [port]), port] |
	some db in model.section("databases")
	some sg in db.security_groups
	port := object.get(db, "port", 0)
])

# One finding per database security group, listing its open rules. Only the
# groups with an open rule are looked at (most databases have none).
deny contains f if {
	some sg_addr, o in network.open_ingress_by_sg
	dbs := db_sgs[sg_addr]
	sg := o.sg
	open := [rule |
		some rule in o.rules
		some port_key in db_ports[sg_addr]
		network.covers_port(rule, to_number(port_key))
	]
	count(open) > 0
	f := {
		"resource": sg.address,
		"message": sprintf("security group %s of database %s admits the internet: %s", [sg.address, model.list(dbs), concat("; ", {describe(rule) | some rule in open})]),
		"path": array.concat(
			[model.step("database", db, "behind this security group") | some db in sort(dbs)],
			array.concat([network.sg_step(sg)], [network.rule_step(sg, rule) | some rule in open]),
		),
	}
}

describe(rule) := sprintf("%s on %s (%s)", [model.list(network.open_sources(rule)), network.ports(rule), rule.address])
