# METADATA
# title: Security group open to the internet
# description: >-
#   A security group rule that admits 0.0.0.0/0 or ::/0 exposes every port it
#   covers to the whole internet. Openness is decided on address sets, so
#   0.0.0.0/1 plus 128.0.0.0/1, ::/1 or 0::/0, alone or spread over rules of
#   the same group that admit the port, count too. Security groups have allow
#   rules only, so an open ingress rule cannot be narrowed elsewhere
#   (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html).
#   This check covers every port except a rule that admits only TCP 80 or 443,
#   and all-protocol (-1) rules, which open every port. Web-only rules are
#   reported separately at low severity by LSL-009.
# scope: package
# custom:
#   id: LSL-008
#   category: open-ingress
#   severity: high
#   recommended_action: >-
#     Admit only the security groups or prefix lists that need the port (for
#     example the CloudFront origin-facing managed prefix list, or a bastion's
#     security group); use SSM Session Manager instead of open SSH/RDP.
package letsleep.checks.open_ingress

import data.letsleep.lib.model
import data.letsleep.lib.network

deny contains f if {
	some [sg, rule] in network.open_ingress
	not network.web_only(rule)
	f := {
		"resource": rule.address,
		"message": sprintf("security group %s admits %s on %s", [sg.address, model.list(network.open_sources(rule)), network.ports(rule)]),
		"path": [network.sg_step(sg), network.rule_step(sg, rule)],
	}
}
