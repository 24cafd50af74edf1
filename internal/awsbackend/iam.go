package awsbackend

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/letsleep/letsleep/internal/backend"
)

// Actions an egress role must not hold on the data.
const (
	ActionExecuteStatement = "rds-data:ExecuteStatement"
	ActionGetSecretValue   = "secretsmanager:GetSecretValue"
)

// maxSimulatePages bounds SimulatePrincipalPolicy paging.
const maxSimulatePages = 10

// SimulateEgress asks the IAM policy simulator, for roleARN, about
// rds-data:ExecuteStatement on the cluster and secretsmanager:GetSecretValue
// on the DB secret. The simulator evaluates policies only: nothing touches
// the database. An empty secretARN skips the secret question.
func SimulateEgress(ctx context.Context, api IAMAPI, roleARN, clusterARN, secretARN string) ([]backend.IAMDecision, error) {
	pairs := [][2]string{{ActionExecuteStatement, clusterARN}}
	if secretARN != "" {
		pairs = append(pairs, [2]string{ActionGetSecretValue, secretARN})
	}
	var out []backend.IAMDecision
	for _, p := range pairs {
		in := &iam.SimulatePrincipalPolicyInput{
			PolicySourceArn: aws.String(roleARN),
			ActionNames:     []string{p[0]},
			ResourceArns:    []string{p[1]},
		}
		for page := 0; ; page++ {
			if page == maxSimulatePages {
				return nil, fmt.Errorf("simulate %s for %s: more than %d pages", p[0], roleARN, maxSimulatePages)
			}
			res, err := api.SimulatePrincipalPolicy(ctx, in)
			if err != nil {
				return nil, fmt.Errorf("simulate %s on %s for %s: %w", p[0], p[1], roleARN, err)
			}
			for _, r := range res.EvaluationResults {
				out = append(out, Decision(r))
			}
			if !res.IsTruncated {
				break
			}
			in.Marker = res.Marker
		}
	}
	return out, nil
}

// Decision maps one simulator result onto the suites' decision; Via names
// the policies whose statements matched an allow.
func Decision(r iamtypes.EvaluationResult) backend.IAMDecision {
	d := backend.IAMDecision{
		Action:   aws.ToString(r.EvalActionName),
		Resource: aws.ToString(r.EvalResourceName),
		Decision: string(r.EvalDecision),
	}
	switch r.EvalDecision {
	case iamtypes.PolicyEvaluationDecisionTypeAllowed:
		d.Decision = backend.DecisionAllowed
	case iamtypes.PolicyEvaluationDecisionTypeExplicitDeny:
		d.Decision = backend.DecisionExplicitDeny
	case iamtypes.PolicyEvaluationDecisionTypeImplicitDeny:
		d.Decision = backend.DecisionImplicitDeny
	}
	if d.Allowed() {
		var via []string
		for _, s := range r.MatchedStatements {
			if id := aws.ToString(s.SourcePolicyId); id != "" && !slices.Contains(via, id) {
				via = append(via, id)
			}
		}
		d.Via = strings.Join(via, ", ")
	}
	return d
}
