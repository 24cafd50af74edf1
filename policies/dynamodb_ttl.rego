# METADATA
# title: DynamoDB table without TTL
# description: >-
#   In a sleep-first stack the hot path serves from DynamoDB so that Aurora can
#   sleep, which makes DynamoDB a cache of data Aurora owns. A table without a
#   TTL attribute grows forever and keeps stale copies of data; a table whose
#   items can be recomputed from the source of truth is fine and may say so
#   with the tag letsleep:recomputable = true.
#   (TTL: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TTL.html)
# scope: package
# custom:
#   id: LSL-012
#   category: dynamodb-no-ttl
#   severity: low
#   recommended_action: >-
#     Add ttl { attribute_name = "expires_at", enabled = true } to the table
#     and set the attribute on write, or tag the table letsleep:recomputable =
#     "true" if its content can be rebuilt.
#   profiles: [sleep-first]
package letsleep.checks.dynamodb_ttl

import data.letsleep.lib.model

deny contains f if {
	some t in model.section("tables")
	not t.ttl
	not t.recomputable
	f := {
		"resource": t.address,
		"message": sprintf("DynamoDB table %s has no TTL and is not tagged letsleep:recomputable", [t.address]),
		"path": [model.step("table", t.address, "ttl disabled, not recomputable")],
	}
}
