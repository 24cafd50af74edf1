package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/util"

	"github.com/letsleep/letsleep/internal/model"
)

// syntheticModel builds a model with n functions, n/2 roles, n/10 security
// groups with open rules, n/20 tables and n/50 warnings; one function in ten
// breaks the invariant.
func syntheticModel(n int) *model.Model {
	m := referenceModel()
	for i := 0; i < n; i++ {
		addr := fmt.Sprintf("module.svc[%d].aws_lambda_function.this", i)
		f := model.Function{Address: addr, Role: []string{"hot", "viewer", "egress", "control", "warmup", ""}[i%6],
			ExecutionRole: fmt.Sprintf("module.svc[%d].aws_iam_role.this", i/2), Tags: map[string]string{"team": "x"}}
		if i%2 == 0 {
			f.Egress = []model.Path{outsideVPC(addr)}
		}
		if i%5 == 0 {
			f.DataPaths = []model.Path{networkPath(addr), dataAPIPath(addr)}
		}
		m.Functions = append(m.Functions, f)
		if i%2 == 0 {
			m.Roles = append(m.Roles, model.Role{Address: f.ExecutionRole, Grants: []model.Grant{
				{Action: "s3:GetObject", Resource: "*", Broad: i%4 == 0, Via: []model.Step{step("policy", "p", "inline")}},
				{Action: "rds-data:ExecuteStatement", Resource: clusterAddr, Broad: false},
			}})
		}
		if i%10 == 0 {
			m.SecurityGroups = append(m.SecurityGroups, model.SecurityGroup{Address: fmt.Sprintf("aws_security_group.sg%d", i), Ingress: []model.SGRule{
				{Address: fmt.Sprintf("aws_security_group_rule.ssh%d", i), Protocol: "tcp", FromPort: 22, ToPort: 22, CIDRs: []string{"0.0.0.0/0"}},
				{Address: fmt.Sprintf("aws_security_group_rule.https%d", i), Protocol: "tcp", FromPort: 443, ToPort: 443, CIDRs: []string{"::/0"}},
			}})
			m.EntryPoints = append(m.EntryPoints, model.EntryPoint{Address: addr + "_url", Kind: "function_url", Auth: "NONE", Function: addr})
		}
		if i%20 == 0 {
			m.Tables = append(m.Tables, model.Table{Address: fmt.Sprintf("aws_dynamodb_table.t%d", i)})
		}
		if i%50 == 0 {
			m.Warnings = append(m.Warnings, model.Warning{Kind: "unresolved-reference", Address: addr, Message: "role unknown"})
		}
	}
	return m
}

func BenchmarkEvalSynthetic(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("functions=%d", n), func(b *testing.B) {
			e, err := New(context.Background(), Options{})
			if err != nil {
				b.Fatal(err)
			}
			m := syntheticModel(n)
			b.ResetTimer()
			var findings int
			for i := 0; i < b.N; i++ {
				fs, err := e.Eval(context.Background(), m, nil)
				if err != nil {
					b.Fatal(err)
				}
				findings = len(fs)
			}
			b.ReportMetric(float64(findings), "findings")
		})
	}
}

// BenchmarkInputConversion compares ways to turn the model into an OPA value.
// Measured in CPU time on a 10,000-function model (7 MB of JSON): the three
// JSON routes cost about 350 ms each, within noise of each other; the direct
// reflection walk (toTerm) 70-200 ms. Eval uses the direct walk.
func BenchmarkInputConversion(b *testing.B) {
	m := syntheticModel(10000)
	b.Run("direct", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := modelValue(m); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json+ValueFromReader", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := modelValueJSON(m); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("RoundTrip+InterfaceToValue", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			var x any = m
			if err := util.RoundTrip(&x); err != nil {
				b.Fatal(err)
			}
			if _, err := ast.InterfaceToValue(x); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json+Unmarshal+InterfaceToValue", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			raw, err := json.Marshal(m)
			if err != nil {
				b.Fatal(err)
			}
			var x any
			if err := util.UnmarshalJSON(raw, &x); err != nil {
				b.Fatal(err)
			}
			if _, err := ast.InterfaceToValue(x); err != nil {
				b.Fatal(err)
			}
		}
	})
}
