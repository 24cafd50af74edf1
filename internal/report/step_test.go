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
