// Command hot is the Lambda of the reference stack's hot path.
package main

import (
	"context"
	"log"
	"os"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/letsleep/letsleep/functions/hot/handler"
)

func main() {
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		log.Fatalf("hot: load aws config: %v", err)
	}
	ttl, err := strconv.Atoi(os.Getenv("ITEM_TTL_SECONDS"))
	if err != nil || ttl <= 0 {
		ttl = 86400
	}
	h := &handler.Handler{
		DB:    dynamodb.NewFromConfig(cfg),
		Table: os.Getenv("TABLE_NAME"),
		TTL:   time.Duration(ttl) * time.Second,
	}
	lambda.Start(h.Handle)
}
