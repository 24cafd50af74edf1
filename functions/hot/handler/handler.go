// Package handler is the hot path of the reference stack: a small key/value
// API over a DynamoDB table whose items expire by TTL. It never touches the
// database, so hot traffic cannot wake a paused Aurora.
package handler

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Limits keep one request cheap and bounded.
const (
	MaxKeyBytes   = 256
	MaxValueBytes = 64 << 10
)

// DynamoDB is the part of the DynamoDB client the hot path uses; the lab
// points a real client at a local DynamoDB-compatible store.
type DynamoDB interface {
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
}

// Handler serves GET ?key=K and PUT/POST {"key","value"}.
type Handler struct {
	DB    DynamoDB
	Table string
	TTL   time.Duration    // item lifetime; DynamoDB TTL removes it later
	Now   func() time.Time // nil means time.Now
}

// Item is the body of a write and of a read answer.
type Item struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Handle answers a Lambda function URL request.
func (h *Handler) Handle(ctx context.Context, req events.LambdaFunctionURLRequest) (events.LambdaFunctionURLResponse, error) {
	switch req.RequestContext.HTTP.Method {
	case http.MethodGet:
		return h.get(ctx, req.QueryStringParameters["key"]), nil
	case http.MethodPut, http.MethodPost:
		if req.IsBase64Encoded {
			return reply(http.StatusBadRequest, errBody("send the item as plain JSON")), nil
		}
		return h.put(ctx, req.Body), nil
	default:
		return reply(http.StatusMethodNotAllowed, errBody("use GET, PUT or POST")), nil
	}
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

func (h *Handler) get(ctx context.Context, key string) events.LambdaFunctionURLResponse {
	if err := validKey(key); err != nil {
		return reply(http.StatusBadRequest, errBody(err.Error()))
	}
	out, err := h.DB.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(h.Table),
		Key:       map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: key}},
	})
	if err != nil {
		return reply(http.StatusBadGateway, errBody("store unavailable"))
	}
	value, ok := out.Item["value"].(*types.AttributeValueMemberS)
	if !ok || h.expired(out.Item) {
		return reply(http.StatusNotFound, errBody("no such key"))
	}
	body, _ := json.Marshal(Item{Key: key, Value: value.Value})
	return reply(http.StatusOK, string(body))
}

// expired hides items past their TTL: DynamoDB deletes them only eventually.
func (h *Handler) expired(item map[string]types.AttributeValue) bool {
	n, ok := item["expires_at"].(*types.AttributeValueMemberN)
	if !ok {
		return false
	}
	at, err := strconv.ParseInt(n.Value, 10, 64)
	return err == nil && at <= h.now().Unix()
}

func (h *Handler) put(ctx context.Context, body string) events.LambdaFunctionURLResponse {
	if len(body) > MaxKeyBytes+MaxValueBytes+64 {
		return reply(http.StatusRequestEntityTooLarge, errBody("item too large"))
	}
	var it Item
	if err := json.Unmarshal([]byte(body), &it); err != nil {
		return reply(http.StatusBadRequest, errBody(`send {"key": "...", "value": "..."}`))
	}
	if err := validKey(it.Key); err != nil {
		return reply(http.StatusBadRequest, errBody(err.Error()))
	}
	if len(it.Value) > MaxValueBytes {
		return reply(http.StatusRequestEntityTooLarge, errBody("value too large"))
	}
	expires := h.now().Add(h.TTL).Unix()
	_, err := h.DB.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String(h.Table),
		Item: map[string]types.AttributeValue{
			"pk":         &types.AttributeValueMemberS{Value: it.Key},
			"value":      &types.AttributeValueMemberS{Value: it.Value},
			"expires_at": &types.AttributeValueMemberN{Value: strconv.FormatInt(expires, 10)},
		},
	})
	if err != nil {
		return reply(http.StatusBadGateway, errBody("store unavailable"))
	}
	return reply(http.StatusNoContent, "")
}

func validKey(key string) error {
	switch {
	case key == "":
		return errors.New("key is required")
	case len(key) > MaxKeyBytes:
		return errors.New("key too long")
	}
	return nil
}

func errBody(msg string) string {
	b, _ := json.Marshal(map[string]string{"error": msg})
	return string(b)
}

func reply(status int, body string) events.LambdaFunctionURLResponse {
	r := events.LambdaFunctionURLResponse{StatusCode: status, Body: body}
	if body != "" {
		r.Headers = map[string]string{"Content-Type": "application/json"}
	}
	return r
}
