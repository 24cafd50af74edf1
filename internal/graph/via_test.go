package graph

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/plan"
	"github.com/letsleep/letsleep/internal/report"
)

// pathsModel is the model of testdata/paths, planned with the real provider:
// one function per credential place, per way out and on the default group.
func pathsModel(t *testing.T) *model.Model {
	t.Helper()
	p, err := plan.Load(context.Background(), filepath.Join("testdata", "paths", "plan.json"), plan.Options{})
	if err != nil {
		t.Fatalf("load plan: %v", err)
	}
	m, err := model.Build(p, model.Config{})
	if err != nil {
		t.Fatalf("build model: %v", err)
	}
	return m
}

// Every credential place, route target and default group a path passes
// through is a node between the function and what it reaches (issue #10).
func TestPathsDrawWhatTheyPassThrough(t *testing.T) {
	g := Build(pathsModel(t), nil)
	edges := map[string]bool{}
	for _, e := range g.Edges {
		edges[edgeKey(e)] = true
	}
	kinds := map[string]string{}
	for _, n := range g.Nodes {
		kinds[n.ID] = n.Kind
	}
	const db, managed = "aws_rds_cluster.db", "aws_rds_cluster.managed"
	cases := []struct {
		fn, label, via, kind, target, onward string
	}{
		{"secret", model.PathSecret, "aws_secretsmanager_secret.pw", KindSecret, db, "holds the password"},
		{"ssm", model.PathSecret, "aws_ssm_parameter.pw", KindSecret, db, "holds the password"},
		{"envpw", model.PathCredential, "aws_lambda_function.envpw environment", KindSecret, db, "holds the password"},
		{"managed", model.PathSecret, "aws_rds_cluster.managed.master_user_secret", KindSecret, managed, "holds the password"},
		{"shares_default", model.PathNetwork, "aws_vpc.main" + model.DefaultSGSuffix, KindSecurityGroup, db, "admits"},
		{"tgw", model.PathRoute, "aws_ec2_transit_gateway.tgw", KindGateway, InternetID, "forwards out"},
		{"gwlb", model.PathRoute, "aws_vpc_endpoint.gwlb", KindGateway, InternetID, "forwards out"},
		{"eigw", model.PathRoute, "aws_egress_only_internet_gateway.eigw", KindGateway, InternetID, "forwards out"},
		{"natinst", model.PathNAT, "aws_instance.nat", KindGateway, InternetID, "forwards out"},
		{"peer", model.PathRoute, "aws_vpc_peering_connection.peer", KindGateway, InternetID, "forwards out"},
	}
	for _, c := range cases {
		fn := "aws_lambda_function." + c.fn
		in := fn + " -> " + c.via + " [" + c.label + "]"
		out := c.via + " -> " + c.target + " [" + c.onward + "]"
		if !edges[in] || !edges[out] {
			t.Errorf("%s: want %q and %q; edges from it: %v", c.fn, in, out, from(g, fn))
		}
		if kinds[c.via] != c.kind {
			t.Errorf("%s: node %s kind %q, want %q", c.fn, c.via, kinds[c.via], c.kind)
		}
		if edges[fn+" -> "+c.target+" ["+c.label+"]"] {
			t.Errorf("%s: drawn straight to %s as well as through %s", c.fn, c.target, c.via)
		}
	}
}

func from(g *Graph, fn string) []string {
	var out []string
	for _, e := range g.Edges {
		if e.From == fn {
			out = append(out, edgeKey(e))
		}
	}
	return out
}

// A finding on a function and its database marks the way through the secret
// red, without a second straight edge; focusing on the function still shows
// the database behind the secret.
func TestFindingMarksThePathThroughASecret(t *testing.T) {
	fn, secret, db := "aws_lambda_function.secret", "aws_secretsmanager_secret.pw", "aws_rds_cluster.db"
	f := report.Finding{Category: "egress-reaches-db", Resource: fn, Path: []model.Step{
		{Kind: "function", Address: fn}, {Kind: "internet"}, {Kind: "secret", Address: secret}, {Kind: "database", Address: db},
	}}
	g := Build(pathsModel(t), []report.Finding{f})
	red := map[string]bool{}
	for _, e := range g.Edges {
		red[edgeKey(e)] = e.Violating
		if e.From == fn && e.To == db {
			t.Errorf("straight edge drawn besides the path through the secret: %s", edgeKey(e))
		}
	}
	for _, k := range []string{fn + " -> " + secret + " [secret]", secret + " -> " + db + " [holds the password]"} {
		if !red[k] {
			t.Errorf("%s not red (edges %v)", k, red)
		}
	}
	part, err := g.Focus([]string{fn}, nil)
	if err != nil {
		t.Fatal(err)
	}
	kept := map[string]bool{}
	for _, n := range part.Nodes {
		kept[n.ID] = true
	}
	if !kept[secret] || !kept[db] || !kept[InternetID] {
		t.Errorf("focus on %s keeps %v, want the secret, the database and the internet", fn, kept)
	}
	if kept["aws_lambda_function.ssm"] {
		t.Errorf("focus on %s went past the database to other functions: %v", fn, kept)
	}
}

// A finding whose evidence runs through a gateway and the database's group
// adds no edge between the two: the path's own edges already join them.
func TestFindingPathSkipsWhatPathsPassThrough(t *testing.T) {
	fn, tgw, sg, db := "aws_lambda_function.tgw", "aws_ec2_transit_gateway.tgw", "aws_vpc.main"+model.DefaultSGSuffix, "aws_rds_cluster.db"
	f := report.Finding{Category: "egress-reaches-db", Resource: fn, Path: []model.Step{
		{Kind: "function", Address: fn}, {Kind: "route", Address: tgw}, {Kind: "internet"},
		{Kind: "security_group", Address: sg}, {Kind: "database", Address: db},
	}}
	g := Build(pathsModel(t), []report.Finding{f})
	for _, e := range g.Edges {
		if e.Label == f.Category {
			t.Errorf("finding chained what paths pass through: %s", edgeKey(e))
		}
	}
}
