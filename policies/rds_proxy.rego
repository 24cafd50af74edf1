# METADATA
# title: RDS Proxy keeps the database awake
# description: >-
#   An RDS Proxy holds a pool of connections open to its targets, and any open
#   connection, even an idle one, keeps an Aurora Serverless v2 instance from
#   pausing
#   (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2-auto-pause.html).
#   A proxy in front of a sleep-first cluster means it never sleeps.
# scope: package
# custom:
#   id: LSL-005
#   category: rds-proxy
#   severity: high
#   recommended_action: >-
#     Remove the RDS Proxy and let the control function connect directly with
#     IAM database authentication; keep its concurrency low instead of pooling.
#   profiles: [sleep-first]
package letsleep.checks.rds_proxy

import data.letsleep.lib.model

deny contains finding if {
	some p in model.section("proxies")
	targets := model.as_array(p.targets)
	finding := {
		"resource": p.address,
		"message": sprintf("RDS Proxy %s %s", [p.address, fronts(targets)]),
		"path": array.concat(
			[model.step("proxy", p.address, "RDS Proxy holds connections open")],
			[model.step("database", t, "proxy target; cannot auto-pause while the proxy holds connections") | some t in targets],
		),
	}
}

fronts(targets) := "holds connections open, which stops auto-pause" if count(targets) == 0

fronts(targets) := sprintf("holds connections open to %s, so it can never auto-pause", [model.list(targets)]) if {
	count(targets) > 0
}
