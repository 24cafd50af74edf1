// Package handler is the warm-up function of the reference stack: it wakes
// Aurora ahead of use by invoking the control function. Wakes are single
// flight: concurrent requests share one invocation, so a burst of callers
// costs one wake, not many.
package handler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"golang.org/x/sync/singleflight"
)

// Invoker is the part of the Lambda client the handler uses.
type Invoker interface {
	Invoke(ctx context.Context, in *lambda.InvokeInput, optFns ...func(*lambda.Options)) (*lambda.InvokeOutput, error)
}

// Handler wakes the database through the control function.
type Handler struct {
	Lambda  Invoker
	Control string        // name or ARN of the control function
	Timeout time.Duration // bound on one wake; default 50s covers a resume

	group singleflight.Group
}

// Result is the answer of a wake.
type Result struct {
	Woke    bool            `json:"woke"`
	Shared  bool            `json:"shared"`  // this caller joined a wake already in flight
	Control json.RawMessage `json:"control"` // the control function's response
}

// Wake invokes the control function once for all concurrent callers.
func (h *Handler) Wake(ctx context.Context) (Result, error) {
	ch := h.group.DoChan("wake", func() (any, error) {
		timeout := h.Timeout
		if timeout <= 0 {
			timeout = 50 * time.Second
		}
		// The shared wake must not die with the first caller's context.
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
		defer cancel()
		return h.invoke(wctx)
	})
	select {
	case <-ctx.Done():
		return Result{}, fmt.Errorf("wake: %w", ctx.Err())
	case r := <-ch:
		if r.Err != nil {
			return Result{}, r.Err
		}
		return Result{Woke: true, Shared: r.Shared, Control: r.Val.(json.RawMessage)}, nil
	}
}

func (h *Handler) invoke(ctx context.Context) (json.RawMessage, error) {
	out, err := h.Lambda.Invoke(ctx, &lambda.InvokeInput{
		FunctionName: aws.String(h.Control),
		Payload:      []byte(`{"action":"wake"}`),
	})
	if err != nil {
		return nil, fmt.Errorf("invoke control: %w", err)
	}
	if out.FunctionError != nil {
		// The payload of a failed invocation may carry details; keep them out.
		return nil, fmt.Errorf("control failed: %s", aws.ToString(out.FunctionError))
	}
	if !json.Valid(out.Payload) {
		return nil, errors.New("control answered with invalid JSON")
	}
	return json.RawMessage(out.Payload), nil
}

// Handle serves the IAM-signed API route (POST /wake).
func (h *Handler) Handle(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	if req.RequestContext.HTTP.Method != http.MethodPost {
		return respond(http.StatusMethodNotAllowed, map[string]string{"error": "use POST"}), nil
	}
	res, err := h.Wake(ctx)
	if err != nil {
		return respond(http.StatusBadGateway, map[string]string{"error": "wake failed"}), nil
	}
	return respond(http.StatusOK, res), nil
}

func respond(status int, v any) events.APIGatewayV2HTTPResponse {
	body, _ := json.Marshal(v)
	return events.APIGatewayV2HTTPResponse{
		StatusCode: status,
		Headers:    map[string]string{"Content-Type": "application/json"},
		Body:       string(body),
	}
}
