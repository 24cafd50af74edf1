# METADATA
# title: Part of the plan could not be analysed
# description: >-
#   letsleep is a gate, and a gate must never pass silently. Anything the
#   boundary model could not analyse (a reference unknown at plan time, a
#   policy document whose value is unknown, an invalid IAM document, a
#   resource type that can change reachability but is not modelled, such as a
#   transit gateway route, VPC peering, a network firewall or a NAT instance)
#   is reported here, one finding per model warning. Plan JSON omits values
#   unknown until apply (https://developer.hashicorp.com/terraform/internals/json-format),
#   so such gaps are normal and must stay visible. It is low; under --strict
#   the runner fails the run on any finding of this category, whatever
#   --fail-on says.
# scope: package
# custom:
#   id: LSL-015
#   category: unanalysed
#   severity: low
#   recommended_action: >-
#     Read the message: make the value known at plan time (a constant or a
#     reference to a resource in the same plan), model the resource in the
#     plan, or review it by hand and waive the finding with a reason and an
#     expiry date.
package letsleep.checks.unanalysed

import data.letsleep.lib.model

deny contains f if {
	some w in model.section("warnings")
	f := {
		"resource": resource(w),
		"message": sprintf("%s: %s; %s", [w.kind, w.message, advice(w.kind)]),
		"path": [model.step("warning", resource(w), w.kind)],
		"unresolved": true,
	}
}

resource(w) := w.address if {
	is_string(w.address)
	w.address != ""
}

resource(w) := "plan" if object.get(w, "address", "") == ""

advice("unresolved-reference") := "make the referenced value known at plan time or reference a resource in the same plan; letsleep assumed the worst case"

advice("unknown-policy") := "the policy document is unknown at plan time; build it with aws_iam_policy_document from known values, or review the applied policy by hand"

advice("blind-spot") := "letsleep does not model this resource type; review the path it opens by hand and waive with a reason"

advice("format-version") := "the plan format is newer or older than letsleep knows; results are best effort, upgrade letsleep or terraform"

advice("invalid-policy") := "the IAM document could not be parsed; fix it (terraform apply would fail too) or review it by hand"

advice(kind) := "review it by hand, then fix the plan or waive with a reason" if {
	not kind in {"unresolved-reference", "unknown-policy", "blind-spot", "format-version", "invalid-policy"}
}
