// Command warmup is the Lambda of the reference stack that wakes Aurora on purpose.
package main

import (
	"context"
	"log"
	"os"

	awslambda "github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/letsleep/letsleep/functions/warmup/handler"
)

func main() {
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		log.Fatalf("warmup: load aws config: %v", err)
	}
	h := &handler.Handler{Lambda: lambda.NewFromConfig(cfg), Control: os.Getenv("CONTROL_FUNCTION")}
	awslambda.Start(h.Handle)
}
