package badinput

import (
	"fmt"
	"testing"
	"time"
)

// cyclicModulesPlan is a hand-edited plan whose configuration has two
// sibling modules feeding each other: every output of one reads every input
// variable, and every input reads every output of the other. Terraform
// rejects such a cycle, but a hostile or hand-edited plan JSON can carry it;
// a resolver that walks every path without memory takes fanout^16 steps.
func cyclicModulesPlan(fanout int) map[string]any {
	mod := func(other string) map[string]any {
		outputs, vars, inputs := map[string]any{}, map[string]any{}, map[string]any{}
		var varRefs, otherRefs []any
		for i := 1; i <= fanout; i++ {
			varRefs = append(varRefs, fmt.Sprintf("var.in%d", i))
			otherRefs = append(otherRefs, fmt.Sprintf("module.%s.out%d", other, i))
		}
		for i := 1; i <= fanout; i++ {
			outputs[fmt.Sprintf("out%d", i)] = map[string]any{"expression": map[string]any{"references": varRefs}}
			vars[fmt.Sprintf("in%d", i)] = map[string]any{}
			inputs[fmt.Sprintf("in%d", i)] = map[string]any{"references": otherRefs}
		}
		return map[string]any{
			"source":      "./" + other,
			"expressions": inputs,
			"module": map[string]any{
				"outputs":   outputs,
				"variables": vars,
				"resources": []any{map[string]any{"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b", "provider_config_key": "aws", "expressions": map[string]any{}}},
			},
		}
	}
	fn := tfRes{
		Addr: "aws_lambda_function.fn",
		Values: map[string]any{"function_name": "fn", "handler": "bootstrap", "runtime": "provided.al2023", "filename": "fn.zip", "tags": map[string]any{},
			"vpc_config": []any{map[string]any{"subnet_ids": []any{"subnet-0123"}}}},
		Unknown: map[string]any{"arn": true, "vpc_config": []any{map[string]any{"security_group_ids": true, "vpc_id": true}}},
		Exprs: map[string]any{
			"function_name": map[string]any{"constant_value": "fn"},
			"vpc_config": []any{map[string]any{
				"subnet_ids":         map[string]any{"constant_value": []any{"subnet-0123"}},
				"security_group_ids": ref("module.a.out1", "module.a"),
			}},
		},
	}
	doc := planDoc(fn)
	// One bucket in each module so both module instances exist in the plan.
	var children []any
	for _, m := range []string{"a", "b"} {
		children = append(children, map[string]any{
			"address": "module." + m,
			"resources": []any{map[string]any{
				"address": "module." + m + ".aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
				"provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0, "values": map[string]any{"bucket": m}, "sensitive_values": map[string]any{},
			}},
		})
	}
	root := doc["planned_values"].(map[string]any)["root_module"].(map[string]any)
	root["child_modules"] = children
	cfg := doc["configuration"].(map[string]any)["root_module"].(map[string]any)
	cfg["module_calls"] = map[string]any{"a": mod("b"), "b": mod("a")}
	return doc
}

// TestCyclicModuleReferencesDoNotHang: the reference resolver must finish
// on a cyclic, fanned-out configuration, and report what it could not
// resolve instead of passing silently.
func TestCyclicModuleReferencesDoNotHang(t *testing.T) {
	t.Parallel()
	for _, fanout := range []int{1, 2, 3, 4} {
		t.Run(fmt.Sprintf("fan-out %d", fanout), func(t *testing.T) {
			t.Parallel()
			path := writeFile(t, "plan.json", mustJSON(t, cyclicModulesPlan(fanout)))
			res := run(t, runOpts{timeout: 30 * time.Second}, "check", "--format", "json", path)
			t.Logf("exit %d in %s, peak RSS %d MiB", res.code, res.elapsed.Round(time.Millisecond), res.maxRSSKB>>10)
			if res.code == 2 {
				assertInputErr(t, res, path, inputErr{})
				return
			}
			if res.elapsed > 30*time.Second {
				t.Errorf("a 2-module plan took %s", res.elapsed.Round(time.Millisecond))
			}
			rep := decodeReport(t, res)
			if !rep.hasFinding("unanalysed", "aws_lambda_function.fn") {
				t.Errorf("the function's security groups could not be resolved, but no unanalysed finding says so; findings:\n%s", rep.describe())
			}
		})
	}
}
