package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/letsleep/letsleep/internal/probe"
	"github.com/letsleep/letsleep/internal/probe/probetest"
)

// fakeRuntimeAPI serves the Lambda Runtime API on loopback: one invocation
// with payload, then it records the response the function posts.
type fakeRuntimeAPI struct {
	payload  []byte
	served   atomic.Bool
	response chan []byte
	failure  chan []byte
}

func (f *fakeRuntimeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/2018-06-01/runtime/invocation/next":
		if f.served.Swap(true) { // one invocation only: hold the next poll until the test ends
			<-r.Context().Done()
			return
		}
		w.Header().Set("Lambda-Runtime-Aws-Request-Id", "req-1")
		w.Header().Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(time.Now().Add(30*time.Second).UnixMilli(), 10))
		w.Header().Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:eu-west-1:111122223333:function:lsl-probe-test")
		w.Write(f.payload)
	case r.Method == http.MethodPost && r.URL.Path == "/2018-06-01/runtime/invocation/req-1/response":
		body, _ := io.ReadAll(r.Body)
		w.WriteHeader(http.StatusAccepted)
		f.response <- body
	default:
		body, _ := io.ReadAll(r.Body)
		w.WriteHeader(http.StatusAccepted)
		f.failure <- append([]byte(r.URL.Path+": "), body...)
	}
}

// The real bootstrap binary, built as `make probes` builds it, answers an
// invocation through the Runtime API.
func TestBootstrapBinaryInLambdaMode(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "bootstrap")
	build := exec.Command("go", "build", "-trimpath", "-tags", "lambda.norpc", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v: %s", err, out)
	}

	addr := probetest.ClosingListener(t) // a loopback port the probe checks
	api := &fakeRuntimeAPI{
		payload:  []byte(`{"id":"lambda-1","checks":[{"name":"db","kind":"tcp","host":"127.0.0.1","port":` + strconv.Itoa(addr.Port) + `}]}`),
		response: make(chan []byte, 1),
		failure:  make(chan []byte, 1),
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: api}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = []string{"AWS_LAMBDA_RUNTIME_API=" + ln.Addr().String(), "AWS_REGION=eu-west-1", "AWS_LAMBDA_FUNCTION_NAME=lsl-probe-test"}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })

	select {
	case body := <-api.response:
		var resp probe.Response
		if err := json.Unmarshal(body, &resp); err != nil {
			t.Fatalf("response %q: %v", body, err)
		}
		if resp.ID != "lambda-1" || len(resp.Results) != 1 || resp.Results[0].Outcome != probe.OutcomeReachable {
			t.Fatalf("response %s", body)
		}
	case body := <-api.failure:
		t.Fatalf("the function reported an error: %s", body)
	case <-ctx.Done():
		t.Fatal("no response from the bootstrap binary within 20s")
	}
}
