//go:build linux

package lab

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smithy "github.com/aws/smithy-go"
)

// The stand-ins answer the real SDK clients the handlers' main.go build
// (loopback only, no lab): what they accept, and what they refuse as AWS does.
func TestAWSStandInsSpeakTheSDKProtocols(t *testing.T) {
	var invoked []string
	api := &awsAPI{region: "eu-west-1",
		tables:    map[string]map[string]json.RawMessage{"hot-table": {}},
		secrets:   map[string]string{"arn:aws:secretsmanager:eu-west-1:000000000000:secret:key": "throwaway"},
		functions: map[string]string{"stack-control": "aws_lambda_function.control"},
		invoke: func(_ context.Context, fn string, payload []byte) (InvokeResult, error) {
			invoked = append(invoked, fn+" "+string(payload))
			if strings.Contains(string(payload), "fail") {
				return InvokeResult{Status: 502, FunctionError: "boom"}, nil
			}
			return InvokeResult{Status: 200, Payload: json.RawMessage(`{"ok":true}`)}, nil
		}}
	srv := httptest.NewServer(api)
	defer srv.Close()
	cfg := aws.Config{Region: "eu-west-1", Credentials: credentials.NewStaticCredentialsProvider("lab-fake", "lab-fake", "")}
	ctx := context.Background()

	db := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(srv.URL) })
	key := map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "k"}}
	got, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("hot-table"), Key: key})
	if err != nil || got.Item != nil {
		t.Fatalf("get of a missing item: %v %v", got, err)
	}
	item := map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "k"}, "value": &types.AttributeValueMemberS{Value: "v"},
		"expires_at": &types.AttributeValueMemberN{Value: "1700000000"}}
	if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("hot-table"), Item: item}); err != nil {
		t.Fatal(err)
	}
	got, err = db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("hot-table"), Key: key})
	if err != nil || got.Item["value"].(*types.AttributeValueMemberS).Value != "v" || got.Item["expires_at"].(*types.AttributeValueMemberN).Value != "1700000000" {
		t.Fatalf("get after put: %+v %v", got, err)
	}
	_, err = db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("other"), Key: key})
	wantCode(t, err, "ResourceNotFoundException")
	_, err = db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("hot-table"), Key: map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: "k"}}})
	wantCode(t, err, "ValidationException")

	sm := secretsmanager.NewFromConfig(cfg, func(o *secretsmanager.Options) { o.BaseEndpoint = aws.String(srv.URL) })
	sv, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("arn:aws:secretsmanager:eu-west-1:000000000000:secret:key")})
	if err != nil || aws.ToString(sv.SecretString) != "throwaway" {
		t.Fatalf("secret: %v", err)
	}
	_, err = sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("db-master")})
	wantCode(t, err, "ResourceNotFoundException")

	lc := lambda.NewFromConfig(cfg, func(o *lambda.Options) { o.BaseEndpoint = aws.String(srv.URL) })
	out, err := lc.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("arn:aws:lambda:eu-west-1:000000000000:function:stack-control"), Payload: []byte(`{"action":"wake"}`)})
	if err != nil || out.StatusCode != 200 || out.FunctionError != nil || string(out.Payload) != `{"ok":true}` {
		t.Fatalf("invoke: %+v %v", out, err)
	}
	out, err = lc.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("stack-control"), Payload: []byte(`{"action":"fail"}`)})
	if err != nil || aws.ToString(out.FunctionError) != "Unhandled" {
		t.Fatalf("a failing function: %+v %v", out, err)
	}
	_, err = lc.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("nobody"), Payload: []byte(`{}`)})
	wantCode(t, err, "ResourceNotFoundException")
	if len(invoked) != 2 || invoked[0] != `aws_lambda_function.control {"action":"wake"}` {
		t.Fatalf("invocations %q", invoked)
	}

	// Signed for another region: refused, as AWS refuses a wrong scope.
	other := cfg.Copy()
	other.Region = "us-east-1"
	_, err = secretsmanager.NewFromConfig(other, func(o *secretsmanager.Options) { o.BaseEndpoint = aws.String(srv.URL) }).
		GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("x")})
	wantCode(t, err, "InvalidSignatureException")

	// The record names service, operation and target, never a value.
	for _, c := range api.Calls() {
		if b, _ := json.Marshal(c); strings.Contains(string(b), "throwaway") || strings.Contains(string(b), `"v"`) {
			t.Fatalf("a call record carries a value: %s", b)
		}
	}
	if s := strings.Join(CallSummary(api.Calls()), "\n"); !strings.Contains(s, "lambda Invoke on aws_lambda_function.control by 127.0.0.1: 200 (×2)") {
		t.Errorf("summary:\n%s", s)
	}
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code {
		t.Fatalf("error %v; want %s", err, code)
	}
}
