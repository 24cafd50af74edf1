package awsbackend

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/letsleep/letsleep/internal/backend"
)

const (
	clusterARN = "arn:aws:rds:eu-west-1:111122223333:cluster:lsl-abc-db"
	secretARN  = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!cluster-1234-AbCdEf"
	egressRole = "arn:aws:iam::111122223333:role/lsl-abc-egress"
)

func TestSimulateEgressAsksBothQuestions(t *testing.T) {
	f := &fakeIAM{}
	got, err := SimulateEgress(context.Background(), f, egressRole, clusterARN, secretARN)
	if err != nil {
		t.Fatal(err)
	}
	want := [][2]string{{ActionExecuteStatement, clusterARN}, {ActionGetSecretValue, secretARN}}
	if len(f.questions) != 2 || f.questions[0] != want[0] || f.questions[1] != want[1] {
		t.Fatalf("questions %v, want %v", f.questions, want)
	}
	for _, d := range got {
		if d.Allowed() || d.Decision != backend.DecisionImplicitDeny {
			t.Fatalf("a role without grants: %+v", d)
		}
	}

	f = &fakeIAM{allowed: map[string]string{ActionExecuteStatement: "arn:aws:iam::111122223333:policy/extra"}}
	got, _ = SimulateEgress(context.Background(), f, egressRole, clusterARN, "")
	if len(f.questions) != 1 || len(got) != 1 || !got[0].Allowed() || got[0].Via != "arn:aws:iam::111122223333:policy/extra" {
		t.Fatalf("got %+v after %v", got, f.questions)
	}
}

func TestSimulateEgressPagingIsBounded(t *testing.T) {
	f := &fakeIAM{truncate: true}
	if _, err := SimulateEgress(context.Background(), f, egressRole, clusterARN, ""); err == nil || len(f.questions) != maxSimulatePages {
		t.Fatalf("err=%v after %d calls", err, len(f.questions))
	}
}

func TestDecisionMapping(t *testing.T) {
	for in, want := range map[iamtypes.PolicyEvaluationDecisionType]string{
		iamtypes.PolicyEvaluationDecisionTypeAllowed:      backend.DecisionAllowed,
		iamtypes.PolicyEvaluationDecisionTypeExplicitDeny: backend.DecisionExplicitDeny,
		iamtypes.PolicyEvaluationDecisionTypeImplicitDeny: backend.DecisionImplicitDeny,
	} {
		d := Decision(iamtypes.EvaluationResult{EvalActionName: aws.String("a"), EvalResourceName: aws.String("r"), EvalDecision: in})
		if d.Decision != want || d.Action != "a" || d.Resource != "r" {
			t.Errorf("%s → %+v, want %s", in, d, want)
		}
	}
	if d := Decision(iamtypes.EvaluationResult{EvalDecision: "somethingNew"}); d.Allowed() {
		t.Fatal("an unknown decision must not count as allowed")
	}
}
