package probe

import (
	"context"
	"errors"
	"net"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/rdsdata"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// checkAWS makes one AWS call with the caller's own credentials. Outputs are
// dropped unread, and errors are reported by code or category only: AWS
// error messages can quote inputs, and a decoding error can quote a body.
func checkAWS(ctx context.Context, c Check, clients func(context.Context) (AWSClients, error), timeout time.Duration) (string, string) {
	cl, err := clients(ctx)
	if err != nil {
		return OutcomeError, "aws clients unavailable"
	}
	if c.AssumeRole != "" {
		if cl.AssumeRole == nil {
			return OutcomeError, "aws client not configured: sts assume role"
		}
		if cl, err = cl.AssumeRole(ctx, c.AssumeRole); err != nil {
			outcome, detail := classifyAWS(err, timeout)
			return outcome, "assume: " + detail
		}
	}
	switch c.Action {
	case ActionGetCallerIdentity:
		if cl.STS == nil {
			return OutcomeError, "aws client not configured: sts"
		}
		out, err := cl.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return classifyAWS(err, timeout)
		}
		return OutcomeReachable, "caller " + aws.ToString(out.Arn)
	case ActionGetSecretValue:
		if cl.Secrets == nil {
			return OutcomeError, "aws client not configured: secretsmanager"
		}
		// The output holds the secret: it is never kept, measured or echoed.
		if _, err := cl.Secrets.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(c.Target)}); err != nil {
			return classifyAWS(err, timeout)
		}
		return OutcomeReachable, "read ok"
	case ActionInvoke:
		if cl.Lambda == nil {
			return OutcomeError, "aws client not configured: lambda"
		}
		_, err := cl.Lambda.Invoke(ctx, &lambda.InvokeInput{
			FunctionName:   aws.String(c.Target),
			InvocationType: lambdatypes.InvocationTypeDryRun,
		})
		if err != nil {
			return classifyAWS(err, timeout)
		}
		return OutcomeReachable, "invoke allowed (dry run)"
	case ActionGetParameter:
		if cl.SSM == nil {
			return OutcomeError, "aws client not configured: ssm"
		}
		// The output holds the value: never kept, measured or echoed.
		if _, err := cl.SSM.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(c.Target), WithDecryption: aws.Bool(true)}); err != nil {
			return classifyAWS(err, timeout)
		}
		return OutcomeReachable, "read ok"
	case ActionExecuteStatement:
		if cl.RDSData == nil {
			return OutcomeError, "aws client not configured: rds-data"
		}
		// The records are dropped unread.
		if _, err := cl.RDSData.ExecuteStatement(ctx, &rdsdata.ExecuteStatementInput{
			ResourceArn: aws.String(c.Target), SecretArn: aws.String(c.Secret), Sql: aws.String("SELECT 1")}); err != nil {
			return classifyAWS(err, timeout)
		}
		return OutcomeReachable, "statement ran"
	}
	return OutcomeError, "unknown aws action"
}

// classifyAWS maps an SDK error to an outcome without quoting its message.
func classifyAWS(err error, timeout time.Duration) (string, string) {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		code := apiErr.ErrorCode()
		if deniedCode(code) {
			return OutcomeDenied, code
		}
		return OutcomeError, "aws error " + code
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return OutcomeDNSError, "aws endpoint: " + dnsDetail(dnsErr)
	}
	outcome, _ := classifyNet(err, timeout)
	switch outcome {
	case OutcomeTimeout, OutcomeRefused:
		// Same outcome as a network check, but a fixed detail.
		return outcome, "aws endpoint not reachable (" + outcome + ")"
	}
	return OutcomeError, "aws request failed without an API error code"
}

// deniedCode reports whether an AWS error code is an authorisation refusal.
func deniedCode(code string) bool {
	switch {
	case strings.HasPrefix(code, "AccessDenied"), // AccessDenied, AccessDeniedException
		strings.HasPrefix(code, "AuthorizationError"),
		code == "UnauthorizedOperation",
		code == "UnauthorizedAccess",
		code == "Forbidden":
		return true
	}
	return false
}
