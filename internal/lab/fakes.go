//go:build linux

package lab

import (
	"context"
	"encoding/json"
	"errors"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// memDynamo is the hot handler's table in the lab: an in-memory map keyed
// by the string partition key "pk". It answers GetItem and PutItem only,
// which is all the hot path calls.
type memDynamo struct {
	mu    sync.Mutex
	items map[string]map[string]types.AttributeValue
}

func newMemDynamo() *memDynamo {
	return &memDynamo{items: map[string]map[string]types.AttributeValue{}}
}

func pk(key map[string]types.AttributeValue) (string, error) {
	v, ok := key["pk"].(*types.AttributeValueMemberS)
	if !ok {
		return "", errors.New("lab dynamodb: the key needs a string pk")
	}
	return v.Value, nil
}

func (d *memDynamo) GetItem(_ context.Context, in *dynamodb.GetItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	k, err := pk(in.Key)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return &dynamodb.GetItemOutput{Item: d.items[k]}, nil
}

func (d *memDynamo) PutItem(_ context.Context, in *dynamodb.PutItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	k, err := pk(in.Item)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.items[k] = in.Item
	return &dynamodb.PutItemOutput{}, nil
}

// memSecrets is the egress function's Secrets Manager in the lab.
type memSecrets map[string]string

func (s memSecrets) GetSecretValue(_ context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	v, ok := s[aws.ToString(in.SecretId)]
	if !ok {
		return nil, errors.New("lab secrets: no such secret")
	}
	return &secretsmanager.GetSecretValueOutput{SecretString: aws.String(v)}, nil
}

// socketLambda is the warm-up's Lambda client in the lab: Invoke posts to
// the invoked function's handler socket, as the Lambda service would.
type socketLambda struct{ sock string }

func (s socketLambda) Invoke(ctx context.Context, in *lambda.InvokeInput, _ ...func(*lambda.Options)) (*lambda.InvokeOutput, error) {
	if s.sock == "" {
		return nil, errors.New("lab lambda: no function to invoke (the stack has no control function)")
	}
	res, err := invokeSocket(ctx, s.sock, in.Payload)
	if err != nil {
		return nil, err
	}
	out := &lambda.InvokeOutput{StatusCode: 200, Payload: res.Payload}
	if res.Status != 200 {
		out.FunctionError = aws.String("Unhandled: " + res.Detail)
		out.Payload, _ = json.Marshal(map[string]string{"errorMessage": res.Detail})
	}
	if len(out.Payload) == 0 {
		out.Payload = []byte("null")
	}
	return out, nil
}
