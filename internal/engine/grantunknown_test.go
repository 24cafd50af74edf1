package engine

import (
	"context"
	"strings"
	"testing"

	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/plan"
	"github.com/letsleep/letsleep/internal/report"
)

// The lambda community module writes the egress function's statements as
// dynamic blocks of an aws_iam_policy_document whose json a role policy
// uses. From the plan alone (no sources) the statement's resources cannot
// be resolved: the warning sits on the document, the statement on the role
// policy. One cause, so one medium finding that names the document, the
// role policy and the role, and no low echo of the same statement.
func TestUnknownGrantFromAPolicyDocumentIsOneFinding(t *testing.T) {
	p, err := plan.Load(context.Background(), "../../terraform/community/invoke-chain/plan.json", plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Build(p, model.Config{})
	if err != nil {
		t.Fatal(err)
	}
	const doc = "module.egress.data.aws_iam_policy_document.additional_inline[0]"
	var onDoc []report.Finding
	for _, f := range eval(t, newEngine(t, Options{}), m) {
		if f.Resource == doc || strings.Contains(f.Message, "statement savesummary") {
			onDoc = append(onDoc, f)
		}
	}
	if len(onDoc) != 1 {
		t.Fatalf("%d findings on %s, want one:\n%+v", len(onDoc), doc, onDoc)
	}
	f := onDoc[0]
	if f.Severity != "medium" || f.Resource != doc || len(f.Assumptions) == 0 {
		t.Fatalf("severity %s, resource %s, assumptions %+v: want a medium finding on the document that rests on an assumption", f.Severity, f.Resource, f.Assumptions)
	}
	for _, want := range []string{
		"grant-unknown: statement savesummary of policy document " + doc,
		"the policy of module.egress.aws_iam_role_policy.additional_inline[0], on role module.egress.aws_iam_role.lambda[0]",
		"whether module.egress.aws_lambda_function.this[0] reach the database",
		"--source DIR",
	} {
		if !strings.Contains(f.Message, want) {
			t.Errorf("message lacks %q:\n%s", want, f.Message)
		}
	}
}
