package awsbackend

import (
	"encoding/json"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/letsleep/letsleep/internal/model"
)

const stateJSON = `{
  "format_version": "1.0", "terraform_version": "1.11.4",
  "values": {
    "outputs": {"hot_url": {"value": "https://abc.lambda-url.eu-west-1.on.aws/", "sensitive": false}, "db_instance_identifiers": {"value": ["x"]}},
    "root_module": {"child_modules": [{"address": "module.stack", "resources": [], "child_modules": [
      {"address": "module.stack.module.control", "resources": [
        {"address": "module.stack.module.control.aws_lambda_function.this", "mode": "managed", "type": "aws_lambda_function", "name": "this",
         "values": {"function_name": "lsl-abc-control", "role": "arn:aws:iam::111122223333:role/control",
                    "vpc_config": [{"subnet_ids": ["subnet-b", "subnet-a"], "security_group_ids": ["sg-1"], "vpc_id": "vpc-1"}]}}]},
      {"address": "module.stack.module.hot", "resources": [
        {"address": "module.stack.module.hot.aws_lambda_function.this", "mode": "managed", "type": "aws_lambda_function", "name": "this",
         "values": {"function_name": "lsl-abc-hot", "role": "arn:aws:iam::111122223333:role/hot", "vpc_config": []}}]},
      {"address": "module.stack.module.aurora", "resources": [
        {"address": "module.stack.module.aurora.aws_rds_cluster.this", "mode": "managed", "type": "aws_rds_cluster", "name": "this",
         "values": {"arn": "arn:aws:rds:eu-west-1:111122223333:cluster:lsl-abc", "cluster_identifier": "lsl-abc", "endpoint": "lsl-abc.cluster-x.eu-west-1.rds.amazonaws.com",
                    "port": 5432, "master_user_secret": [{"secret_arn": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!cluster-1"}]}},
        {"address": "module.stack.module.aurora.aws_rds_cluster_instance.this[1]", "mode": "managed", "type": "aws_rds_cluster_instance", "name": "this",
         "values": {"identifier": "lsl-abc-2", "writer": false}},
        {"address": "module.stack.module.aurora.aws_rds_cluster_instance.this[0]", "mode": "managed", "type": "aws_rds_cluster_instance", "name": "this",
         "values": {"identifier": "lsl-abc-1", "writer": true}},
        {"address": "module.stack.module.aurora.data.aws_iam_policy_document.x", "mode": "data", "type": "aws_lambda_function", "name": "x", "values": {"function_name": "not-managed"}}]}
    ]}]}
  }
}`

func parseState(t *testing.T, s string) *tfjson.State {
	t.Helper()
	var st tfjson.State
	if err := json.Unmarshal([]byte(s), &st); err != nil {
		t.Fatal(err)
	}
	return &st
}

func TestStackFromState(t *testing.T) {
	s, err := StackFromState(parseState(t, stateJSON))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Functions) != 2 {
		t.Fatalf("functions %+v (data sources must be ignored)", s.Functions)
	}
	c, ok := s.Function("module.stack.module.control.aws_lambda_function.this")
	if !ok || c.Name != "lsl-abc-control" || c.RoleARN != "arn:aws:iam::111122223333:role/control" ||
		strings.Join(c.SubnetIDs, ",") != "subnet-a,subnet-b" || strings.Join(c.SecurityGroupIDs, ",") != "sg-1" {
		t.Fatalf("control %+v", c)
	}
	h, _ := s.Function("module.stack.module.hot.aws_lambda_function.this")
	if len(h.SubnetIDs) != 0 || len(h.SecurityGroupIDs) != 0 {
		t.Fatalf("hot is outside a VPC: %+v", h)
	}
	if s.ClusterARN != "arn:aws:rds:eu-west-1:111122223333:cluster:lsl-abc" || s.ClusterID != "lsl-abc" || s.DBPort != 5432 ||
		s.DBHost != "lsl-abc.cluster-x.eu-west-1.rds.amazonaws.com" || s.SecretARN != "arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!cluster-1" {
		t.Fatalf("cluster %+v", s)
	}
	if strings.Join(s.Instances, ",") != "lsl-abc-1,lsl-abc-2" || s.Writer != "lsl-abc-1" {
		t.Fatalf("instances %v writer %q", s.Instances, s.Writer)
	}
	if s.Outputs["hot_url"] != "https://abc.lambda-url.eu-west-1.on.aws/" {
		t.Fatalf("outputs %v", s.Outputs)
	}
}

func TestStackFromStateErrors(t *testing.T) {
	if _, err := StackFromState(&tfjson.State{}); err == nil || !strings.Contains(err.Error(), "was the stack applied") {
		t.Fatalf("empty state: %v", err)
	}
	noDB := strings.Replace(stateJSON, `"type": "aws_rds_cluster",`, `"type": "aws_db_instance",`, 1)
	if _, err := StackFromState(parseState(t, noDB)); err == nil || !strings.Contains(err.Error(), "no aws_rds_cluster") {
		t.Fatalf("no cluster: %v", err)
	}
}

func TestTwinTargets(t *testing.T) {
	s, _ := StackFromState(parseState(t, stateJSON))
	m := &model.Model{Functions: []model.Function{
		{Address: "module.stack.module.control.aws_lambda_function.this", Role: model.RoleControl},
		{Address: "module.stack.module.hot.aws_lambda_function.this", Role: model.RoleHot},
	}}
	targets, err := TwinTargets(m, s)
	if err != nil {
		t.Fatal(err)
	}
	hot := targets["module.stack.module.hot.aws_lambda_function.this"]
	if hot.RoleARN != "arn:aws:iam::111122223333:role/hot" || hot.SubnetIDs == nil || len(hot.SubnetIDs) != 0 {
		t.Fatalf("hot target %+v (empty lists, not null, for terraform)", hot)
	}
	body, _ := json.Marshal(hot)
	if !strings.Contains(string(body), `"subnet_ids":[]`) {
		t.Fatalf("tfvars JSON %s", body)
	}
	m.Functions = append(m.Functions, model.Function{Address: "aws_lambda_function.elsewhere"})
	if _, err := TwinTargets(m, s); err == nil || !strings.Contains(err.Error(), "aws_lambda_function.elsewhere") {
		t.Fatalf("missing function: %v", err)
	}
}
