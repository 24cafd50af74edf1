package model_test

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/letsleep/letsleep/internal/model"
)

// ssmTenantsPlan is n tenants, each with a cluster, an SSM parameter
// holding its master password and a function whose role reads
// parameter/tenant-i/*: every grant is a prefix over n parameters.
func ssmTenantsPlan(n int) *testPlan {
	const account = "123456789012"
	var tp testPlan
	for i := range n {
		t := fmt.Sprintf("tenant-%d", i)
		pw := fmt.Sprintf("S3cret-%d-long-enough", i)
		tp.add("aws_rds_cluster", "db", i, map[string]any{"cluster_identifier": t, "arn": "arn:aws:rds:eu-west-1:" + account + ":cluster:" + t,
			"engine": "aurora-postgresql", "engine_mode": "provisioned", "master_password": pw})
		tp.add("aws_ssm_parameter", "pw", i, map[string]any{"name": "/" + t + "/db/password", "type": "SecureString", "value": pw,
			"arn": "arn:aws:ssm:eu-west-1:" + account + ":parameter/" + t + "/db/password"})
		role := t + "-fn"
		tp.add("aws_iam_role", "fn", i, map[string]any{"name": role, "arn": "arn:aws:iam::" + account + ":role/" + role,
			"assume_role_policy": iamDoc(map[string]any{"Principal": map[string]any{"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"})})
		tp.add("aws_iam_role_policy", "fn", i, map[string]any{"name": role, "role": role,
			"policy": iamDoc(map[string]any{"Action": "ssm:GetParameter", "Resource": "arn:aws:ssm:eu-west-1:" + account + ":parameter/" + t + "/*"})})
		tp.add("aws_lambda_function", "fn", i, map[string]any{"function_name": role, "role": "arn:aws:iam::" + account + ":role/" + role,
			"arn": "arn:aws:lambda:eu-west-1:" + account + ":function:" + role, "runtime": "python3.12", "handler": "index.handler"})
	}
	return &tp
}

// TestSSMPrefixGrantReachesItsOwnParameter: a grant on parameter/tenant-1/*
// reaches tenant 1's parameter, and not tenant 10's or tenant 0's.
func TestSSMPrefixGrantReachesItsOwnParameter(t *testing.T) {
	m := ssmTenantsPlan(12).build(t)
	var got []string
	for _, r := range m.Roles {
		if r.Address != "aws_iam_role.fn[1]" {
			continue
		}
		for _, g := range r.Grants {
			if g.Action == "ssm:GetParameter" {
				got = append(got, g.Target)
			}
		}
	}
	if len(got) != 1 || got[0] != "aws_ssm_parameter.pw[1]" {
		t.Errorf("grants of tenant 1 reach %v, want [aws_ssm_parameter.pw[1]]", got)
	}
}

// BenchmarkSSMPrefixGrants builds the model of n tenants whose roles read
// parameter/tenant-i/*; B/op and allocs/op show whether each grant scans
// every parameter (docs/performance.md).
func BenchmarkSSMPrefixGrants(b *testing.B) {
	for _, n := range []int{250, 1000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			p := ssmTenantsPlan(n).load(b)
			runtime.GC()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := model.Build(p, model.Config{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
