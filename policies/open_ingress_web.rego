# METADATA
# title: Security group open to the internet on web ports only
# description: >-
#   A rule that admits 0.0.0.0/0 or ::/0 only on TCP 80 and/or 443. This is a
#   deliberate choice: web ports are expected on public load balancers and on
#   CloudFront origins, so they are reported at low severity (below the
#   default --fail-on medium) instead of being ignored, and stay visible in
#   every report. Security groups have allow rules only
#   (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html). Any
#   other port, or all protocols, is LSL-008 at high severity.
# scope: package
# custom:
#   id: LSL-009
#   category: open-ingress
#   severity: low
#   recommended_action: >-
#     If the group fronts CloudFront, admit only the CloudFront origin-facing
#     managed prefix list; otherwise make sure only a load balancer or a
#     deliberately public endpoint carries this group.
package letsleep.checks.open_ingress_web

import data.letsleep.lib.model
import data.letsleep.lib.network

deny contains f if {
	some [sg, rule] in network.open_ingress
	network.web_only(rule)
	f := {
		"resource": rule.address,
		"message": sprintf("security group %s admits %s on %s (web port)", [sg.address, model.list(network.open_sources(rule)), network.ports(rule)]),
		"path": [network.sg_step(sg), network.rule_step(sg, rule)],
	}
}
