package explain

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/report"
)

var dataAPIPath = []model.Step{
	{Kind: "function", Address: "aws_lambda_function.egress", Detail: "egress function"},
	{Kind: "role", Address: "aws_iam_role.egress", Detail: "role"},
	{Kind: "statement", Address: "aws_iam_role_policy.extra", Detail: `policy statement "Extra"`},
	{Kind: "action", Detail: "rds-data:* on *"},
	{Kind: "database", Address: "aws_rds_cluster.vault", Detail: "cluster vault (HTTP endpoint on)", FromUnknown: true},
}

func testModel() *model.Model {
	return &model.Model{
		Functions: []model.Function{
			{
				Address: "aws_lambda_function.egress", Role: "egress", RoleSource: "tag", ExecutionRole: "aws_iam_role.egress",
				Egress: []model.Path{{Kind: model.PathOutsideVPC, Target: "internet", Steps: []model.Step{
					{Kind: "function", Address: "aws_lambda_function.egress", Detail: "egress function"},
					{Kind: "internet", Detail: "no vpc_config: AWS gives it internet"},
				}}},
				DataPaths: []model.Path{{Kind: model.PathDataAPI, Target: "aws_rds_cluster.vault", Steps: dataAPIPath}},
			},
			{
				Address: "aws_lambda_function.control", Role: "control", InVPC: true, ExecutionRole: "aws_iam_role.control",
				Subnets: []string{"aws_subnet.private[0]"}, SecurityGroups: []string{"aws_security_group.control"},
				DataPaths: []model.Path{{Kind: model.PathNetwork, Target: "aws_rds_cluster.vault", Unresolved: true, Steps: []model.Step{
					{Kind: "function", Address: "aws_lambda_function.control", Detail: "control function"},
					{Kind: "security_group", Address: "aws_security_group.control", Detail: "egress 5432 to db SG"},
					{Kind: "database", Address: "aws_rds_cluster.vault", Detail: "cluster vault"},
				}}},
			},
		},
		Roles: []model.Role{{Address: "aws_iam_role.egress", Grants: []model.Grant{{
			Action: "rds-data:ExecuteStatement", Resource: "*", Broad: true,
			Via: []model.Step{{Kind: "role", Address: "aws_iam_role.egress", Detail: "role"}, {Kind: "statement", Detail: `policy statement "Extra"`}},
		}}}},
		Databases:   []model.Database{{Address: "aws_rds_cluster.vault", Kind: "cluster", HTTPEndpoint: true}},
		EntryPoints: []model.EntryPoint{{Address: "aws_lambda_function_url.egress", Kind: "function_url", Auth: "AWS_IAM", Function: "aws_lambda_function.egress"}},
	}
}

func testFindings() []report.Finding {
	return []report.Finding{
		{Rule: "LSL-004", Category: "nat-gateway", Severity: "medium", Resource: "aws_nat_gateway.x", Message: "NAT"},
		{Rule: "LSL-001", Category: "egress-reaches-db", Severity: "critical", Resource: "aws_lambda_function.egress",
			Message: "egress function reaches aws_rds_cluster.vault", Path: dataAPIPath, Remediation: "drop rds-data"},
	}
}

func TestExplainRule(t *testing.T) {
	for _, target := range []string{"LSL-001", "egress-reaches-db"} {
		ex, err := Explain(testModel(), testFindings(), target)
		if err != nil {
			t.Fatal(err)
		}
		if ex.Kind != KindRule || len(ex.Findings) != 1 || ex.Findings[0].Rule != "LSL-001" {
			t.Fatalf("%s: %+v", target, ex)
		}
		txt := ex.Text()
		want := `evidence: egress function → role → policy statement "Extra" → rds-data:* on * → cluster vault (HTTP endpoint on) [unknown at plan time: resolved through configuration references]`
		if !strings.Contains(txt, want) {
			t.Errorf("text lacks the chain:\n%s", txt)
		}
		if !strings.Contains(txt, "5. database aws_rds_cluster.vault: cluster vault (HTTP endpoint on)  [unknown at plan time") {
			t.Errorf("numbered step not marked:\n%s", txt)
		}
	}
}

