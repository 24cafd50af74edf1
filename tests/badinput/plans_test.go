package badinput

import (
	"encoding/json"
	"strings"
	"testing"
)

// tfRes is one managed resource of a hand-written plan, in the shapes
// `terraform show -json` writes (planned_values, resource_changes and
// configuration all carry it).
type tfRes struct {
	Addr    string         // root-module address, e.g. aws_iam_policy.p
	Values  map[string]any // planned values (known ones)
	Unknown map[string]any // after_unknown: attribute -> true
	Exprs   map[string]any // configuration expressions
}

// planDoc builds a format 1.2 plan holding res.
func planDoc(res ...tfRes) map[string]any {
	var planned, changes, config []any
	for _, r := range res {
		typ, name, _ := strings.Cut(r.Addr, ".")
		values := r.Values
		if values == nil {
			values = map[string]any{}
		}
		unknown := r.Unknown
		if unknown == nil {
			unknown = map[string]any{}
		}
		exprs := r.Exprs
		if exprs == nil {
			exprs = map[string]any{}
			for k, v := range values {
				exprs[k] = map[string]any{"constant_value": v}
			}
		}
		planned = append(planned, map[string]any{
			"address": r.Addr, "mode": "managed", "type": typ, "name": name,
			"provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
			"values": values, "sensitive_values": map[string]any{},
		})
		changes = append(changes, map[string]any{
			"address": r.Addr, "mode": "managed", "type": typ, "name": name,
			"provider_name": "registry.terraform.io/hashicorp/aws",
			"change": map[string]any{
				"actions": []any{"create"}, "before": nil, "after": values,
				"after_unknown": unknown, "before_sensitive": false, "after_sensitive": map[string]any{},
			},
		})
		config = append(config, map[string]any{
			"address": r.Addr, "mode": "managed", "type": typ, "name": name,
			"provider_config_key": "aws", "expressions": exprs, "schema_version": 0,
		})
	}
	if planned == nil {
		planned, changes, config = []any{}, []any{}, []any{}
	}
	return map[string]any{
		"format_version":    "1.2",
		"terraform_version": "1.9.5",
		"planned_values":    map[string]any{"root_module": map[string]any{"resources": planned}},
		"resource_changes":  changes,
		"configuration": map[string]any{
			"provider_config": map[string]any{"aws": map[string]any{"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws"}},
			"root_module":     map[string]any{"resources": config},
		},
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ref is a configuration expression that references addresses.
func ref(refs ...string) map[string]any {
	out := make([]any, len(refs))
	for i, r := range refs {
		out[i] = r
	}
	return map[string]any{"references": out}
}

// lambdaRole is an execution role Lambda can assume.
func lambdaRole(addr string) tfRes {
	_, name, _ := strings.Cut(addr, ".")
	return tfRes{
		Addr: addr,
		Values: map[string]any{
			"name":               name,
			"assume_role_policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
			"tags":               map[string]any{},
		},
		Unknown: map[string]any{"arn": true, "id": true, "unique_id": true},
	}
}

// lambdaFn is a non-VPC function running as role.
func lambdaFn(addr, role string) tfRes {
	_, name, _ := strings.Cut(addr, ".")
	return tfRes{
		Addr: addr,
		Values: map[string]any{
			"function_name": name, "handler": "bootstrap", "runtime": "provided.al2023",
			"filename": "fn.zip", "tags": map[string]any{}, "vpc_config": []any{},
			"reserved_concurrent_executions": -1,
		},
		Unknown: map[string]any{"arn": true, "id": true, "role": true, "invoke_arn": true},
		Exprs: map[string]any{
			"function_name": map[string]any{"constant_value": name},
			"role":          ref(role+".arn", role),
		},
	}
}
