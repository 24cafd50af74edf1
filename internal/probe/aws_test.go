package probe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/letsleep/letsleep/internal/probe/probetest"
)

const secretSentinel = "pg-password-SENTINEL-7f1c2e"

type fakeSecrets struct {
	err   error
	calls int
	hang  bool
}

func (f *fakeSecrets) GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	f.calls++
	if f.hang {
		time.Sleep(5 * time.Second) // ignores ctx on purpose: Run must not wait for it
	}
	if f.err != nil {
		return nil, f.err
	}
	return &secretsmanager.GetSecretValueOutput{
		ARN:           aws.String("arn:aws:secretsmanager:eu-west-1:111122223333:secret:" + aws.ToString(in.SecretId)),
		SecretString:  aws.String(`{"username":"app","password":"` + secretSentinel + `"}`),
		SecretBinary:  []byte(secretSentinel),
		VersionId:     aws.String("v-" + secretSentinel),
		VersionStages: []string{"AWSCURRENT"},
	}, nil
}

type fakeSTS struct{ err error }

func (f fakeSTS) GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	if f.err != nil {
		return nil, f.err
	}
	return &sts.GetCallerIdentityOutput{Arn: aws.String("arn:aws:sts::111122223333:assumed-role/egress/probe")}, nil
}

type fakeLambda struct {
	err error
	got *lambda.InvokeInput
}

func (f *fakeLambda) Invoke(_ context.Context, in *lambda.InvokeInput, _ ...func(*lambda.Options)) (*lambda.InvokeOutput, error) {
	f.got = in
	if f.err != nil {
		return nil, f.err
	}
	return &lambda.InvokeOutput{StatusCode: 204, Payload: []byte(secretSentinel)}, nil
}

func awsDeps(c AWSClients, logs *bytes.Buffer) Deps {
	return Deps{
		AWS:    func(context.Context) (AWSClients, error) { return c, nil },
		Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
}

func apiErr(code, msg string) error {
	return fmt.Errorf("operation error: %w", &smithy.GenericAPIError{Code: code, Message: msg})
}

// The secret value must never appear in the response or the logs, whatever
// path the call takes, including errors whose message quotes the value.
func TestSecretValueNeverLeaves(t *testing.T) {
	cases := []struct {
		name    string
		err     error
		outcome string
		detail  string
	}{
		{"read ok", nil, OutcomeReachable, "read ok"},
		{"denied quoting the value", apiErr("AccessDeniedException", "denied for "+secretSentinel), OutcomeDenied, "AccessDeniedException"},
		{"other api error quoting the value", apiErr("ResourceNotFoundException", "no secret "+secretSentinel), OutcomeError, "aws error ResourceNotFoundException"},
		{"decode error quoting the body", fmt.Errorf("failed to decode response body: %s", secretSentinel), OutcomeError, "without an API error code"},
		{"timeout wrapping the value", fmt.Errorf("%s: %w", secretSentinel, context.DeadlineExceeded), OutcomeTimeout, "aws endpoint not reachable"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			sm := &fakeSecrets{err: tc.err}
			resp := Run(context.Background(), Request{ID: "s", Checks: []Check{{Name: "db-secret", Kind: KindAWS, Action: ActionGetSecretValue, Target: "rds!cluster-abc"}}}, awsDeps(AWSClients{Secrets: sm}, &logs))
			r := resp.Results[0]
			if sm.calls != 1 || r.Outcome != tc.outcome || !strings.Contains(r.Detail, tc.detail) {
				t.Fatalf("calls=%d got %s %q, want %s containing %q", sm.calls, r.Outcome, r.Detail, tc.outcome, tc.detail)
			}
			if tc.err == nil && r.Detail != "read ok" {
				t.Fatalf("a successful read must report only %q, got %q", "read ok", r.Detail)
			}
			raw, err := json.Marshal(resp)
			if err != nil {
				t.Fatal(err)
			}
			for what, text := range map[string]string{"response": string(raw), "logs": logs.String()} {
				if strings.Contains(text, "SENTINEL") {
					t.Fatalf("secret value leaked into the %s: %s", what, text)
				}
			}
			if !strings.Contains(logs.String(), `"outcome":"`+tc.outcome+`"`) {
				t.Fatalf("logs do not record the outcome: %s", logs.String())
			}
		})
	}
}

