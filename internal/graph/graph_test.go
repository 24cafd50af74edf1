package graph

import (
	"context"
	"encoding/xml"
	"fmt"
	"strings"
	"testing"

	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/report"
)

func f64(f float64) *float64 { return &f }

// testModel is a small stack: a clean hot/control/egress split plus two
// wrong wirings (a function with both egress and a data path, a hot
// function reaching the DB) and an open URL in front of the control
// function.
func testModel() *model.Model {
	db := "aws_rds_cluster.vault"
	return &model.Model{
		Databases: []model.Database{{Address: db, Serverless: true, MinCapacity: f64(0), HTTPEndpoint: true}},
		Tables:    []model.Table{{Address: "aws_dynamodb_table.cache", TTL: true}, {Address: "aws_dynamodb_table.other", Name: "other"}},
		Roles: []model.Role{{
			Address: "aws_iam_role.hot",
			Statements: []model.Statement{
				{Effect: "Allow", Actions: []string{"dynamodb:Query"}, Resources: []string{"arn:aws:dynamodb:eu-west-1:123:table/other/index/gsi1"}},
				{Effect: "Deny", Actions: []string{"s3:*"}, Resources: []string{"*"}},
				{Effect: "Allow", Actions: []string{"logs:PutLogEvents"}, Resources: []string{"*"}},
			},
			Grants: []model.Grant{
				{Action: "dynamodb:GetItem", Resource: "arn:aws:dynamodb:*:*:table/cache", Target: "aws_dynamodb_table.cache"},
				{Action: "s3:GetObject", Resource: "arn:aws:s3:::site/*"},
			},
		}},
		Functions: []model.Function{
			{Address: "aws_lambda_function.hot", Role: "hot", ExecutionRole: "aws_iam_role.hot"},
			{Address: "aws_lambda_function.control", Role: "control", InVPC: true,
				DataPaths: []model.Path{{Kind: model.PathNetwork, Target: db}}},
			{Address: "aws_lambda_function.egress", Role: "egress",
				Egress: []model.Path{{Kind: model.PathOutsideVPC, Target: "internet"}}},
			{Address: "aws_lambda_function.both",
				Egress:    []model.Path{{Kind: model.PathNAT, Target: "internet"}},
				DataPaths: []model.Path{{Kind: model.PathDataAPI, Target: db}}},
			{Address: "aws_lambda_function.hot_vpc", Role: "hot", InVPC: true,
				DataPaths: []model.Path{{Kind: model.PathNetwork, Target: db}}},
		},
		EntryPoints: []model.EntryPoint{
			{Address: "aws_lambda_function_url.control", Kind: "function_url", Auth: "NONE", Function: "aws_lambda_function.control"},
			{Address: "aws_apigatewayv2_route.hot", Kind: "apigw_v2_route", Auth: "JWT", Function: "aws_lambda_function.hot"},
		},
	}
}

func edgeKey(e Edge) string { return e.From + " -> " + e.To + " [" + e.Label + "]" }

func TestBuildEdgesAndRed(t *testing.T) {
	g := Build(testModel(), nil)
	got := map[string]bool{}
	for _, e := range g.Edges {
		got[edgeKey(e)] = e.Violating
	}
	want := map[string]bool{
		"aws_lambda_function.hot -> aws_dynamodb_table.cache [iam dynamodb]":       false,
		"aws_lambda_function.hot -> s3 site [iam s3]":                              false,
		"aws_lambda_function.hot -> aws_dynamodb_table.other [iam dynamodb]":       false,
		"aws_lambda_function.control -> aws_rds_cluster.vault [network]":           false,
		"aws_lambda_function.egress -> internet [outside-vpc]":                     false,
		"aws_lambda_function.both -> internet [nat]":                               true,
		"aws_lambda_function.both -> aws_rds_cluster.vault [data-api]":             true,
		"aws_lambda_function.hot_vpc -> aws_rds_cluster.vault [network]":           true,
		"aws_lambda_function_url.control -> aws_lambda_function.control [invokes]": true,
		"aws_apigatewayv2_route.hot -> aws_lambda_function.hot [invokes]":          false,
	}
	if len(got) != len(want) {
		t.Errorf("edges = %v", got)
	}
	for k, red := range want {
		v, ok := got[k]
		if !ok {
			t.Errorf("missing edge %s", k)
		} else if v != red {
			t.Errorf("edge %s violating = %v, want %v", k, v, red)
		}
	}
	groups := map[string]string{}
	for _, n := range g.Nodes {
		groups[n.ID] = n.Group
	}
	for id, group := range map[string]string{
		"aws_lambda_function.hot": "hot", "aws_lambda_function.control": "control", "aws_lambda_function.egress": "egress",
		"aws_lambda_function.both": GroupUnassigned, "aws_rds_cluster.vault": GroupData, InternetID: GroupOutside,
		"aws_lambda_function_url.control": GroupEntry,
	} {
		if groups[id] != group {
			t.Errorf("node %s group = %q, want %q", id, groups[id], group)
		}
	}
}

