package explain

import (
	"strings"
	"testing"

	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/report"
)

func TestExplainShowsWhereEachStepIsDeclared(t *testing.T) {
	ex, err := Explain(testModel(), nil, "aws_lambda_function.egress")
	if err != nil {
		t.Fatal(err)
	}
	ex.Locate(func(addr string) *report.Location {
		switch addr {
		case "aws_lambda_function.egress":
			return &report.Location{File: "fn.tf", StartLine: 3, EndLine: 20}
		case "aws_rds_cluster.vault":
			return &report.Location{File: "modules/db/main.tf", StartLine: 1, EndLine: 9, Call: &report.Location{File: "main.tf", StartLine: 40, EndLine: 50}}
		}
		return nil
	})
	text := ex.Text()
	for _, want := range []string{
		"function aws_lambda_function.egress: egress function  @ fn.tf:3-20",
		"database aws_rds_cluster.vault: cluster vault (HTTP endpoint on)  [unknown at plan time: resolved through configuration references]  @ modules/db/main.tf:1-9 (module call main.tf:40-50)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	if _, ok := ex.Locations["aws_iam_role.egress"]; ok {
		t.Error("a resource the locator cannot place must not get a location")
	}
}

// A step declared in a module outside the source root is shown at the
// module call in the repository, with the module's source and the block's
// file in it: never at a ../ path that opens only on the machine that ran.
func TestExplainPlacesModuleBlocksAtTheirCall(t *testing.T) {
	ex, err := Explain(testModel(), nil, "aws_lambda_function.egress")
	if err != nil {
		t.Fatal(err)
	}
	ex.Locate(func(addr string) *report.Location {
		if addr == "aws_rds_cluster.vault" {
			return &report.Location{File: "../shared/rds-aurora/main.tf", StartLine: 39, EndLine: 166,
				Call:         &report.Location{File: "stacks/app/main.tf", StartLine: 106, EndLine: 143},
				ModuleSource: "terraform-aws-modules/rds-aurora/aws", ModuleFile: "main.tf"}
		}
		return nil
	})
	text := ex.Text()
	want := `@ stacks/app/main.tf:106-143 (module call; the block is in module source "terraform-aws-modules/rds-aurora/aws", main.tf:39-166)`
	if !strings.Contains(text, want) {
		t.Errorf("text lacks %q:\n%s", want, text)
	}
	if strings.Contains(text, "../shared") {
		t.Errorf("text points at a path outside the repository:\n%s", text)
	}
}

// Every line of a grant names the policy that holds it, so that a reviewer
// following role → policy → statement → action → resource can open each.
func TestExplainPlacesGrantStepsAtTheirPolicy(t *testing.T) {
	pol := "module.app.aws_iam_role_policy.inline[0]"
	steps := []model.Step{
		{Kind: "role", Address: "module.app.aws_iam_role.this", Detail: "IAM role app"},
		{Kind: "policy", Address: pol, Detail: "policy"},
		{Kind: "statement", Address: pol, Detail: "statement Publish (Allow)"},
		{Kind: "action", Address: pol, Detail: "sns:Publish"},
		{Kind: "resource", Address: pol, Detail: "aws_sns_topic.orders"},
	}
	f := report.Finding{Rule: "LSL-099", Severity: "high", Category: "c", Resource: "module.app.aws_iam_role.this", Message: "m", Path: steps}
	ex, err := Explain(nil, []report.Finding{f}, "LSL-099")
	if err != nil {
		t.Fatal(err)
	}
	ex.Locate(func(addr string) *report.Location {
		if addr == pol {
			return &report.Location{File: "app/iam.tf", StartLine: 12, EndLine: 30}
		}
		return nil
	})
	text := ex.Text()
	for _, want := range []string{
		"IAM role app → policy " + pol + " → statement Publish (Allow) → sns:Publish → aws_sns_topic.orders",
		"4. action " + pol + ": sns:Publish  @ app/iam.tf:12-30",
		"5. resource " + pol + ": aws_sns_topic.orders  @ app/iam.tf:12-30",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
}