func TestAWSOutcomes(t *testing.T) {
	lam := &fakeLambda{}
	var logs bytes.Buffer
	deps := awsDeps(AWSClients{STS: fakeSTS{}, Lambda: lam}, &logs)
	resp := Run(context.Background(), Request{Checks: []Check{
		{Name: "who", Kind: KindAWS, Action: ActionGetCallerIdentity},
		{Name: "invoke", Kind: KindAWS, Action: ActionInvoke, Target: "control-fn"},
	}}, deps)
	if r := resp.Results[0]; r.Outcome != OutcomeReachable || r.Detail != "caller arn:aws:sts::111122223333:assumed-role/egress/probe" {
		t.Fatalf("sts: %+v", r)
	}
	if r := resp.Results[1]; r.Outcome != OutcomeReachable || r.Target != "lambda:Invoke control-fn" {
		t.Fatalf("invoke: %+v", r)
	}
	if lam.got == nil || lam.got.InvocationType != lambdatypes.InvocationTypeDryRun || aws.ToString(lam.got.FunctionName) != "control-fn" {
		t.Fatalf("invoke must be a DryRun on the target, got %+v", lam.got)
	}
	if strings.Contains(logs.String(), "SENTINEL") {
		t.Fatalf("invoke payload leaked into logs")
	}
}

func TestAWSErrorClassification(t *testing.T) {
	cases := []struct {
		err     error
		outcome string
		detail  string
	}{
		{apiErr("AccessDenied", "x"), OutcomeDenied, "AccessDenied"},
		{apiErr("AccessDeniedException", "x"), OutcomeDenied, "AccessDeniedException"},
		{apiErr("UnauthorizedOperation", "x"), OutcomeDenied, "UnauthorizedOperation"},
		{apiErr("AuthorizationErrorException", "x"), OutcomeDenied, "AuthorizationErrorException"},
		{apiErr("ExpiredToken", "x"), OutcomeError, "aws error ExpiredToken"},
		{apiErr("InvalidClientTokenId", "x"), OutcomeError, "aws error InvalidClientTokenId"},
		{apiErr("ResourceNotFoundException", "x"), OutcomeError, "aws error ResourceNotFoundException"},
		{context.DeadlineExceeded, OutcomeTimeout, "aws endpoint not reachable (timeout)"},
		{errors.New("something odd"), OutcomeError, "aws request failed"},
	}
	for _, tc := range cases {
		lam := &fakeLambda{err: tc.err}
		r := runOne(t, Check{Kind: KindAWS, Action: ActionInvoke, Target: "f"}, awsDeps(AWSClients{Lambda: lam}, &bytes.Buffer{}))
		if r.Outcome != tc.outcome || !strings.Contains(r.Detail, tc.detail) {
			t.Errorf("%v: got %s %q, want %s containing %q", tc.err, r.Outcome, r.Detail, tc.outcome, tc.detail)
		}
	}
}

func TestAWSClientsLoadedOnlyWhenAsked(t *testing.T) {
	loads := 0
	deps := Deps{AWS: func(context.Context) (AWSClients, error) { loads++; return AWSClients{STS: fakeSTS{}}, nil }}
	host, port := hostPort(probetest.HoldingListener(t))
	Run(context.Background(), Request{Checks: []Check{{Kind: KindTCP, Host: host, Port: port}}}, deps)
	if loads != 0 {
		t.Fatalf("AWS clients loaded %d times for a request without aws checks", loads)
	}
	Run(context.Background(), Request{Checks: []Check{
		{Kind: KindAWS, Action: ActionGetCallerIdentity}, {Kind: KindAWS, Action: ActionGetCallerIdentity},
	}}, deps)
	if loads != 1 {
		t.Fatalf("AWS clients loaded %d times, want once per request", loads)
	}
}

// A dependency that ignores its context must not hold the answer past the
// request deadline.
func TestHangingDependencyCannotHoldTheRequest(t *testing.T) {
	sm := &fakeSecrets{hang: true}
	start := time.Now()
	resp := Run(context.Background(), Request{DeadlineMS: 500, Checks: []Check{{Kind: KindAWS, Action: ActionGetSecretValue, Target: "s"}}}, awsDeps(AWSClients{Secrets: sm}, &bytes.Buffer{}))
	if elapsed := time.Since(start); elapsed > 500*time.Millisecond+lateGrace+schedSlack {
		t.Fatalf("Run took %v with a 500ms deadline", elapsed)
	}
	if r := resp.Results[0]; r.Outcome != OutcomeTimeout || r.Detail != "request deadline: did not finish" {
		t.Fatalf("got %+v", r)
	}
}
