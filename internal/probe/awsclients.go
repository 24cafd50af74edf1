package probe

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/rdsdata"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// NewAWSClients builds the real clients from the default credential chain
// (in Lambda: the function's own execution role). Retries are capped so a
// check stays within its timeout rather than backing off past it.
func NewAWSClients(ctx context.Context) (AWSClients, error) {
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRetryMaxAttempts(2))
	if err != nil {
		return AWSClients{}, fmt.Errorf("load aws config: %w", err)
	}
	return ClientsFromConfig(cfg), nil
}

// ClientsFromConfig builds the clients from an existing configuration.
func ClientsFromConfig(cfg aws.Config) AWSClients {
	stsClient := sts.NewFromConfig(cfg)
	return AWSClients{
		STS:     stsClient,
		Secrets: secretsmanager.NewFromConfig(cfg),
		Lambda:  lambda.NewFromConfig(cfg),
		SSM:     ssm.NewFromConfig(cfg),
		RDSData: rdsdata.NewFromConfig(cfg),
		AssumeRole: func(ctx context.Context, role string) (AWSClients, error) {
			out, err := stsClient.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("letsleep-probe")})
			if err != nil {
				return AWSClients{}, err
			}
			if out.Credentials == nil {
				return AWSClients{}, fmt.Errorf("assume role: no credentials")
			}
			session := cfg.Copy()
			c := out.Credentials
			session.Credentials = aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(
				aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken)))
			return ClientsFromConfig(session), nil
		},
	}
}