func TestExplainFunction(t *testing.T) {
	ex, err := Explain(testModel(), testFindings(), "aws_lambda_function.egress")
	if err != nil {
		t.Fatal(err)
	}
	if ex.Kind != KindFunction || ex.Function == nil || len(ex.Function.Grants) != 1 || len(ex.Function.EntryPoints) != 1 || len(ex.Findings) != 1 {
		t.Fatalf("%+v", ex)
	}
	txt := ex.Text()
	for _, want := range []string{
		"Function aws_lambda_function.egress",
		"role:           egress (from tag)",
		"placement:      outside any VPC",
		"entry point:    aws_lambda_function_url.egress (function_url, auth AWS_IAM)",
		"Egress (1): it can",
		"[outside-vpc] → internet",
		"Data paths (1): it can",
		"[data-api] → aws_rds_cluster.vault",
		"both go out and reach the data",
		"rds-data:ExecuteStatement on * (broad)",
		"Findings on aws_lambda_function.egress (1):",
	} {
		if !strings.Contains(txt, want) {
			t.Errorf("text lacks %q:\n%s", want, txt)
		}
	}

	ex, err = Explain(testModel(), nil, "aws_lambda_function.control")
	if err != nil {
		t.Fatal(err)
	}
	txt = ex.Text()
	for _, want := range []string{"Egress (0): it cannot go out", "[network] → aws_rds_cluster.vault [UNRESOLVED", "subnets aws_subnet.private[0]"} {
		if !strings.Contains(txt, want) {
			t.Errorf("control text lacks %q:\n%s", want, txt)
		}
	}
	if strings.Contains(txt, "boundary is broken") {
		t.Error("control flagged as broken")
	}
}

func TestExplainDatabase(t *testing.T) {
	ex, err := Explain(testModel(), nil, "aws_rds_cluster.vault")
	if err != nil {
		t.Fatal(err)
	}
	if len(ex.ReachedBy) != 2 || ex.ReachedBy[0].Function != "aws_lambda_function.egress" {
		t.Fatalf("reached by = %+v", ex.ReachedBy)
	}
	if !strings.Contains(ex.Text(), "Reached by 2 data path(s)") {
		t.Error(ex.Text())
	}
}

func TestExplainNotFound(t *testing.T) {
	_, err := Explain(testModel(), testFindings(), "aws_lambda_function.nope")
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), `"aws_lambda_function.nope" is not a rule with findings`) {
		t.Errorf("err = %v", err)
	}
	ex, err := Explain(testModel(), testFindings(), "LSL-006")
	if err != nil || ex.Kind != KindRule || len(ex.Findings) != 0 || !strings.Contains(ex.Text(), "No finding of this rule") {
		t.Errorf("rule without findings: %v %+v", err, ex)
	}
	if _, err := Explain(nil, nil, " "); !errors.Is(err, ErrNotFound) {
		t.Errorf("empty target: %v", err)
	}
	// A resource with findings but no model entry is explained from findings.
	ex, err = Explain(nil, testFindings(), "aws_nat_gateway.x")
	if err != nil || len(ex.Findings) != 1 {
		t.Errorf("nat: %v %+v", err, ex)
	}
}

func TestExplainJSON(t *testing.T) {
	ex, _ := Explain(testModel(), testFindings(), "aws_lambda_function.control")
	data, err := json.Marshal(ex)
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	if !strings.Contains(s, `"kind":"function"`) || !strings.Contains(s, `"findings":[]`) || !strings.Contains(s, `"unresolved":true`) {
		t.Errorf("json = %s", s)
	}
}

// explain names every assumption: on the step that was guessed, under the
// path, and under the finding that rests on it.
func TestExplainShowsAssumptions(t *testing.T) {
	guess := model.Assumption{Address: "aws_security_group.db", Unknown: "database security group not in the plan", Assumed: "ingress assumed"}
	m := testModel()
	ctl := &m.Functions[1]
	ctl.DataPaths[0].Steps = []model.Step{
		ctl.DataPaths[0].Steps[0], ctl.DataPaths[0].Steps[1],
		{Kind: "security_group", Address: "aws_security_group.db", Detail: "database security group not in the plan: ingress assumed", Assumption: &guess},
		ctl.DataPaths[0].Steps[2],
	}
	fs := []report.Finding{{Rule: "LSL-002", Severity: "medium", Category: "hot-path-reaches-db", Resource: ctl.Address, Message: "m",
		Path: ctl.DataPaths[0].Steps, Unresolved: true, Assumptions: []model.Assumption{guess}}}
	ex, err := Explain(m, fs, ctl.Address)
	if err != nil {
		t.Fatal(err)
	}
	txt := ex.Text()
	for _, want := range []string{
		"3. security_group aws_security_group.db: database security group not in the plan: ingress assumed  [ASSUMED]",
		"assumptions (1): a guess, not a fact",
		"- unknown: database security group not in the plan; assumed: ingress assumed (aws_security_group.db)",
	} {
		if !strings.Contains(txt, want) {
			t.Errorf("text lacks %q:\n%s", want, txt)
		}
	}
	if n := strings.Count(txt, "- unknown: database security group"); n != 2 {
		t.Errorf("the assumption shows %d times, want 2 (under the path and under the finding):\n%s", n, txt)
	}
	b, err := json.Marshal(ex)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"assumptions":[{"address":"aws_security_group.db"`) {
		t.Errorf("explain JSON lacks the finding's assumptions: %s", b)
	}
}
