package awsbackend

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
)

type fakeLambda struct {
	mu      sync.Mutex
	calls   []*lambda.InvokeInput
	answer  func(in *lambda.InvokeInput) (*lambda.InvokeOutput, error)
	configs map[string]*lambda.GetFunctionConfigurationOutput
}

func (f *fakeLambda) GetFunctionConfiguration(_ context.Context, in *lambda.GetFunctionConfigurationInput, _ ...func(*lambda.Options)) (*lambda.GetFunctionConfigurationOutput, error) {
	if c, ok := f.configs[aws.ToString(in.FunctionName)]; ok {
		return c, nil
	}
	return nil, errors.New("ResourceNotFoundException")
}

func (f *fakeLambda) Invoke(_ context.Context, in *lambda.InvokeInput, _ ...func(*lambda.Options)) (*lambda.InvokeOutput, error) {
	f.mu.Lock()
	f.calls = append(f.calls, in)
	f.mu.Unlock()
	return f.answer(in)
}

// fakeIAM allows the actions in allowed (action → policy id) and records
// every question.
type fakeIAM struct {
	allowed   map[string]string
	questions [][2]string
	truncate  bool
}

func (f *fakeIAM) SimulatePrincipalPolicy(_ context.Context, in *iam.SimulatePrincipalPolicyInput, _ ...func(*iam.Options)) (*iam.SimulatePrincipalPolicyOutput, error) {
	if len(in.ActionNames) != 1 || len(in.ResourceArns) != 1 {
		return nil, errors.New("fake: one action and one resource per question")
	}
	a, r := in.ActionNames[0], in.ResourceArns[0]
	f.questions = append(f.questions, [2]string{a, r})
	res := iamtypes.EvaluationResult{EvalActionName: aws.String(a), EvalResourceName: aws.String(r), EvalDecision: iamtypes.PolicyEvaluationDecisionTypeImplicitDeny}
	if pol, ok := f.allowed[a]; ok {
		res.EvalDecision = iamtypes.PolicyEvaluationDecisionTypeAllowed
		res.MatchedStatements = []iamtypes.Statement{{SourcePolicyId: aws.String(pol)}, {SourcePolicyId: aws.String(pol)}}
	}
	return &iam.SimulatePrincipalPolicyOutput{EvaluationResults: []iamtypes.EvaluationResult{res}, IsTruncated: f.truncate, Marker: aws.String("m")}, nil
}

// fakeCW answers the capacity metric per instance.
type fakeCW struct {
	points map[string][]cwtypes.Datapoint
	inputs []*cloudwatch.GetMetricStatisticsInput
}

func (f *fakeCW) GetMetricStatistics(_ context.Context, in *cloudwatch.GetMetricStatisticsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricStatisticsOutput, error) {
	f.inputs = append(f.inputs, in)
	return &cloudwatch.GetMetricStatisticsOutput{Datapoints: f.points[aws.ToString(in.Dimensions[0].Value)]}, nil
}

// fakeRDS pages events per source, two per page.
type fakeRDS struct {
	events map[string][]rdstypes.Event
	inputs []rds.DescribeEventsInput
	always bool // always return a marker
}

func (f *fakeRDS) DescribeEvents(_ context.Context, in *rds.DescribeEventsInput, _ ...func(*rds.Options)) (*rds.DescribeEventsOutput, error) {
	f.inputs = append(f.inputs, *in)
	all := f.events[string(in.SourceType)+"/"+aws.ToString(in.SourceIdentifier)]
	start := 0
	if in.Marker != nil {
		start = int((*in.Marker)[0] - '0')
	}
	end := min(start+2, len(all))
	out := &rds.DescribeEventsOutput{Events: all[start:end]}
	if end < len(all) || f.always {
		out.Marker = aws.String(string(rune('0' + end)))
	}
	return out, nil
}

func point(at time.Time, minimum float64) cwtypes.Datapoint {
	return cwtypes.Datapoint{Timestamp: aws.Time(at), Minimum: aws.Float64(minimum)}
}

func event(at time.Time, source, msg string) rdstypes.Event {
	return rdstypes.Event{Date: aws.Time(at), SourceIdentifier: aws.String(source), Message: aws.String(msg)}
}
