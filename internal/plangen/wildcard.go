package plangen

import (
	"bytes"
	"encoding/json"
	"io"
)

// WildcardTemplateName is the module call of the wildcard-grant template.
const WildcardTemplateName = "wild"

// wildcardToken is the name token made unique per tenant.
const wildcardToken = "wildtenant"

// WildcardTemplate is a small stack whose function's role grants, on "*",
// secret reads, the Data API, rds-db:connect and lambda:InvokeFunction, and
// every IAM hop: sts:AssumeRole, sns:Publish, sqs:SendMessage,
// states:StartExecution and execute-api:Invoke. Each tenant has one Lambda
// outside any VPC (it can go out), an Aurora Serverless v2 cluster with the
// Data API on, a secret, and one way of each hop kind into its function (a
// topic with a Lambda subscription, a queue with an event source mapping, a
// state machine, an IAM-authorised HTTP API route) and an "ops" role any
// principal of the account may assume, granted its own cluster's Data API.
// Replicated N times, every tenant's function is granted every tenant's
// data and every tenant's hops, the shape that once made memory grow with
// the square of N (docs/performance.md).
func WildcardTemplate() (*Template, error) {
	name := wildcardToken
	policy, _ := json.Marshal(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Effect": "Allow",
			"Action": []string{"secretsmanager:GetSecretValue", "rds-data:ExecuteStatement", "rds-db:connect", "lambda:InvokeFunction",
				"sts:AssumeRole", "sns:Publish", "sqs:SendMessage", "states:StartExecution", "execute-api:Invoke"},
			"Resource": "*",
		}},
	})
	arn := func(service, kind, id string) string {
		return "arn:aws:" + service + ":eu-west-1:123456789012:" + kind + id
	}
	opsPolicy, _ := json.Marshal(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Effect": "Allow", "Action": "rds-data:ExecuteStatement", "Resource": arn("rds", "cluster:", name+"-db"),
		}},
	})
	fnARN := arn("lambda", "function:", name+"-fn")
	apiID := name + "-api"
	definition, _ := json.Marshal(map[string]any{"StartAt": "Run", "States": map[string]any{
		"Run": map[string]any{"Type": "Task", "Resource": fnARN, "End": true}}})
	resources := []struct {
		typ, name string
		values    map[string]any
	}{
		{"aws_iam_role", "fn", map[string]any{"name": name + "-fn", "arn": "arn:aws:iam::123456789012:role/" + name + "-fn",
			"assume_role_policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`}},
		{"aws_iam_role_policy", "wild", map[string]any{"name": name + "-wild", "role": name + "-fn", "policy": string(policy)}},
		{"aws_lambda_function", "fn", map[string]any{"function_name": name + "-fn", "arn": fnARN,
			"invoke_arn": "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/" + fnARN + "/invocations",
			"role":       "arn:aws:iam::123456789012:role/" + name + "-fn", "runtime": "python3.12", "handler": "index.handler"}},
		{"aws_rds_cluster", "db", map[string]any{"cluster_identifier": name + "-db", "arn": arn("rds", "cluster:", name+"-db"),
			"cluster_resource_id": "cluster-" + name, "engine": "aurora-postgresql", "engine_mode": "provisioned", "enable_http_endpoint": true,
			"serverlessv2_scaling_configuration": []any{map[string]any{"min_capacity": 0, "max_capacity": 2, "seconds_until_auto_pause": 300}}}},
		{"aws_secretsmanager_secret", "api_key", map[string]any{"name": name + "-api-key", "arn": arn("secretsmanager", "secret:", name+"-api-key-AbCdEf")}},
		{"aws_iam_role", "ops", map[string]any{"name": name + "-ops", "arn": "arn:aws:iam::123456789012:role/" + name + "-ops",
			"assume_role_policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`}},
		{"aws_iam_role_policy", "ops", map[string]any{"name": name + "-ops", "role": name + "-ops", "policy": string(opsPolicy)}},
		{"aws_sns_topic", "jobs", map[string]any{"name": name + "-jobs", "arn": arn("sns", "", name+"-jobs")}},
		{"aws_sns_topic_subscription", "jobs", map[string]any{"protocol": "lambda", "topic_arn": arn("sns", "", name+"-jobs"), "endpoint": fnARN}},
		{"aws_sqs_queue", "work", map[string]any{"name": name + "-work", "arn": arn("sqs", "", name+"-work"),
			"url": "https://sqs.eu-west-1.amazonaws.com/123456789012/" + name + "-work"}},
		{"aws_lambda_event_source_mapping", "work", map[string]any{"event_source_arn": arn("sqs", "", name+"-work"), "function_name": fnARN, "enabled": true}},
		{"aws_sfn_state_machine", "flow", map[string]any{"name": name + "-flow", "arn": arn("states", "stateMachine:", name+"-flow"), "definition": string(definition)}},
		{"aws_apigatewayv2_api", "ops", map[string]any{"name": name + "-ops", "id": apiID, "protocol_type": "HTTP",
			"execution_arn": arn("execute-api", "", apiID)}},
		{"aws_apigatewayv2_integration", "ops", map[string]any{"api_id": apiID, "id": name + "-int", "integration_type": "AWS_PROXY",
			"integration_uri": "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/" + fnARN + "/invocations", "payload_format_version": "2.0"}},
		{"aws_apigatewayv2_route", "ops", map[string]any{"api_id": apiID, "id": name + "-route", "route_key": "POST /ops",
			"authorization_type": "AWS_IAM", "target": "integrations/" + name + "-int"}},
	}
	var changes, planned, config []any
	for _, r := range resources {
		addr := r.typ + "." + r.name
		common := map[string]any{"address": addr, "mode": "managed", "type": r.typ, "name": r.name, "provider_name": "registry.terraform.io/hashicorp/aws"}
		ch := clone(common)
		ch["change"] = map[string]any{"actions": []string{"create"}, "before": nil, "after": r.values, "after_unknown": map[string]any{}}
		changes = append(changes, ch)
		pv := clone(common)
		pv["schema_version"] = 0
		pv["values"] = r.values
		planned = append(planned, pv)
		config = append(config, map[string]any{"address": addr, "mode": "managed", "type": r.typ, "name": r.name, "provider_config_key": "aws", "expressions": map[string]any{}})
	}
	doc := map[string]any{
		"format_version":    "1.2",
		"terraform_version": "1.9.8",
		"variables":         map[string]any{"name": map[string]any{"value": name}},
		"planned_values":    map[string]any{"root_module": map[string]any{"resources": planned}},
		"resource_changes":  changes,
		"configuration": map[string]any{"root_module": map[string]any{
			"resources": config,
			"variables": map[string]any{"name": map[string]any{}},
		}},
	}
	data, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	return LoadTemplate(WildcardTemplateName, bytes.NewReader(data))
}

func clone(m map[string]any) map[string]any {
	out := make(map[string]any, len(m)+2)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// WildcardResources is how many resources one wildcard tenant has.
const WildcardResources = 15

// WriteWildcardTenants writes a plan of n tenants, each a replica of
// WildcardTemplate with its own names.
func WriteWildcardTenants(w io.Writer, tenants int, seed uint64) (Stats, error) {
	t, err := WildcardTemplate()
	if err != nil {
		return Stats{}, err
	}
	return Generate(w, []*Template{t}, Options{Replicas: tenants, Seed: seed, Tokens: map[string]string{WildcardTemplateName: wildcardToken}})
}
