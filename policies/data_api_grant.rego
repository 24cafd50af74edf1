# METADATA
# title: Data API access outside the control function
# description: >-
#   The RDS Data API reaches Aurora over HTTPS from outside the VPC, so a role
#   with rds-data actions (and the cluster secret) has a database path that no
#   security group or route table can stop
#   (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/data-api.html).
#   Its actions are rds-data:BatchExecuteStatement, BeginTransaction,
#   CommitTransaction, ExecuteSql, ExecuteStatement and RollbackTransaction
#   (https://docs.aws.amazon.com/service-authorization/latest/reference/list_rds-data.html),
#   and a Data API call also wakes a paused writer. Any rds-data grant (direct,
#   through wildcards such as rds-data:* or *, or through AWS-managed policies
#   such as AmazonRDSDataFullAccess or AdministratorAccess) is reported unless
#   every function that runs as the role is a declared control function. A role
#   that no function in the plan uses is reported too: it is a principal that
#   is not a declared control function, and anything allowed to assume it gets
#   the grant.
# scope: package
# custom:
#   id: LSL-011
#   category: data-api-grant
#   severity: high
#   recommended_action: >-
#     Remove rds-data from the role. If the Data API is really needed, grant
#     only the actions used, on the cluster ARN, to a role used only by
#     functions tagged letsleep:role = control.
package letsleep.checks.data_api_grant

import data.letsleep.lib.model

deny contains f if {
	some role in model.section("roles")
	grants := [g | some g in role.grants; startswith(lower(g.action), "rds-data:")]
	count(grants) > 0
	users := object.get(model.functions_by_execution_role, role.address, set())
	others := {a | some a in users; object.get(model.functions_by_address[a], "role", "") != "control"}
	not only_control(users, others)
	actions := {g.action | some g in grants}
	f := {
		"resource": role.address,
		"message": sprintf("%s is granted %s %s", [model.principal(role.address), model.list(actions), who(users, others)]),
		"path": model.as_array(grants[0].via),
	}
}

only_control(users, others) if {
	count(users) > 0
	count(others) == 0
}

who(users, _) := "but no function in the plan uses it (only a declared control function may hold rds-data)" if count(users) == 0

who(_, others) := sprintf("and is used by %s, not declared control", [model.list(others)]) if count(others) > 0
