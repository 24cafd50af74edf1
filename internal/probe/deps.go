package probe

import (
	"context"
	"io"
	"log/slog"
	"net"

	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/rdsdata"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// STSAPI is the part of the STS client the probe uses.
type STSAPI interface {
	GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput, opts ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

// SecretsAPI is the part of the Secrets Manager client the probe uses.
type SecretsAPI interface {
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, opts ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

// LambdaAPI is the part of the Lambda client the probe uses.
type LambdaAPI interface {
	Invoke(ctx context.Context, in *lambda.InvokeInput, opts ...func(*lambda.Options)) (*lambda.InvokeOutput, error)
}

// SSMAPI is the part of the SSM client the probe uses.
type SSMAPI interface {
	GetParameter(ctx context.Context, in *ssm.GetParameterInput, opts ...func(*ssm.Options)) (*ssm.GetParameterOutput, error)
}

// RDSDataAPI is the part of the RDS Data API client the probe uses.
type RDSDataAPI interface {
	ExecuteStatement(ctx context.Context, in *rdsdata.ExecuteStatementInput, opts ...func(*rdsdata.Options)) (*rdsdata.ExecuteStatementOutput, error)
}

// AWSClients are the clients aws checks call with. A nil client makes its
// checks end in OutcomeError ("aws client not configured").
type AWSClients struct {
	STS     STSAPI
	Secrets SecretsAPI
	Lambda  LambdaAPI
	SSM     SSMAPI
	RDSData RDSDataAPI
	// AssumeRole returns the clients of a session of role (sts:AssumeRole
	// with these clients' credentials); nil makes checks with AssumeRole
	// end in OutcomeError.
	AssumeRole func(ctx context.Context, role string) (AWSClients, error)
}

// Deps are what Run needs from its environment. The zero value works for
// network checks: the system resolver, no AWS clients, no logs.
type Deps struct {
	// Resolver resolves names for every check; nil means net.DefaultResolver.
	Resolver *net.Resolver
	// AWS returns the AWS clients; it is called once, and only when the
	// request holds an aws check, so a request without one never loads
	// AWS configuration.
	AWS func(ctx context.Context) (AWSClients, error)
	// Logger receives one line per check: name, kind, outcome, latency.
	// Never details, never values. Nil discards.
	Logger *slog.Logger
	// Concurrency bounds checks run at once; 0 means DefaultConcurrency.
	Concurrency int
}

func (d Deps) resolver() *net.Resolver {
	if d.Resolver != nil {
		return d.Resolver
	}
	return net.DefaultResolver
}

func (d Deps) logger() *slog.Logger {
	if d.Logger != nil {
		return d.Logger
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func (d Deps) concurrency() int {
	if d.Concurrency > 0 {
		return d.Concurrency
	}
	return DefaultConcurrency
}
