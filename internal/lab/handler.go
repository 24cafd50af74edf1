//go:build linux

package lab

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/letsleep/letsleep/internal/model"

	controlh "github.com/letsleep/letsleep/functions/control/handler"
	egressh "github.com/letsleep/letsleep/functions/egress/handler"
	hoth "github.com/letsleep/letsleep/functions/hot/handler"
	warmuph "github.com/letsleep/letsleep/functions/warmup/handler"
)

// handlerEnv carries the handler spec to the child process.
const handlerEnv = "LETSLEEP_LAB_HANDLER"

// HandlerSpec is what one function's handler process needs: where the
// Lambda service invokes it (a unix socket, since invocation does not cross
// the VPC network) and what its code talks to.
type HandlerSpec struct {
	Function   string `json:"function"`
	Role       string `json:"role"`
	Socket     string `json:"socket"`
	DBAddr     string `json:"db_addr"`
	DBUser     string `json:"db_user"`
	DBPassword string `json:"db_password"`
	LLMURL     string `json:"llm_url"`
	CAPEM      string `json:"ca_pem"`
	// Invoke is the socket of the function the warm-up invokes (the
	// control function); "" when there is none.
	Invoke string `json:"invoke,omitempty"`
}

// InvokeResult is a handler's answer to one invocation.
type InvokeResult struct {
	Status    int             `json:"status"`
	Detail    string          `json:"detail"`
	LatencyMS float64         `json:"latency_ms"`
	Payload   json.RawMessage `json:"payload,omitempty"` // the handler's own response
	// FunctionError is set when the function failed (the Lambda API's
	// X-Amz-Function-Error); it names the error without its payload.
	FunctionError string `json:"function_error,omitempty"`
}

// handlerChild serves one function's handler on its unix socket until
// SIGTERM. Its outbound connections start inside the function namespace.
func handlerChild() int {
	var spec HandlerSpec
	if err := json.Unmarshal([]byte(os.Getenv(handlerEnv)), &spec); err != nil {
		fmt.Fprintf(os.Stderr, "lab handler: bad spec: %v\n", err)
		return 2
	}
	_ = os.Remove(spec.Socket)
	ln, err := net.Listen("unix", spec.Socket)
	if err != nil {
		fmt.Fprintf(os.Stderr, "lab handler: listen: %v\n", err)
		return 1
	}
	srv := &http.Server{Handler: newInvoker(spec), ReadHeaderTimeout: 5 * time.Second}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	go func() { <-sig; srv.Close() }()
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		fmt.Fprintf(os.Stderr, "lab handler: %v\n", err)
		return 1
	}
	return 0
}

// invoker runs the reference stack's own handler code (functions/<role>/handler)
// for the function's role, with lab dependencies:
//   - hot: its DynamoDB is an in-memory store (seeded with one item);
//   - control: PostgreSQL through the sentinel with the lab password;
//   - warm-up: its Lambda client invokes the control function's socket;
//   - egress: its API key comes from an in-memory secret, the LLM API is the
//     canary with the lab CA.
//
// A function without a known role answers 200 and touches nothing.
type invoker struct {
	spec HandlerSpec
	run  func(ctx context.Context, payload []byte) (int, []byte, error)
}

func newInvoker(spec HandlerSpec) *invoker {
	iv := &invoker{spec: spec}
	switch spec.Role {
	case model.RoleHot:
		store := newMemDynamo()
		h := &hoth.Handler{DB: store, Table: "lab-hot", TTL: time.Hour}
		seed := events.LambdaFunctionURLRequest{Body: `{"key":"feed","value":"precomputed"}`}
		seed.RequestContext.HTTP.Method = http.MethodPut
		_, _ = h.Handle(context.Background(), seed)
		iv.run = func(ctx context.Context, _ []byte) (int, []byte, error) {
			req := events.LambdaFunctionURLRequest{QueryStringParameters: map[string]string{"key": "feed"}}
			req.RequestContext.HTTP.Method = http.MethodGet
			resp, err := h.Handle(ctx, req)
			return resp.StatusCode, []byte(resp.Body), err
		}
	case model.RoleControl:
		host, portS, _ := net.SplitHostPort(spec.DBAddr)
		port, _ := strconv.Atoi(portS)
		h := &controlh.Handler{Timeout: 10 * time.Second,
			Dial: controlh.PasswordDialer(controlh.DB{Host: host, Port: port, User: spec.DBUser, Name: "postgres"}, spec.DBPassword)}
		iv.run = func(ctx context.Context, _ []byte) (int, []byte, error) {
			resp, err := h.Handle(ctx, controlh.Request{Action: "wake"})
			if err != nil {
				return http.StatusBadGateway, nil, err
			}
			b, _ := json.Marshal(resp)
			return http.StatusOK, b, nil
		}
	case model.RoleWarmup:
		h := &warmuph.Handler{Lambda: socketLambda{sock: spec.Invoke}, Control: "control", Timeout: 10 * time.Second}
		iv.run = func(ctx context.Context, _ []byte) (int, []byte, error) {
			req := events.APIGatewayV2HTTPRequest{}
			req.RequestContext.HTTP.Method = http.MethodPost
			resp, err := h.Handle(ctx, req)
			return resp.StatusCode, []byte(resp.Body), err
		}
	case model.RoleEgress:
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM([]byte(spec.CAPEM))
		h := &egressh.Handler{Secrets: memSecrets{"llm-api-key": "lab-throwaway-key"}, SecretID: "llm-api-key", URL: spec.LLMURL,
			HTTP: &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}}
		iv.run = func(ctx context.Context, _ []byte) (int, []byte, error) {
			resp, err := h.Handle(ctx, egressh.Request{Prompt: "say hi"})
			if err != nil {
				return http.StatusBadGateway, nil, err
			}
			b, _ := json.Marshal(resp)
			return http.StatusOK, b, nil
		}
	default:
		iv.run = func(context.Context, []byte) (int, []byte, error) {
			return http.StatusOK, []byte(`{"lab":"no handler for role ` + spec.Role + `"}`), nil
		}
	}
	return iv
}

func (iv *invoker) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 15*time.Second)
	defer cancel()
	payload, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	start := time.Now()
	status, body, err := iv.run(ctx, payload)
	res := InvokeResult{Status: status, LatencyMS: float64(time.Since(start).Microseconds()) / 1000}
	if json.Valid(body) {
		res.Payload = body
	}
	if err != nil {
		res.Detail = shortErr(err)
		res.FunctionError = res.Detail
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(res)
}

func shortErr(err error) string {
	s := err.Error()
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}
