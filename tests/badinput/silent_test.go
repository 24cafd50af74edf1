package badinput

import (
	"encoding/json"
	"strings"
	"testing"
)

// reportJSON is the part of the JSON report these tests read.
type reportJSON struct {
	Findings []struct {
		Rule, Category, Severity, Resource, Message string
		Unresolved                                  bool
	} `json:"findings"`
	Warnings []struct {
		Kind, Source, Address, Message string
	} `json:"warnings"`
	Summary struct {
		Failed bool `json:"failed"`
	} `json:"summary"`
}

func decodeReport(t *testing.T, res result) reportJSON {
	t.Helper()
	var rep reportJSON
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil {
		t.Fatalf("stdout is not the JSON report (exit %d): %v\nstdout:\n%s\nstderr:\n%s", res.code, err, tail(res.stdout), tail(res.stderr))
	}
	return rep
}

// hasFinding reports whether a finding of category names resource.
func (r reportJSON) hasFinding(category, resource string) bool {
	for _, f := range r.Findings {
		if f.Category == category && f.Resource == resource {
			return true
		}
	}
	return false
}

func (r reportJSON) describe() string {
	var sb strings.Builder
	for _, f := range r.Findings {
		sb.WriteString("  " + f.Severity + " " + f.Category + " " + f.Resource + ": " + f.Message + "\n")
	}
	if sb.Len() == 0 {
		return "  (no findings)\n"
	}
	return sb.String()
}

