package explain

import (
	"strings"
	"testing"

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
		"database aws_rds_cluster.vault: cluster vault (HTTP endpoint on)  [unknown at plan time: resolved through configuration references]  @ modules/db/main.tf:1-9 (module call main.tf:40)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	if _, ok := ex.Locations["aws_iam_role.egress"]; ok {
		t.Error("a resource the locator cannot place must not get a location")
	}
}
