package awsbackend

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/probe"
)

// echoTwin answers like a probe twin: every check reachable.
func echoTwin(in *lambda.InvokeInput) (*lambda.InvokeOutput, error) {
	var req probe.Request
	if err := json.Unmarshal(in.Payload, &req); err != nil {
		return nil, err
	}
	resp := probe.Response{ID: req.ID}
	for _, c := range req.Checks {
		resp.Results = append(resp.Results, probe.Result{Name: c.Name, Kind: c.Kind, Outcome: probe.OutcomeReachable})
	}
	body, _ := json.Marshal(resp)
	return &lambda.InvokeOutput{StatusCode: 200, Payload: body}, nil
}

func TestInvokeProbe(t *testing.T) {
	f := &fakeLambda{answer: echoTwin}
	req := probe.Request{ID: "r1", Checks: []probe.Check{{Name: "db", Kind: probe.KindTCP, Host: "db", Port: 5432}}}
	resp, err := InvokeProbe(context.Background(), f, "lsl-probe-x", req)
	if err != nil || resp.ID != "r1" || len(resp.Results) != 1 || resp.Results[0].Name != "db" {
		t.Fatalf("resp %+v err %v", resp, err)
	}
	in := f.calls[0]
	if aws.ToString(in.FunctionName) != "lsl-probe-x" || in.InvocationType != lambdatypes.InvocationTypeRequestResponse {
		t.Fatalf("invoke input %+v", in)
	}

	cases := map[string]func(*lambda.InvokeInput) (*lambda.InvokeOutput, error){
		"function error": func(*lambda.InvokeInput) (*lambda.InvokeOutput, error) {
			return &lambda.InvokeOutput{FunctionError: aws.String("Unhandled"), Payload: []byte(`{"errorMessage":"Task timed out after 30.00 seconds"}`)}, nil
		},
		"bad response": func(*lambda.InvokeInput) (*lambda.InvokeOutput, error) {
			return &lambda.InvokeOutput{Payload: []byte(strings.Repeat("x", 500))}, nil
		},
		"other request": func(*lambda.InvokeInput) (*lambda.InvokeOutput, error) {
			return &lambda.InvokeOutput{Payload: []byte(`{"id":"someone-else","results":[]}`)}, nil
		},
		"invoke failed": func(*lambda.InvokeInput) (*lambda.InvokeOutput, error) {
			return nil, errors.New("AccessDeniedException")
		},
	}
	for name, answer := range cases {
		_, err := InvokeProbe(context.Background(), &fakeLambda{answer: answer}, "lsl-probe-x", req)
		if err == nil || !strings.Contains(err.Error(), "lsl-probe-x") || len(err.Error()) > 400 {
			t.Errorf("%s: err %v", name, err)
		}
	}
}

func TestWakeControl(t *testing.T) {
	f := &fakeLambda{answer: func(in *lambda.InvokeInput) (*lambda.InvokeOutput, error) {
		if string(in.Payload) != `{"action":"wake"}` {
			return nil, errors.New("unexpected payload " + string(in.Payload))
		}
		return &lambda.InvokeOutput{Payload: []byte(`{"ok":true,"connect_ms":14800,"query_ms":12}`)}, nil
	}}
	d, err := WakeControl(context.Background(), f, "lsl-abc-control")
	if err != nil || d != 14812*time.Millisecond {
		t.Fatalf("d=%v err=%v", d, err)
	}
	f.answer = func(*lambda.InvokeInput) (*lambda.InvokeOutput, error) {
		return &lambda.InvokeOutput{Payload: []byte(`{"ok":false}`)}, nil
	}
	if _, err := WakeControl(context.Background(), f, "lsl-abc-control"); err == nil {
		t.Fatal("ok=false accepted")
	}
}