func TestFindingsMarkRed(t *testing.T) {
	m := testModel()
	// A user policy flags the control function: its edges turn red.
	g := Build(m, []report.Finding{{Category: "egress-reaches-db", Resource: "aws_lambda_function.control"}})
	for _, e := range g.Edges {
		if e.From == "aws_lambda_function.control" && !e.Violating {
			t.Errorf("flagged function edge not red: %s", edgeKey(e))
		}
	}
	// Without a model, the evidence paths draw the violation: entry point,
	// way out and database.
	g = Build(nil, []report.Finding{
		{Category: "egress-reaches-db", Resource: "aws_lambda_function.x", Path: []model.Step{
			{Kind: "function", Address: "aws_lambda_function.x"}, {Kind: "internet", Detail: "no vpc_config"},
			{Kind: "function", Address: "aws_lambda_function.x"}, {Kind: "role", Address: "aws_iam_role.x"}, {Kind: "database", Address: "aws_rds_cluster.db"},
		}},
		{Category: "public-db-waker", Resource: "aws_lambda_function_url.x", Path: []model.Step{
			{Kind: "entry_point", Address: "aws_lambda_function_url.x"}, {Kind: "function", Address: "aws_lambda_function.x"}, {Kind: "database", Address: "aws_rds_cluster.db"},
		}},
		{Category: "nat-gateway", Resource: "aws_nat_gateway.n", Path: []model.Step{{Kind: "nat_gateway", Address: "aws_nat_gateway.n"}}},
	})
	var edges []string
	for _, e := range g.Edges {
		if !e.Violating {
			t.Errorf("edge from findings not red: %s", edgeKey(e))
		}
		edges = append(edges, edgeKey(e))
	}
	want := "aws_lambda_function.x -> aws_rds_cluster.db [data path]|aws_lambda_function.x -> internet [egress]|aws_lambda_function_url.x -> aws_lambda_function.x [invokes]"
	if strings.Join(edges, "|") != want {
		t.Errorf("edges from findings:\n got %s\nwant %s", strings.Join(edges, "|"), want)
	}
	// The NAT gateway finding draws its resource, flagged, with the other
	// resources in findings (issue #11: every finding's resource is drawn).
	if len(g.Nodes) != 5 {
		t.Errorf("nodes = %+v", g.Nodes)
	}
	for _, n := range g.Nodes {
		if n.ID == "aws_nat_gateway.n" && (!n.Flagged || n.Group != GroupResources || n.Kind != KindResource) {
			t.Errorf("NAT gateway node = %+v", n)
		}
	}
}

