//go:build linux

package lab

import "github.com/letsleep/letsleep/internal/model"

// referenceLike is a hand-made model shaped like the reference stack: hot
// and egress outside the VPC, control and warm-up in private subnets with a
// security group path to the DB on 5432, no NAT.
func referenceLike() *model.Model {
	p := func(kind string) []model.Path { return []model.Path{{Kind: kind, Target: "aws_rds_cluster.db"}} }
	minACU := 0.0 // Serverless v2 at min 0 with a supported engine: nothing blocks the pause
	return &model.Model{
		Functions: []model.Function{
			{Address: "aws_lambda_function.hot", Role: model.RoleHot, ExecutionRole: "aws_iam_role.hot"},
			{Address: "aws_lambda_function.egress", Role: model.RoleEgress, ExecutionRole: "aws_iam_role.egress",
				Egress: []model.Path{{Kind: model.PathOutsideVPC, Target: "internet"}}},
			{Address: "aws_lambda_function.control", Role: model.RoleControl, InVPC: true, ExecutionRole: "aws_iam_role.control",
				Subnets: []string{"aws_subnet.a"}, SecurityGroups: []string{"aws_security_group.fn"}, DataPaths: p(model.PathNetwork)},
			{Address: "aws_lambda_function.warmup", Role: model.RoleWarmup, InVPC: true,
				Subnets: []string{"aws_subnet.a"}, SecurityGroups: []string{"aws_security_group.fn"}, DataPaths: p(model.PathNetwork)},
		},
		Roles: []model.Role{{Address: "aws_iam_role.egress", Grants: []model.Grant{{Action: "s3:GetObject", Resource: "*"}}}},
		Databases: []model.Database{{Address: "aws_rds_cluster.db", Kind: "cluster", Engine: "aurora-postgresql", EngineVersion: "16.4", Port: 5432,
			Serverless: true, MinCapacity: &minACU,
			SecurityGroups: []string{"aws_security_group.db"}, Secrets: []string{"aws_secretsmanager_secret.db"}}},
		SecurityGroups: []model.SecurityGroup{
			{Address: "aws_security_group.fn", VPC: "aws_vpc.main",
				Egress: []model.SGRule{{Address: "aws_vpc_security_group_egress_rule.fn_db", Protocol: "tcp", FromPort: 5432, ToPort: 5432, PeerGroups: []string{"aws_security_group.db"}}}},
			{Address: "aws_security_group.db", VPC: "aws_vpc.main",
				Ingress: []model.SGRule{{Address: "aws_vpc_security_group_ingress_rule.db_fn", Protocol: "tcp", FromPort: 5432, ToPort: 5432, PeerGroups: []string{"aws_security_group.fn"}}}},
		},
		Subnets: []model.Subnet{{Address: "aws_subnet.a", VPC: "aws_vpc.main", CIDR: "10.0.1.0/24",
			Routes: []model.Route{{Destination: "10.0.0.0/16", TargetKind: "local"}}}},
		EntryPoints: []model.EntryPoint{
			{Address: "aws_lambda_function_url.hot", Kind: "function_url", Auth: "NONE", Function: "aws_lambda_function.hot"},
			{Address: "aws_lambda_function_url.warmup", Kind: "function_url", Auth: "AWS_IAM", Function: "aws_lambda_function.warmup"},
		},
	}
}
