// Command control is the Lambda of the reference stack that talks to Aurora.
package main

import (
	"context"
	"log"
	"os"
	"strconv"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/letsleep/letsleep/functions/control/handler"
)

func main() {
	port, err := strconv.Atoi(os.Getenv("DB_PORT"))
	if err != nil {
		port = 5432
	}
	db := handler.DB{
		Host: os.Getenv("DB_HOST"), Port: port, User: os.Getenv("DB_USER"),
		Name: os.Getenv("DB_NAME"), Region: os.Getenv("DB_REGION"),
	}
	var dial handler.Dialer
	if pw, ok := os.LookupEnv("DB_PASSWORD"); ok { // the lab only; AWS uses IAM auth
		dial = handler.PasswordDialer(db, pw)
	} else {
		cfg, err := config.LoadDefaultConfig(context.Background())
		if err != nil {
			log.Fatalf("control: load aws config: %v", err)
		}
		dial = handler.IAMDialer(db, cfg.Credentials)
	}
	h := &handler.Handler{Dial: dial}
	lambda.Start(h.Handle)
}
