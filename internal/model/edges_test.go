package model

import (
	"strings"
	"testing"
)

func TestEdgesReach(t *testing.T) {
	m := buildFixture(t, "edges", Config{})
	legacy := "aws_db_instance.legacy"
	cases := []struct {
		fn     string
		egress []string
		data   []string
	}{
		// Subnets and group come through module outputs; the subnets use the
		// VPC's default route table, whose inline route goes to the NAT.
		{"aws_lambda_function.hot", []string{"nat→internet", "nat→internet"}, []string{"secret→" + legacy}},
		// A default route to a transit gateway leaves the VPC: the
		// centralised egress design, a path in its own right.
		{"aws_lambda_function.tgw", []string{"route→internet"}, []string{"network→" + legacy, "secret→" + legacy}},
		// jsonencode with an unknown ARN: the document cannot be read, so
		// what it references (the DB secret) is assumed granted, unresolved.
		{"aws_lambda_function.sneaky", []string{"outside-vpc→internet"}, []string{"secret→" + legacy + " (unresolved)"}},
	}
	for _, c := range cases {
		f := fn(t, m, c.fn)
		if got := pathKinds(f.Egress); !equal(got, c.egress) {
			t.Errorf("%s egress = %v, want %v", c.fn, got, c.egress)
		}
		if got := pathKinds(f.DataPaths); !equal(got, c.data) {
			t.Errorf("%s data = %v, want %v", c.fn, got, c.data)
		}
	}
	hot := fn(t, m, "aws_lambda_function.hot")
	nat := findPath(t, hot.Egress, PathNAT)
	if !hasStep(nat, "route_table", "module.net.aws_default_route_table.this", "") || !hasStep(nat, "nat_gateway", "module.net.aws_nat_gateway.this", "") {
		t.Errorf("hot NAT path: %+v", nat.Steps)
	}
	// for_each + each.value: the role is ambiguous, so every IAM path of the
	// jobs is unresolved and a warning says why.
	for _, job := range []string{`module.jobs["admin"].aws_lambda_function.this`, `module.jobs["plain"].aws_lambda_function.this`} {
		f := fn(t, m, job)
		if len(f.DataPaths) == 0 {
			t.Errorf("%s: the admin role may be its role; expected conservative data paths", job)
		}
		for _, p := range f.DataPaths {
			if !p.Unresolved {
				t.Errorf("%s: path %s→%s should be unresolved", job, p.Kind, p.Target)
			}
		}
		if !contains(f.Unresolved, "execution_role") {
			t.Errorf("%s: unresolved = %v", job, f.Unresolved)
		}
	}
}

func TestEdgesResources(t *testing.T) {
	m := buildFixture(t, "edges", Config{})
	if len(m.Databases) != 1 {
		t.Fatalf("databases: %+v", m.Databases)
	}
	d := m.Databases[0]
	if d.Kind != "instance" || !d.PubliclyAccessible || d.Engine != "postgres" || d.Port != 5432 || !equal(d.Secrets, []string{"aws_secretsmanager_secret.token"}) {
		t.Errorf("legacy db = %+v", d)
	}
	if len(m.Secrets) != 1 || !m.Secrets[0].PublicPolicy || m.Secrets[0].Database != "aws_db_instance.legacy" {
		t.Errorf("secrets = %+v", m.Secrets)
	}
	// The method without authorization, and the Lambda permission for
	// principal "*" (anyone may invoke: an entry point, not a blind spot).
	if len(m.EntryPoints) != 2 || m.EntryPoints[0].Kind != "apigw_method" || m.EntryPoints[0].Auth != "NONE" ||
		m.EntryPoints[0].Function != "aws_lambda_function.hot" || m.EntryPoints[0].Throttled {
		t.Errorf("entry points = %+v", m.EntryPoints)
	}
	if len(m.EntryPoints) == 2 {
		if ep := m.EntryPoints[1]; ep.Address != "aws_lambda_permission.anyone" || ep.Kind != "lambda_permission" || ep.Auth != "NONE" || ep.Function != "aws_lambda_function.tgw" {
			t.Errorf("public permission entry = %+v", ep)
		}
	}
	want := map[string]string{
		"aws_ec2_transit_gateway.tgw": "blind-spot",
		"aws_iam_role_policy.opaque":  "unknown-policy",
	}
	got := map[string]string{}
	for _, w := range m.Warnings {
		if _, ok := want[w.Address]; ok {
			got[w.Address] = w.Kind
		}
	}
	for addr, kind := range want {
		if got[addr] != kind {
			t.Errorf("warning for %s = %q, want %q (all: %+v)", addr, got[addr], kind, m.Warnings)
		}
	}
	for _, r := range m.Roles {
		if r.Address != "aws_iam_role.hot" {
			continue
		}
		if !contains(r.Unresolved, "aws_iam_role_policy.opaque") {
			t.Errorf("hot role should list the opaque policy as unresolved: %v", r.Unresolved)
		}
		sids := []string{}
		for _, s := range r.Statements {
			sids = append(sids, s.Sid)
		}
		// source_policy_documents merges the base document in.
		if !strings.Contains(strings.Join(sids, ","), "Logs") || !strings.Contains(strings.Join(sids, ","), "ReadToken") {
			t.Errorf("hot role statements = %v", sids)
		}
	}
}
