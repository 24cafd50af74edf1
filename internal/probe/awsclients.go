package probe

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
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
	return AWSClients{
		STS:     sts.NewFromConfig(cfg),
		Secrets: secretsmanager.NewFromConfig(cfg),
		Lambda:  lambda.NewFromConfig(cfg),
	}
}
