package probe

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rdsdata"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

type fakeSSM struct{ err error }

func (f fakeSSM) GetParameter(_ context.Context, in *ssm.GetParameterInput, _ ...func(*ssm.Options)) (*ssm.GetParameterOutput, error) {
	if f.err != nil {
		return nil, f.err
	}
	return &ssm.GetParameterOutput{Parameter: &ssmtypes.Parameter{Name: in.Name, Value: aws.String(secretSentinel)}}, nil
}

type fakeRDSData struct {
	err error
	got *rdsdata.ExecuteStatementInput
}

func (f *fakeRDSData) ExecuteStatement(_ context.Context, in *rdsdata.ExecuteStatementInput, _ ...func(*rdsdata.Options)) (*rdsdata.ExecuteStatementOutput, error) {
	f.got = in
	if f.err != nil {
		return nil, f.err
	}
	return &rdsdata.ExecuteStatementOutput{FormattedRecords: aws.String(secretSentinel)}, nil
}

// The IAM cells of the lab: SSM parameters, the Data API and calls made
// after assuming a role; values never leave the probe.
func TestIAMActionsReportOutcomesWithoutValues(t *testing.T) {
	data := &fakeRDSData{}
	var assumed []string
	session := AWSClients{Secrets: &fakeSecrets{}}
	clients := AWSClients{
		SSM: fakeSSM{}, RDSData: data, Secrets: &fakeSecrets{err: apiErr("AccessDeniedException", "no "+secretSentinel)},
		AssumeRole: func(_ context.Context, role string) (AWSClients, error) {
			assumed = append(assumed, role)
			if strings.HasSuffix(role, "/closed") {
				return AWSClients{}, apiErr("AccessDenied", "not authorized to assume "+secretSentinel)
			}
			return session, nil
		},
	}
	var logs bytes.Buffer
	req := Request{ID: "iam", Checks: []Check{
		{Name: "param", Kind: KindAWS, Action: ActionGetParameter, Target: "/app/db-password"},
		{Name: "data", Kind: KindAWS, Action: ActionExecuteStatement, Target: "arn:aws:rds:eu-west-1:1:cluster:db", Secret: "arn:aws:secretsmanager:eu-west-1:1:secret:s"},
		{Name: "own", Kind: KindAWS, Action: ActionGetSecretValue, Target: "s"},
		{Name: "as-open", Kind: KindAWS, Action: ActionGetSecretValue, Target: "s", AssumeRole: "arn:aws:iam::1:role/open"},
		{Name: "as-closed", Kind: KindAWS, Action: ActionGetSecretValue, Target: "s", AssumeRole: "arn:aws:iam::1:role/closed"},
		{Name: "bad", Kind: KindAWS, Action: ActionExecuteStatement, Target: "arn:aws:rds:eu-west-1:1:cluster:db"},
	}}
	resp := Run(context.Background(), req, awsDeps(clients, &logs))
	want := map[string]string{"param": OutcomeReachable, "data": OutcomeReachable, "own": OutcomeDenied,
		"as-open": OutcomeReachable, "as-closed": OutcomeDenied, "bad": OutcomeError}
	for _, r := range resp.Results {
		if r.Outcome != want[r.Name] {
			t.Errorf("%s: outcome %s (%s), want %s", r.Name, r.Outcome, r.Detail, want[r.Name])
		}
	}
	if d := resp.Results[4].Detail; d != "assume: AccessDenied" {
		t.Errorf("as-closed detail %q; want the assume's code", d)
	}
	if !strings.HasSuffix(resp.Results[3].Target, " as arn:aws:iam::1:role/open") {
		t.Errorf("as-open target %q; want the assumed role named", resp.Results[3].Target)
	}
	if data.got == nil || aws.ToString(data.got.Sql) != "SELECT 1" || aws.ToString(data.got.SecretArn) == "" {
		t.Errorf("ExecuteStatement input %+v; want SELECT 1 with the secret", data.got)
	}
	if len(assumed) != 2 {
		t.Errorf("assumed %v; want one assume per check that names a role", assumed)
	}
	out, _ := json.Marshal(resp)
	if strings.Contains(string(out), secretSentinel) || strings.Contains(logs.String(), secretSentinel) {
		t.Fatalf("a value leaked:\n%s\n%s", out, logs.String())
	}
}
