package engine

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/letsleep/letsleep/internal/model"
)

const clusterAddr = "module.data.aws_rds_cluster.this"

func ptr[T any](v T) *T { return &v }

func step(kind, addr, detail string) model.Step {
	return model.Step{Kind: kind, Address: addr, Detail: detail}
}

func outsideVPC(fn string) model.Path {
	return model.Path{Kind: model.PathOutsideVPC, Target: "internet", Steps: []model.Step{step("function", fn, "no vpc_config")}}
}

func networkPath(fn string) model.Path {
	return model.Path{Kind: model.PathNetwork, Target: clusterAddr, Steps: []model.Step{
		step("function", fn, "in the VPC"),
		step("security_group", "module.control.aws_security_group.fn", "egress 5432"),
		step("database", clusterAddr, "port 5432"),
	}}
}

func dataAPIPath(fn string) model.Path {
	return model.Path{Kind: model.PathDataAPI, Target: clusterAddr, Steps: []model.Step{
		step("function", fn, "outside the VPC"),
		step("action", "rds-data:ExecuteStatement", "granted on *"),
		step("database", clusterAddr, "enable_http_endpoint = true"),
	}}
}

// referenceModel is the sleep-first reference stack in model form: clean at
// medium and above.
func referenceModel() *model.Model {
	return &model.Model{
		Schema: model.SchemaVersion,
		Plan:   model.PlanInfo{Source: "reference.json", TerraformVersion: "1.9.8", FormatVersion: "1.2"},
		Functions: []model.Function{
			{Address: "module.control.aws_lambda_function.this", Role: model.RoleControl, InVPC: true, ExecutionRole: "module.control.aws_iam_role.this", DataPaths: []model.Path{networkPath("module.control.aws_lambda_function.this")}},
			{Address: "module.egress.aws_lambda_function.this", Role: model.RoleEgress, ExecutionRole: "module.egress.aws_iam_role.this", Egress: []model.Path{outsideVPC("module.egress.aws_lambda_function.this")}},
			{Address: "module.hot.aws_lambda_function.this", Role: model.RoleHot, ExecutionRole: "module.hot.aws_iam_role.this", Egress: []model.Path{outsideVPC("module.hot.aws_lambda_function.this")}},
			{Address: "module.warmup.aws_lambda_function.this", Role: model.RoleWarmup, InVPC: true, Reserved: ptr(1), DataPaths: []model.Path{networkPath("module.warmup.aws_lambda_function.this")}},
		},
		Roles: []model.Role{
			{Address: "module.egress.aws_iam_role.this", Grants: []model.Grant{{Action: "secretsmanager:GetSecretValue", Resource: "aws_secretsmanager_secret.egress", Target: "aws_secretsmanager_secret.egress"}}},
		},
		Databases: []model.Database{{
			Address: clusterAddr, Kind: "cluster", Engine: "aurora-postgresql", EngineVersion: "16.4", EngineMode: "provisioned",
			Serverless: true, MinCapacity: ptr(0.0), MaxCapacity: ptr(4.0), SecondsUntilAutoPause: ptr(300), IAMAuth: true, Port: 5432,
			Instances:      []model.DBInstance{{Address: "module.data.aws_rds_cluster_instance.this[0]", InstanceClass: "db.serverless"}},
			SecurityGroups: []string{"module.data.aws_security_group.db"},
		}},
		SecurityGroups: []model.SecurityGroup{{
			Address: "module.data.aws_security_group.db",
			Ingress: []model.SGRule{{Address: "module.data.aws_vpc_security_group_ingress_rule.db", Form: "aws_vpc_security_group_ingress_rule", Protocol: "tcp", FromPort: 5432, ToPort: 5432, PeerGroups: []string{"module.control.aws_security_group.fn"}}},
		}},
		EntryPoints: []model.EntryPoint{
			{Address: "module.hot.aws_lambda_function_url.this", Kind: "function_url", Auth: "AWS_IAM", Function: "module.hot.aws_lambda_function.this"},
			{Address: "module.warmup.aws_apigatewayv2_route.warm", Kind: "apigw_v2_route", Auth: "JWT", Function: "module.warmup.aws_lambda_function.this", Throttled: true},
		},
		Tables: []model.Table{{Address: "module.hot.aws_dynamodb_table.cache", TTL: true}},
	}
}

// writeDir writes files (name → content) into a fresh temp dir.
func writeDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