func testBackend(f *fakeLambda) *Backend {
	m := &model.Model{Functions: []model.Function{
		{Address: "c", Role: model.RoleControl, InVPC: true, DataPaths: []model.Path{{Kind: model.PathNetwork}}},
		{Address: "e", Role: model.RoleEgress, Egress: []model.Path{{Kind: model.PathOutsideVPC}}},
		{Address: "h", Role: model.RoleHot},
	}}
	return &Backend{
		opts:    Options{Model: m, CanaryURL: "https://canary.example:8443/x", AllowWake: true},
		clients: Clients{Lambda: f},
		stack: &Stack{
			Functions: []Function{{Address: "c", Name: "lsl-c", RoleARN: "role-c"}, {Address: "e", Name: "lsl-e", RoleARN: "role-e"}, {Address: "h", Name: "lsl-h", RoleARN: "role-h"}},
			DBHost:    "db.cluster", DBPort: 5432,
			Outputs: map[string]string{"hot_url": "https://hot.example/", "viewer_domain_name": "d1.cloudfront.net"},
		},
		twins: map[string]string{"c": "lsl-probe-c", "e": "lsl-probe-e", "h": "lsl-probe-h"},
	}
}

func TestBackendMethods(t *testing.T) {
	f := &fakeLambda{answer: echoTwin}
	b := testBackend(f)
	ctxs := b.Contexts()
	if len(ctxs) != 3 {
		t.Fatalf("contexts %+v", ctxs)
	}
	if c := ctxs[0]; !c.DataCapable || c.CanGoOut || c.Name != "lsl-c" || c.ExecutionRole != "role-c" || !c.InVPC {
		t.Fatalf("control context %+v", c)
	}
	if e := ctxs[1]; !e.CanGoOut || e.DataCapable {
		t.Fatalf("egress context %+v", e)
	}
	if _, err := b.Probe(context.Background(), "e", probe.Request{ID: "x"}); err != nil || aws.ToString(f.calls[0].FunctionName) != "lsl-probe-e" {
		t.Fatalf("probe went to %v: %v", f.calls, err)
	}
	if _, err := b.Probe(context.Background(), "nope", probe.Request{ID: "x"}); err == nil {
		t.Fatal("probe of an unknown function accepted")
	}
	if c := b.Canary(); c.Addr.Host != "canary.example" || c.Addr.Port != 8443 {
		t.Fatalf("canary %+v", c)
	}
	if db := b.DBEndpoint(); db.Host != "db.cluster" || db.Port != 5432 {
		t.Fatalf("db %+v", db)
	}
	hot := b.HotEndpoints()
	if len(hot) != 2 || hot[0].Function != "h" || !hot[0].Public || hot[1].URL != "https://d1.cloudfront.net" {
		t.Fatalf("hot endpoints %+v", hot)
	}

	f.answer = func(*lambda.InvokeInput) (*lambda.InvokeOutput, error) {
		return &lambda.InvokeOutput{Payload: []byte(`{"ok":true,"connect_ms":100,"query_ms":1}`)}, nil
	}
	if d, err := b.WakeViaControl(context.Background()); err != nil || d != 101*time.Millisecond || aws.ToString(f.calls[len(f.calls)-1].FunctionName) != "lsl-c" {
		t.Fatalf("wake d=%v err=%v", d, err)
	}
	if err := b.Close(); err != nil {
		t.Fatalf("close without anything applied: %v", err)
	}
	if err := b.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
}

func TestDescribeTwin(t *testing.T) {
	f := &fakeLambda{configs: map[string]*lambda.GetFunctionConfigurationOutput{
		"lsl-probe-c": {FunctionName: aws.String("lsl-probe-c"), Role: aws.String("role-c"),
			VpcConfig: &lambdatypes.VpcConfigResponse{SubnetIds: []string{"subnet-b", "subnet-a"}, SecurityGroupIds: []string{"sg-1"}}},
		"lsl-probe-h": {FunctionName: aws.String("lsl-probe-h"), Role: aws.String("role-h")},
	}}
	b := testBackend(f)
	c, err := b.DescribeTwin(context.Background(), "c")
	if err != nil || c.RoleARN != "role-c" || strings.Join(c.SubnetIDs, ",") != "subnet-a,subnet-b" || strings.Join(c.SecurityGroupIDs, ",") != "sg-1" {
		t.Fatalf("control twin %+v err %v", c, err)
	}
	h, err := b.DescribeTwin(context.Background(), "h")
	if err != nil || h.SubnetIDs == nil || len(h.SubnetIDs) != 0 {
		t.Fatalf("hot twin %+v err %v", h, err)
	}
	if _, err := b.DescribeTwin(context.Background(), "e"); err == nil {
		t.Fatal("a twin Lambda does not know must be an error")
	}
	if _, err := b.DescribeTwin(context.Background(), "nope"); err == nil {
		t.Fatal("unknown function accepted")
	}
}
