package letsleep.lib.lists_test

import data.letsleep.checks
import data.letsleep.lib.fixtures as fx

# The checks iterate the model's nested lists directly, not through
# model.as_array (the call costs more than the test, per element): a null
# list, as Go marshals a nil slice, must read as [] does in every check.
lists_as(x) := fx.input_of({
	"functions": [
		object.union(fx.fn("aws_lambda_function.e", "egress", [], []), {"egress": x, "data_paths": x}),
		object.union(fx.fn("aws_lambda_function.u", "", [], []), {"egress": x, "data_paths": x}),
	],
	"roles": [
		object.union(fx.role("aws_lambda_function.e_role", [fx.grant("s3:GetObject", "*", true)]), {"statements": x, "policies": x}),
		object.union(fx.role("aws_lambda_function.u_role", x), {"statements": x, "policies": x}),
	],
	"databases": [object.union(fx.serverless_cluster, {"instances": x, "security_groups": x, "unknown": x, "zero_etl": x})],
	"security_groups": [fx.sg("module.data.aws_security_group.db", x)],
	"subnets": [{"address": "aws_subnet.a", "routes": x}],
	"nat_gateways": [{"address": "aws_nat_gateway.n", "subnet": "aws_subnet.a"}],
})

test_null_lists_read_as_empty if {
	every name in [
		"broad_secrets_access", "data_api_grant", "db_never_sleeps", "db_public",
		"egress_broad_s3", "egress_reaches_db", "hot_path_reaches_db", "nat_gateway",
		"open_ingress", "open_ingress_web", "unanalysed",
	] {
		with_null := checks[name].deny with input as lists_as(null)
		with_empty := checks[name].deny with input as lists_as([])
		with_null == with_empty
	}
}
