// Command egress is the Lambda of the reference stack that goes out to an LLM API.
package main

import (
	"context"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/letsleep/letsleep/functions/egress/handler"
)

func main() {
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		log.Fatalf("egress: load aws config: %v", err)
	}
	h := &handler.Handler{
		Secrets:  secretsmanager.NewFromConfig(cfg),
		SecretID: os.Getenv("API_KEY_SECRET_ID"),
		URL:      os.Getenv("LLM_API_URL"),
		HTTP:     &http.Client{Timeout: 25 * time.Second},
	}
	lambda.Start(h.Handle)
}
