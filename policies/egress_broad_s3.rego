# METADATA
# title: Egress function can read broadly from S3
# description: >-
#   A function that can go out to the internet (outside the VPC, behind a NAT,
#   or declared egress; https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html)
#   and may s3:GetObject on "*" or a wildcard bucket pattern can copy any object
#   it can read (exports, backups, snapshots of the data) to the internet. The
#   database invariant has a storage twin: what goes out should only read what
#   it needs.
# scope: package
# custom:
#   id: LSL-013
#   category: egress-broad-s3
#   severity: medium
#   recommended_action: >-
#     Scope s3:GetObject to the bucket and prefix the egress function needs
#     (arn:aws:s3:::bucket/prefix/*), and drop managed policies such as
#     AmazonS3ReadOnlyAccess from its role.
package letsleep.checks.egress_broad_s3

import data.letsleep.lib.model

deny contains f if {
	some fn in model.functions
	fn.egress[0] # not empty: a ref costs less than model.non_empty, per function
	role := model.roles_by_address[fn.execution_role]
	grants := [g | some g in role.grants; lower(g.action) == "s3:getobject"; g.broad == true]
	count(grants) > 0
	out := model.first_path(fn.egress)
	f := {
		"resource": fn.address,
		"message": sprintf("function %s can go out (%s) and may read any S3 object matching %s", [fn.address, model.describe_path(out), model.list({g.resource | some g in grants})]),
		"path": array.concat(model.from_function(fn, model.steps(out)), model.as_array(grants[0].via)),
		"unresolved": model.path_unresolved(out),
	}
}
