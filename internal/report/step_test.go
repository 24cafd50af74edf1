package report

import (
	"testing"

	"github.com/letsleep/letsleep/internal/model"
)

func TestStepDetailNamesTheBarePolicy(t *testing.T) {
	for _, c := range []struct {
		step model.Step
		want string
	}{
		{model.Step{Kind: "policy", Address: "module.hot.aws_iam_role_policy.inline[0]", Detail: "policy"}, "policy module.hot.aws_iam_role_policy.inline[0]"},
		// A detail that already says something is kept.
		{model.Step{Kind: "policy", Address: "aws_iam_policy.p", Detail: "policy, attached by the literal ARN x"}, "policy, attached by the literal ARN x"},
		// Nothing to name it by.
		{model.Step{Kind: "policy", Detail: "policy"}, "policy"},
		{model.Step{Kind: "action", Address: "aws_iam_policy.p", Detail: "sns:Publish"}, "sns:Publish"},
	} {
		if got := StepDetail(c.step); got != c.want {
			t.Errorf("StepDetail(%+v) = %q, want %q", c.step, got, c.want)
		}
	}
}

func TestStepTextAndLinesMarkWhatIsNotAFact(t *testing.T) {
	m := Marks{Unknown: "[U]", Assumed: "[A]"}
	assumed := &model.Assumption{Address: "aws_lambda_function.f", Unknown: "x", Assumed: "y"}
	steps := []model.Step{
		{Kind: "function", Address: "aws_lambda_function.f", Detail: "Lambda function f"},
		{Kind: "policy", Address: "aws_iam_role_policy.p", Detail: "policy"},
		{Kind: "statement", Address: "aws_iam_role_policy.p", Detail: "statement S (Allow)", FromUnknown: true},
		{Kind: "subnet", Address: "aws_subnet.a", Detail: "subnet 10.0.1.0/24", Assumption: assumed},
		{Kind: "security_group", Address: "aws_security_group.db", Detail: "not in the plan: ingress assumed", Assumption: assumed},
		{Kind: "internet", Address: "aws_nat_gateway.n"},
	}
	want := "Lambda function f → policy aws_iam_role_policy.p → statement S (Allow) [U] → subnet 10.0.1.0/24 [A] → not in the plan: ingress assumed → internet aws_nat_gateway.n"
	if got := PathText(steps, m); got != want {
		t.Errorf("PathText:\n got  %s\n want %s", got, want)
	}
	lines := StepLines(steps, m)
	if len(lines) != len(steps) {
		t.Fatalf("%d lines for %d steps", len(lines), len(steps))
	}
	for i, l := range lines {
		s := steps[i]
		if l.N != i+1 || l.Kind != s.Kind || l.Address != s.Address || l.Detail != s.Detail {
			t.Errorf("line %d = %+v, want the step's own kind, address and detail", i+1, l)
		}
	}
	// A numbered line keeps every mark, even where the detail says "assumed".
	if got := lines[4].Marks; len(got) != 1 || got[0] != "[A]" {
		t.Errorf("assumed step marks %q, want [A]", got)
	}
	if got := lines[2].Marks; len(got) != 1 || got[0] != "[U]" {
		t.Errorf("unknown step marks %q, want [U]", got)
	}
	if got := lines[0].Marks; len(got) != 0 {
		t.Errorf("a fact carries marks %q", got)
	}
}
