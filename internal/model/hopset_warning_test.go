package model_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/letsleep/letsleep/internal/engine"
	"github.com/letsleep/letsleep/internal/model"
)

// TestHopSetInsideHopSetIsWarnedAndReported: a function may assume any of
// 9 "first-*" roles (a set: more than model.ListedTargets), and each of
// them may assume any of 9 "second-*" roles, which hold the Data API on
// the cluster. letsleep follows one set of roles per chain, so the second
// set is not followed: the model must say so on the role whose grant it
// did not follow (what is not followed), LSL-015 must report it with what
// the user can do, and the run must not pass it silently. The caller is a
// declared control function (it may reach the data), so the gap stays at
// LSL-015's low; TestHopSetReachedByAGuardedFunctionFails is the other case.
func TestHopSetInsideHopSetIsWarnedAndReported(t *testing.T) {
	m := buildHopSetPlanWith(t, 9, map[string]any{"letsleep:role": "control"}, nil)

	const firstRole = "aws_iam_role.first[0]"
	var warned []model.Warning
	for _, w := range m.Warnings {
		if w.Kind == "hop-set" {
			warned = append(warned, w)
		}
	}
	if len(warned) == 0 {
		t.Fatalf("no hop-set warning; warnings: %+v", m.Warnings)
	}
	var w model.Warning
	for _, x := range warned {
		if x.Address == firstRole {
			w = x
		}
		if !strings.HasPrefix(x.Address, "aws_iam_role.first[") {
			t.Errorf("hop-set warning on %s, want a role of the first set (whose grant is not followed)", x.Address)
		}
	}
	if w.Address == "" {
		t.Fatalf("no hop-set warning on %s: %+v", firstRole, warned)
	}
	for _, part := range []string{
		firstRole + ", reached as one of a set of roles,",
		"may assume a second set of 9 roles (aws_iam_role.second[0], aws_iam_role.second[1], aws_iam_role.second[2], …)",
		"letsleep follows one set of roles per chain",
		"what the roles of the second set reach from here is not in the paths",
	} {
		if !strings.Contains(w.Message, part) {
			t.Errorf("warning %q lacks %q", w.Message, part)
		}
	}

	ctx := context.Background()
	e, err := engine.New(ctx, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fs, err := e.Eval(ctx, m, nil)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range fs {
		if f.Resource != firstRole || !strings.HasPrefix(f.Message, "hop-set: ") {
			continue
		}
		found = true
		if f.Rule != "LSL-015" || f.Severity != "low" {
			t.Errorf("hop-set reported as %s at %s, want LSL-015 at low (a gap, not a known path)", f.Rule, f.Severity)
		}
		if !strings.Contains(f.Message, w.Message) {
			t.Errorf("finding %q does not carry the warning %q", f.Message, w.Message)
		}
		if !strings.Contains(f.Message, "to fix: grant sts:AssumeRole on the ARNs of the roles this role needs") {
			t.Errorf("finding %q does not say what to do", f.Message)
		}
		if len(f.Assumptions) != 1 || !strings.Contains(f.Assumptions[0].Assumed, "not in the paths") {
			t.Errorf("finding assumptions %+v do not say what was assumed", f.Assumptions)
		}
	}
	if !found {
		t.Fatalf("no LSL-015 finding for the hop-set warning on %s", firstRole)
	}
	if w.Guarded != "" {
		t.Errorf("hop-set warning names %q as guarded, but the caller is a control function", w.Guarded)
	}
}

// TestHopSetReachedByAGuardedFunctionFails: the same gap, when the caller
// is an egress function, an undeclared one with a way out (outside a VPC),
// or a control function that an egress function can invoke,
// may hide a data path of a function that must never reach the data: the
// warning names that function and LSL-015 reports it at medium, so the
// default run fails (exit 1), never critical or high: no path is known.
func TestHopSetReachedByAGuardedFunctionFails(t *testing.T) {
	ctx := context.Background()
	e, err := engine.New(ctx, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	invoker := func(tp *testPlan) {
		const account = "123456789012"
		tp.add("aws_iam_role", "out", nil, map[string]any{"name": "out", "arn": "arn:aws:iam::" + account + ":role/out",
			"assume_role_policy": iamDoc(map[string]any{"Principal": map[string]any{"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"})})
		tp.add("aws_iam_role_policy", "out", nil, map[string]any{"name": "out", "role": "out",
			"policy": iamDoc(map[string]any{"Action": "lambda:InvokeFunction", "Resource": "arn:aws:lambda:eu-west-1:" + account + ":function:caller"})})
		tp.add("aws_lambda_function", "out", nil, map[string]any{"function_name": "out", "role": "arn:aws:iam::" + account + ":role/out",
			"arn": "arn:aws:lambda:eu-west-1:" + account + ":function:out", "runtime": "python3.12", "handler": "index.handler",
			"tags": map[string]any{"letsleep:role": "egress"}})
	}
	for _, tc := range []struct {
		name, guarded string
		m             *model.Model
	}{
		{"egress caller", "aws_lambda_function.caller", buildHopSetPlanWith(t, 9, map[string]any{"letsleep:role": "egress"}, nil)},
		{"undeclared caller outside a VPC", "aws_lambda_function.caller", buildHopSetPlan(t, 9)},
		{"egress function invokes the control caller", "aws_lambda_function.out", buildHopSetPlanWith(t, 9, map[string]any{"letsleep:role": "control"}, invoker)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var guarded []string
			for _, w := range tc.m.Warnings {
				if w.Kind == "hop-set" {
					guarded = append(guarded, w.Guarded)
				}
			}
			if len(guarded) == 0 || !slices.Contains(guarded, tc.guarded) {
				t.Fatalf("hop-set warnings name %v as reaching the role, want %s", guarded, tc.guarded)
			}
			fs, err := e.Eval(ctx, tc.m, nil)
			if err != nil {
				t.Fatal(err)
			}
			medium, low := 0, 0
			for _, f := range fs {
				if !strings.HasPrefix(f.Message, "hop-set: ") {
					continue
				}
				switch f.Severity {
				case "medium":
					medium++
					if f.Rule != "LSL-015" || !strings.Contains(f.Message, tc.guarded+" reaches this role") {
						t.Errorf("medium hop-set finding %s %q does not name %s", f.Rule, f.Message, tc.guarded)
					}
				case "low":
					low++
				default:
					t.Errorf("hop-set at %s: a gap is never reported as a known path", f.Severity)
				}
			}
			if medium == 0 || low != 0 {
				t.Errorf("%d medium and %d low hop-set findings, want every one medium (the low ones folded in)", medium, low)
			}
		})
	}
}

// buildHopSetPlan builds a plan: aws_lambda_function.caller may assume
// role/first-*, n roles first[i] that any principal of the account may
// assume and that may assume role/second-*, and n roles second[i],
// likewise open, granted the Data API of aws_rds_cluster.db.
func buildHopSetPlan(t *testing.T, n int) *model.Model {
	t.Helper()
	return buildHopSetPlanWith(t, n, nil, nil)
}

// buildHopSetPlanWith is buildHopSetPlan with tags on the caller function
// and more resources added by more.
func buildHopSetPlanWith(t *testing.T, n int, callerTags map[string]any, more func(*testPlan)) *model.Model {
	t.Helper()
	const account = "123456789012"
	roleARN := func(name string) string { return "arn:aws:iam::" + account + ":role/" + name }
	policy := func(action, resource string) string {
		return iamDoc(map[string]any{"Action": action, "Resource": resource})
	}
	trust := func(principal map[string]any) string {
		return iamDoc(map[string]any{"Principal": principal, "Action": "sts:AssumeRole"})
	}
	openTrust := trust(map[string]any{"AWS": "arn:aws:iam::" + account + ":root"})
	dbARN := "arn:aws:rds:eu-west-1:" + account + ":cluster:db"

	var tp testPlan
	tp.add("aws_iam_role", "caller", nil, map[string]any{"name": "caller", "arn": roleARN("caller"),
		"assume_role_policy": trust(map[string]any{"Service": "lambda.amazonaws.com"})})
	tp.add("aws_iam_role_policy", "caller", nil, map[string]any{"name": "caller", "role": "caller", "policy": policy("sts:AssumeRole", roleARN("first-*"))})
	tp.add("aws_lambda_function", "caller", nil, map[string]any{"function_name": "caller", "role": roleARN("caller"),
		"arn": "arn:aws:lambda:eu-west-1:" + account + ":function:caller", "runtime": "python3.12", "handler": "index.handler", "tags": callerTags})
	tp.add("aws_rds_cluster", "db", nil, map[string]any{"cluster_identifier": "db", "arn": dbARN, "engine": "aurora-postgresql",
		"engine_mode": "provisioned", "enable_http_endpoint": true})
	for i := range n {
		first, second := fmt.Sprintf("first-%d", i), fmt.Sprintf("second-%d", i)
		tp.add("aws_iam_role", "first", i, map[string]any{"name": first, "arn": roleARN(first), "assume_role_policy": openTrust})
		tp.add("aws_iam_role_policy", "first", i, map[string]any{"name": first, "role": first, "policy": policy("sts:AssumeRole", roleARN("second-*"))})
		tp.add("aws_iam_role", "second", i, map[string]any{"name": second, "arn": roleARN(second), "assume_role_policy": openTrust})
		tp.add("aws_iam_role_policy", "second", i, map[string]any{"name": second, "role": second, "policy": policy("rds-data:ExecuteStatement", dbARN)})
	}
	if more != nil {
		more(&tp)
	}
	return tp.build(t)
}