// TestEveryFindingResourceIsDrawn: the public database, the open security
// group and the proxy that findings name are in the picture, flagged, in
// DOT, Mermaid and SVG alike (issue #11).
func TestEveryFindingResourceIsDrawn(t *testing.T) {
	findings := []report.Finding{
		{Category: "public-database", Resource: "module.db.aws_rds_cluster.public"},
		{Category: "open-security-group", Resource: "aws_security_group.open", Path: []model.Step{
			{Kind: "function", Address: "aws_lambda_function.control"}, {Kind: "security_group", Address: "aws_security_group.open"},
		}},
		{Category: "rds-proxy", Resource: "aws_db_proxy.p", Path: []model.Step{
			{Kind: "resource", Address: "aws_db_proxy.p"}, {Kind: "database", Address: "aws_rds_cluster.vault"},
		}},
	}
	g := Build(testModel(), findings)
	want := map[string][2]string{
		"module.db.aws_rds_cluster.public": {KindDatabase, GroupData},
		"aws_security_group.open":          {KindResource, GroupResources},
		"aws_db_proxy.p":                   {KindResource, GroupResources},
	}
	for _, n := range g.Nodes {
		if w, ok := want[n.ID]; ok {
			if n.Kind != w[0] || n.Group != w[1] || !n.Flagged {
				t.Errorf("node %+v, want kind %s group %s flagged", n, w[0], w[1])
			}
			delete(want, n.ID)
		}
	}
	if len(want) > 0 {
		t.Errorf("not drawn: %v", want)
	}
	edges := map[string]bool{}
	for _, e := range g.Edges {
		edges[edgeKey(e)] = true
	}
	for _, k := range []string{"aws_lambda_function.control -> aws_security_group.open [open-security-group]", "aws_db_proxy.p -> aws_rds_cluster.vault [rds-proxy]"} {
		if !edges[k] {
			t.Errorf("no edge %s", k)
		}
	}
	svg, err := g.SVG(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{string(svg), g.DOT(), g.Mermaid()} {
		for _, id := range []string{"module.db", "aws_security_group.open", "aws_db_proxy.p"} {
			if !strings.Contains(out, id) {
				t.Errorf("%s missing from %.40q…", id, out)
			}
		}
	}
	if n := strings.Count(string(svg), `class="flagged"`); n != 3 {
		t.Errorf("flagged nodes in SVG = %d, want 3", n)
	}
}

func TestMermaid(t *testing.T) {
	g := Build(testModel(), nil)
	out := g.Mermaid()
	ids := g.ids()
	for _, want := range []string{
		"flowchart LR",
		"subgraph g_hot[\"hot\"]",
		"subgraph g_control[\"control\"]",
		"subgraph g_egress[\"egress\"]",
		ids["aws_rds_cluster.vault"] + "[(\"aws_rds_cluster.vault (min 0, Data API on)\")]",
		ids["internet"] + "((\"internet\"))",
		ids["aws_lambda_function.both"] + " -->|\"data-api\"| " + ids["aws_rds_cluster.vault"],
	} {
		if !strings.Contains(out, want) {
			t.Errorf("mermaid lacks %q:\n%s", want, out)
		}
	}
	var reds []string
	for i, e := range g.Edges {
		if e.Violating {
			reds = append(reds, itoa(i))
		}
	}
	if !strings.Contains(out, "linkStyle "+strings.Join(reds, ",")+" stroke:") {
		t.Errorf("linkStyle does not list exactly the red edges %v:\n%s", reds, out)
	}
}

func TestDOT(t *testing.T) {
	g := Build(testModel(), nil)
	out := g.DOT()
	ids := g.ids()
	redLines, allLines := 0, 0
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, " -> ") {
			allLines++
			if strings.Contains(line, "color=\""+red+"\"") {
				redLines++
			}
		}
	}
	if allLines != len(g.Edges) || redLines != 4 {
		t.Errorf("dot edges = %d (red %d), want %d (red 4):\n%s", allLines, redLines, len(g.Edges), out)
	}
	for _, want := range []string{
		"subgraph cluster_hot {", "label=\"control\";",
		ids["aws_lambda_function.both"] + " -> " + ids["internet"] + " [label=\"nat\", color=",
		ids["aws_lambda_function.egress"] + " -> " + ids["internet"] + " [label=\"outside-vpc\"];",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("dot lacks %q", want)
		}
	}
}