// TestNeverPassSilently: what the model cannot analyse becomes an
// `unanalysed` finding on the resource: low, so exit 0 at the default
// threshold, and exit 1 under --strict.
func TestNeverPassSilently(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		res      []tfRes
		resource string // where the unanalysed finding must sit
	}{
		{"transit gateway route", []tfRes{{
			Addr:   "aws_ec2_transit_gateway_route.to_egress",
			Values: map[string]any{"destination_cidr_block": "0.0.0.0/0", "transit_gateway_attachment_id": "tgw-attach-0123456789abcdef0", "transit_gateway_route_table_id": "tgw-rtb-0123456789abcdef0", "blackhole": false},
		}}, "aws_ec2_transit_gateway_route.to_egress"},
		{"VPC peering connection", []tfRes{{
			Addr:    "aws_vpc_peering_connection.shared",
			Values:  map[string]any{"peer_vpc_id": "vpc-0aaaaaaaaaaaaaaaa", "vpc_id": "vpc-0bbbbbbbbbbbbbbbb", "auto_accept": true, "tags": map[string]any{}},
			Unknown: map[string]any{"id": true, "accept_status": true},
		}}, "aws_vpc_peering_connection.shared"},
		{"network firewall", []tfRes{{
			Addr:    "aws_networkfirewall_firewall.edge",
			Values:  map[string]any{"name": "edge", "vpc_id": "vpc-0bbbbbbbbbbbbbbbb", "firewall_policy_arn": "arn:aws:network-firewall:eu-west-1:123456789012:firewall-policy/edge", "subnet_mapping": []any{map[string]any{"subnet_id": "subnet-0123"}}},
			Unknown: map[string]any{"id": true, "arn": true},
		}}, "aws_networkfirewall_firewall.edge"},
		{"NAT instance", []tfRes{{
			Addr:    "aws_instance.nat",
			Values:  map[string]any{"ami": "ami-0123456789abcdef0", "instance_type": "t4g.nano", "source_dest_check": false, "subnet_id": "subnet-0123", "tags": map[string]any{"Name": "nat"}},
			Unknown: map[string]any{"id": true, "primary_network_interface_id": true},
		}}, "aws_instance.nat"},
		{"unresolvable reference", []tfRes{
			lambdaRole("aws_iam_role.fn"),
			{
				Addr: "aws_lambda_function.fn",
				Values: map[string]any{"function_name": "fn", "handler": "bootstrap", "runtime": "provided.al2023", "filename": "fn.zip", "tags": map[string]any{},
					"vpc_config": []any{map[string]any{"subnet_ids": []any{"subnet-0123"}}}},
				Unknown: map[string]any{"arn": true, "role": true, "vpc_config": []any{map[string]any{"security_group_ids": true, "vpc_id": true}}},
				Exprs: map[string]any{
					"function_name": map[string]any{"constant_value": "fn"},
					"role":          ref("aws_iam_role.fn.arn", "aws_iam_role.fn"),
					"vpc_config": []any{map[string]any{
						"subnet_ids":         map[string]any{"constant_value": []any{"subnet-0123"}},
						"security_group_ids": ref("data.terraform_remote_state.net.outputs.db_client_sg", "data.terraform_remote_state.net.outputs", "data.terraform_remote_state.net"),
					}},
				},
			},
		}, "aws_lambda_function.fn"},
		{"function role tag letsleep does not know", []tfRes{
			lambdaRole("aws_iam_role.fn"),
			func() tfRes {
				fn := lambdaFn("aws_lambda_function.fn", "aws_iam_role.fn")
				fn.Values["tags"] = map[string]any{"letsleep:role": "superuser"}
				return fn
			}(),
		}, "aws_lambda_function.fn"},
		{"policy document unknown at plan time", []tfRes{
			lambdaRole("aws_iam_role.fn"),
			{
				Addr:    "aws_iam_role_policy.dynamic",
				Values:  map[string]any{"name": "dynamic"},
				Unknown: map[string]any{"id": true, "policy": true, "role": true},
				Exprs: map[string]any{
					"name":   map[string]any{"constant_value": "dynamic"},
					"role":   ref("aws_iam_role.fn.id", "aws_iam_role.fn"),
					"policy": ref("data.external.policy.result.json", "data.external.policy.result", "data.external.policy"),
				},
			},
			lambdaFn("aws_lambda_function.fn", "aws_iam_role.fn"),
		}, "aws_iam_role_policy.dynamic"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := writeFile(t, "plan.json", mustJSON(t, planDoc(tc.res...)))

			res := run(t, runOpts{}, "check", "--format", "json", path)
			rep := decodeReport(t, res)
			if !rep.hasFinding("unanalysed", tc.resource) {
				t.Errorf("no `unanalysed` finding on %s: letsleep passed it silently; findings:\n%s", tc.resource, rep.describe())
			}
			if res.code != 0 {
				t.Errorf("default run exit %d, want 0 (unanalysed is low, under --fail-on medium); findings:\n%s", res.code, rep.describe())
			}

			strict := run(t, runOpts{}, "check", "--strict", "--format", "json", path)
			if strict.code != 1 {
				t.Errorf("--strict exit %d, want 1: anything unanalysed must fail a strict run; findings:\n%s", strict.code, decodeReport(t, strict).describe())
			}
		})
	}
}

// attachedPolicy is a function whose role carries the customer-managed
// policy doc through an attachment.
func attachedPolicy(doc string) []tfRes {
	return []tfRes{
		lambdaRole("aws_iam_role.fn"),
		{
			Addr:    "aws_iam_policy.app",
			Values:  map[string]any{"name": "app", "path": "/", "policy": doc, "tags": map[string]any{}},
			Unknown: map[string]any{"arn": true, "id": true, "policy_id": true},
		},
		{
			Addr:    "aws_iam_role_policy_attachment.app",
			Values:  map[string]any{"role": "fn"},
			Unknown: map[string]any{"id": true, "policy_arn": true},
			Exprs: map[string]any{
				"role":       ref("aws_iam_role.fn.name", "aws_iam_role.fn"),
				"policy_arn": ref("aws_iam_policy.app.arn", "aws_iam_policy.app"),
			},
		},
		lambdaFn("aws_lambda_function.fn", "aws_iam_role.fn"),
	}
}

