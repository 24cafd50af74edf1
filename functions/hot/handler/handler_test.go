package handler

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// fakeTable is an in-memory DynamoDB table keyed by "pk".
type fakeTable struct {
	mu    sync.Mutex
	items map[string]map[string]types.AttributeValue
	fail  error
	table string // the table name every call must carry
}

// refuse is what every call answers before touching items: the injected
// failure, or DynamoDB's error for a table name other than the table's.
func (f *fakeTable) refuse(table *string) error {
	if f.fail != nil {
		return f.fail
	}
	if *table != f.table {
		return errors.New("ResourceNotFoundException")
	}
	return nil
}

func (f *fakeTable) GetItem(_ context.Context, in *dynamodb.GetItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.refuse(in.TableName); err != nil {
		return nil, err
	}
	pk := in.Key["pk"].(*types.AttributeValueMemberS).Value
	return &dynamodb.GetItemOutput{Item: f.items[pk]}, nil
}

func (f *fakeTable) PutItem(_ context.Context, in *dynamodb.PutItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.refuse(in.TableName); err != nil {
		return nil, err
	}
	if f.items == nil {
		f.items = map[string]map[string]types.AttributeValue{}
	}
	f.items[in.Item["pk"].(*types.AttributeValueMemberS).Value] = in.Item
	return &dynamodb.PutItemOutput{}, nil
}

func request(method, key, body string) events.LambdaFunctionURLRequest {
	r := events.LambdaFunctionURLRequest{Body: body, QueryStringParameters: map[string]string{}}
	r.RequestContext.HTTP.Method = method
	if key != "" {
		r.QueryStringParameters["key"] = key
	}
	return r
}

func TestPutThenGetWithTTL(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	db := &fakeTable{table: "hot"}
	h := &Handler{DB: db, Table: "hot", TTL: time.Hour, Now: func() time.Time { return now }}

	resp, err := h.Handle(context.Background(), request("PUT", "", `{"key":"a","value":"v1"}`))
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("put: %d %v", resp.StatusCode, err)
	}
	stored := db.items["a"]["expires_at"].(*types.AttributeValueMemberN).Value
	if stored != "1700003600" {
		t.Fatalf("expires_at = %s, want now+1h = 1700003600", stored)
	}

	resp, _ = h.Handle(context.Background(), request("GET", "a", ""))
	var it Item
	if resp.StatusCode != http.StatusOK || json.Unmarshal([]byte(resp.Body), &it) != nil || it.Value != "v1" {
		t.Fatalf("get: %d %q", resp.StatusCode, resp.Body)
	}

	// Past the TTL the item is gone for readers even if DynamoDB has not removed it yet.
	now = now.Add(2 * time.Hour)
	resp, _ = h.Handle(context.Background(), request("GET", "a", ""))
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("expired get: %d %q", resp.StatusCode, resp.Body)
	}
}

func TestBadRequests(t *testing.T) {
	h := &Handler{DB: &fakeTable{table: "hot"}, Table: "hot", TTL: time.Minute}
	cases := []struct {
		name string
		req  events.LambdaFunctionURLRequest
		want int
	}{
		{"get without key", request("GET", "", ""), http.StatusBadRequest},
		{"get unknown key", request("GET", "missing", ""), http.StatusNotFound},
		{"key too long", request("GET", strings.Repeat("k", MaxKeyBytes+1), ""), http.StatusBadRequest},
		{"body not json", request("POST", "", "key=a"), http.StatusBadRequest},
		{"put without key", request("POST", "", `{"value":"v"}`), http.StatusBadRequest},
		{"value too large", request("POST", "", `{"key":"a","value":"`+strings.Repeat("v", MaxValueBytes+1)+`"}`), http.StatusRequestEntityTooLarge},
		{"delete", request("DELETE", "a", ""), http.StatusMethodNotAllowed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, err := h.Handle(context.Background(), c.req)
			if err != nil || resp.StatusCode != c.want {
				t.Fatalf("got %d (%v), want %d; body %q", resp.StatusCode, err, c.want, resp.Body)
			}
		})
	}
}

func TestStoreErrorsDoNotLeakDetails(t *testing.T) {
	h := &Handler{DB: &fakeTable{table: "hot", fail: errors.New("AccessDenied for arn:aws:iam::123:role/x")}, Table: "hot"}
	for _, req := range []events.LambdaFunctionURLRequest{request("GET", "a", ""), request("PUT", "", `{"key":"a","value":"private"}`)} {
		resp, _ := h.Handle(context.Background(), req)
		if resp.StatusCode != http.StatusBadGateway {
			t.Fatalf("status %d, want 502", resp.StatusCode)
		}
		if strings.Contains(resp.Body, "arn:aws") || strings.Contains(resp.Body, "private") {
			t.Fatalf("error body leaks details: %q", resp.Body)
		}
	}
}

func TestServeHTTP(t *testing.T) {
	h := &Handler{DB: &fakeTable{table: "hot"}, Table: "hot", TTL: time.Minute}
	srv := httptest.NewServer(h) // loopback only
	defer srv.Close()
	client := &http.Client{Timeout: 5 * time.Second}

	resp, err := client.Post(srv.URL, "application/json", strings.NewReader(`{"key":"k","value":"hello"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("post: %d", resp.StatusCode)
	}
	resp, err = client.Get(srv.URL + "/?key=k")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var it Item
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&it) != nil || it.Value != "hello" {
		t.Fatalf("get: %d %+v", resp.StatusCode, it)
	}
}
