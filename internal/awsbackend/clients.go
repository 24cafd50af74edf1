package awsbackend

import (
	"context"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/rds"
)

// LambdaAPI invokes the twins and the control function, and reads a
// twin's live configuration.
type LambdaAPI interface {
	Invoke(ctx context.Context, in *lambda.InvokeInput, opts ...func(*lambda.Options)) (*lambda.InvokeOutput, error)
	GetFunctionConfiguration(ctx context.Context, in *lambda.GetFunctionConfigurationInput, opts ...func(*lambda.Options)) (*lambda.GetFunctionConfigurationOutput, error)
}

// IAMAPI asks the policy simulator.
type IAMAPI interface {
	SimulatePrincipalPolicy(ctx context.Context, in *iam.SimulatePrincipalPolicyInput, opts ...func(*iam.Options)) (*iam.SimulatePrincipalPolicyOutput, error)
}

// CloudWatchAPI reads the capacity metric.
type CloudWatchAPI interface {
	GetMetricStatistics(ctx context.Context, in *cloudwatch.GetMetricStatisticsInput, opts ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricStatisticsOutput, error)
}

// RDSAPI reads pause and resume events.
type RDSAPI interface {
	DescribeEvents(ctx context.Context, in *rds.DescribeEventsInput, opts ...func(*rds.Options)) (*rds.DescribeEventsOutput, error)
}

// Clients are the AWS clients the backend calls; tests pass fakes.
type Clients struct {
	Lambda     LambdaAPI
	IAM        IAMAPI
	CloudWatch CloudWatchAPI
	RDS        RDSAPI
	// HTTP drives the hot endpoints; plain net/http, no AWS signing.
	HTTP *http.Client
}

// ClientsFromConfig builds the real clients.
func ClientsFromConfig(cfg aws.Config) Clients {
	return Clients{
		Lambda:     lambda.NewFromConfig(cfg),
		IAM:        iam.NewFromConfig(cfg),
		CloudWatch: cloudwatch.NewFromConfig(cfg),
		RDS:        rds.NewFromConfig(cfg),
		HTTP:       &http.Client{Timeout: 10 * time.Second},
	}
}