func TestSVG(t *testing.T) {
	g := Build(testModel(), nil)
	svg, err := g.SVG(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// The SVG must be well-formed XML with a <svg> root.
	dec := xml.NewDecoder(strings.NewReader(string(svg)))
	var root string
	texts := map[string]bool{}
	for {
		tok, err := dec.Token()
		if err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("svg is not XML: %v", err)
			}
			break
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = tk.Name.Local
			}
		case xml.CharData:
			texts[strings.TrimSpace(string(tk))] = true
		}
	}
	if root != "svg" {
		t.Fatalf("root element = %q", root)
	}
	for _, want := range []string{"aws_lambda_function.both", "internet", "aws_rds_cluster.vault (min 0, Data API on)", "data-api", "hot", "control", "egress"} {
		if !texts[want] {
			t.Errorf("svg has no text %q", want)
		}
	}
	// Graphviz writes one <g class="edge"> per edge; the red ones carry the colour.
	if n := strings.Count(string(svg), "class=\"edge\""); n != len(g.Edges) {
		t.Errorf("svg edges = %d, want %d", n, len(g.Edges))
	}
	if n := strings.Count(string(svg), "stroke=\""+red+"\""); n < 4 {
		t.Errorf("red strokes = %d, want at least one per red edge (4)", n)
	}
}

func TestDeterministic(t *testing.T) {
	a := Build(testModel(), nil).DOT()
	for i := 0; i < 20; i++ {
		if b := Build(testModel(), nil).DOT(); b != a {
			t.Fatal("DOT differs between builds")
		}
	}
}

// TestFocus keeps the named node, its neighbours and the edges among them;
// a module path or a rule id picks several; a name that matches nothing is
// an error that says what to pass.
func TestFocus(t *testing.T) {
	g := Build(testModel(), []report.Finding{{Rule: "LSL-004", Category: "nat-gateway", Resource: "aws_nat_gateway.n"}})
	f, err := g.Focus([]string{"aws_lambda_function.egress"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, n := range f.Nodes {
		ids[n.ID] = true
	}
	if !ids["aws_lambda_function.egress"] || !ids["internet"] || ids["aws_lambda_function.hot"] {
		t.Errorf("focus on the egress function kept %v", ids)
	}
	for _, e := range f.Edges {
		if !ids[e.From] || !ids[e.To] {
			t.Errorf("edge %s leaves the focus", edgeKey(e))
		}
	}
	if len(f.Nodes) >= len(g.Nodes) {
		t.Errorf("focus kept %d of %d nodes", len(f.Nodes), len(g.Nodes))
	}
	byRule, err := g.Focus([]string{"LSL-004"}, []report.Finding{{Rule: "LSL-004", Resource: "aws_nat_gateway.n"}})
	if err != nil || len(byRule.Nodes) != 1 || byRule.Nodes[0].ID != "aws_nat_gateway.n" {
		t.Errorf("focus on a rule id: %+v, %v", byRule, err)
	}
	if _, err := g.Focus([]string{"aws_lambda_function.nope"}, nil); err == nil || !strings.Contains(err.Error(), "--focus aws_lambda_function.nope matches nothing in the picture: pass") {
		t.Errorf("unknown focus: %v", err)
	}
}

// The bound is decided from the model before any picture is built, and the
// refusal names a module to focus on.
func TestTooBigRefusesAWholePictureOverTheLinkBound(t *testing.T) {
	m := &model.Model{}
	for i := 0; i < 3; i++ {
		fn := model.Function{Address: fmt.Sprintf(`module.tenant["t%d"].aws_lambda_function.this`, i)}
		for j := 0; j < 3; j++ {
			fn.DataPaths = append(fn.DataPaths, model.Path{Kind: "data-api", Target: fmt.Sprintf("db%d", j)})
		}
		m.Functions = append(m.Functions, fn)
	}
	if n := Links(m, nil); n != 9 {
		t.Fatalf("Links = %d, want 9 (3 functions × 3 databases)", n)
	}
	if err := TooBig(m, nil, 9); err != nil {
		t.Fatalf("at the bound: %v", err)
	}
	err := TooBig(m, nil, 8)
	if err == nil || !strings.Contains(err.Error(), `--focus`) || !strings.Contains(err.Error(), `module.tenant["t0"]`) {
		t.Fatalf("over the bound: %v", err)
	}
	if err := TooBig(m, nil, 0); err != nil {
		t.Fatalf("0 means no bound: %v", err)
	}
}