// TestIAMDocumentsInsideAPlan: a broken policy document never crashes the
// run and never vanishes: it is analysed, or reported as unanalysed on the
// policy resource.
func TestIAMDocumentsInsideAPlan(t *testing.T) {
	t.Parallel()
	const policy = "aws_iam_policy.app"
	cases := []struct {
		name        string
		doc         string
		unanalysed  bool // an unanalysed finding must name the policy
		broadSecret bool // the document is valid: its grant must be analysed
	}{
		{"invalid JSON", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:*",`, true, false},
		{"Statement as an object", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*"}}`, false, true},
		{"unknown top-level key", `{"Version":"2012-10-17","Statment":"typo","Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`, true, false},
		{"unknown statement key", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*","Condtion":{}}]}`, true, false},
		{"Action and NotAction together", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","NotAction":"iam:*","Resource":"*"}]}`, true, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := writeFile(t, "plan.json", mustJSON(t, planDoc(attachedPolicy(tc.doc)...)))
			res := run(t, runOpts{}, "check", "--format", "json", path)
			if res.code == 2 {
				t.Fatalf("a broken policy document inside a plan made the run fail with exit 2; want a finding\nstderr:\n%s", tail(res.stderr))
			}
			rep := decodeReport(t, res)
			if tc.unanalysed && !rep.hasFinding("unanalysed", policy) {
				t.Errorf("no `unanalysed` finding on %s; findings:\n%s", policy, rep.describe())
			}
			if tc.broadSecret {
				found := false
				for _, f := range rep.Findings {
					found = found || f.Category == "broad-secrets-access"
				}
				if !found {
					t.Errorf("the statement (a single object, which IAM allows) was not analysed: no broad-secrets-access finding; findings:\n%s", rep.describe())
				}
				if rep.hasFinding("unanalysed", policy) {
					t.Errorf("the document is valid IAM, yet reported unanalysed; findings:\n%s", rep.describe())
				}
			}
			// A broken document may still have its readable statements
			// analysed; the exit code must follow what was found.
			wantExit := 0
			for _, f := range rep.Findings {
				if f.Category == "broad-secrets-access" {
					wantExit = 1 // high, above --fail-on medium
				}
			}
			if res.code != wantExit {
				t.Errorf("exit %d, want %d; findings:\n%s", res.code, wantExit, rep.describe())
			}
		})
	}
}

// TestDeferredChangesAreNotSilent: a plan that terraform marks incomplete
// ("complete": false) defers some resources to a later plan (Terraform 1.10+
// deferred actions). Deferred resources are not in planned_values, so a
// NAT gateway there must surface as a finding, never as silence.
func TestDeferredChangesAreNotSilent(t *testing.T) {
	t.Parallel()
	doc := planDoc(tfRes{Addr: "aws_s3_bucket.assets", Values: map[string]any{"bucket": "assets"}})
	doc["complete"] = false
	doc["deferred_changes"] = []any{map[string]any{
		"reason": "resource_config_unknown",
		"resource_change": map[string]any{
			"address": `aws_nat_gateway.this["a"]`, "mode": "managed", "type": "aws_nat_gateway", "name": "this", "index": "a",
			"provider_name": "registry.terraform.io/hashicorp/aws",
			"change":        map[string]any{"actions": []any{"create"}, "before": nil, "after": map[string]any{"subnet_id": "subnet-0123"}, "after_unknown": map[string]any{"id": true}},
		},
	}}
	path := writeFile(t, "plan.json", mustJSON(t, doc))
	res := run(t, runOpts{}, "check", "--format", "json", path)
	rep := decodeReport(t, res)
	found := false
	for _, f := range rep.Findings {
		if strings.Contains(f.Resource, "aws_nat_gateway") || (f.Category == "unanalysed" && strings.Contains(f.Message, "defer")) {
			found = true
		}
	}
	if !found {
		t.Errorf("a deferred NAT gateway in an incomplete plan left no finding: letsleep passed it silently; findings:\n%s", rep.describe())
	}
	if strict := run(t, runOpts{}, "check", "--strict", "--format", "json", path); strict.code != 1 {
		t.Errorf("--strict on an incomplete plan: exit %d, want 1", strict.code)
	}
}
