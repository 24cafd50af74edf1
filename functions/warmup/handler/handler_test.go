package handler

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// fakeLambda counts invocations and holds each one until released.
type fakeLambda struct {
	calls   atomic.Int32
	release chan struct{}
	out     *lambda.InvokeOutput
	err     error
}

func (f *fakeLambda) Invoke(ctx context.Context, in *lambda.InvokeInput, _ ...func(*lambda.Options)) (*lambda.InvokeOutput, error) {
	f.calls.Add(1)
	if aws.ToString(in.FunctionName) != "control" || string(in.Payload) != `{"action":"wake"}` {
		return nil, errors.New("unexpected invocation")
	}
	if f.release != nil {
		select {
		case <-f.release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return f.out, f.err
}

func post() events.APIGatewayV2HTTPRequest {
	var r events.APIGatewayV2HTTPRequest
	r.RequestContext.HTTP.Method = http.MethodPost
	return r
}

func TestConcurrentWakesShareOneInvocation(t *testing.T) {
	fl := &fakeLambda{release: make(chan struct{}), out: &lambda.InvokeOutput{Payload: []byte(`{"ok":true,"connect_ms":15000}`)}}
	h := &Handler{Lambda: fl, Control: "control", Timeout: 5 * time.Second}

	const callers = 10
	var wg sync.WaitGroup
	results := make(chan events.APIGatewayV2HTTPResponse, callers)
	var started sync.WaitGroup
	started.Add(callers)
	for i := 0; i < callers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			started.Done()
			resp, _ := h.Handle(context.Background(), post())
			results <- resp
		}()
	}
	// Wait (bounded) until the one wake is in flight, then let it finish.
	deadline := time.Now().Add(2 * time.Second)
	for fl.calls.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	// Every caller has started; give them time to reach the shared call.
	// On a loaded machine 50 ms after the first call was not enough (CI at
	// load 30 saw a second invocation from a caller scheduled late).
	started.Wait()
	time.Sleep(300 * time.Millisecond)
	close(fl.release)
	wg.Wait()
	close(results)

	if n := fl.calls.Load(); n != 1 {
		t.Fatalf("%d invocations for %d concurrent callers, want 1", n, callers)
	}
	shared := 0
	for resp := range results {
		var res Result
		if resp.StatusCode != http.StatusOK || json.Unmarshal([]byte(resp.Body), &res) != nil || !res.Woke {
			t.Fatalf("response %d %q", resp.StatusCode, resp.Body)
		}
		if !strings.Contains(string(res.Control), `"connect_ms":15000`) {
			t.Fatalf("control response not passed through: %s", res.Control)
		}
		if res.Shared {
			shared++
		}
	}
	if shared == 0 {
		t.Fatal("no caller reported joining the shared wake")
	}
}

func TestSequentialWakesInvokeEachTime(t *testing.T) {
	fl := &fakeLambda{out: &lambda.InvokeOutput{Payload: []byte(`{"ok":true}`)}}
	h := &Handler{Lambda: fl, Control: "control"}
	for i := 0; i < 3; i++ {
		if _, err := h.Wake(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if n := fl.calls.Load(); n != 3 {
		t.Fatalf("%d invocations, want 3", n)
	}
}

func TestFailuresBecome502WithoutDetails(t *testing.T) {
	cases := map[string]*fakeLambda{
		"invoke error":   {err: errors.New("AccessDeniedException: arn:aws:iam::123:role/warmup")},
		"function error": {out: &lambda.InvokeOutput{FunctionError: aws.String("Unhandled"), Payload: []byte(`{"errorMessage":"password authentication failed"}`)}},
		"bad payload":    {out: &lambda.InvokeOutput{Payload: []byte(`not json`)}},
	}
	for name, fl := range cases {
		t.Run(name, func(t *testing.T) {
			resp, err := (&Handler{Lambda: fl, Control: "control"}).Handle(context.Background(), post())
			if err != nil || resp.StatusCode != http.StatusBadGateway {
				t.Fatalf("got %d %v", resp.StatusCode, err)
			}
			if strings.Contains(resp.Body, "arn:aws") || strings.Contains(resp.Body, "password") {
				t.Fatalf("body leaks details: %q", resp.Body)
			}
		})
	}
}

func TestCallerDeadlineIsBounded(t *testing.T) {
	fl := &fakeLambda{release: make(chan struct{})} // never released
	h := &Handler{Lambda: fl, Control: "control", Timeout: time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := h.Wake(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if time.Since(start) > time.Second {
		t.Fatalf("caller waited %s past its deadline", time.Since(start))
	}
}

func TestOnlyPost(t *testing.T) {
	fl := &fakeLambda{}
	var r events.APIGatewayV2HTTPRequest
	r.RequestContext.HTTP.Method = http.MethodGet
	resp, _ := (&Handler{Lambda: fl, Control: "control"}).Handle(context.Background(), r)
	if resp.StatusCode != http.StatusMethodNotAllowed || fl.calls.Load() != 0 {
		t.Fatalf("GET: %d with %d invocations", resp.StatusCode, fl.calls.Load())
	}
}
