//go:build linux

package lab

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/letsleep/letsleep/internal/backend"
	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/probe"
)

// withLambdaEndpoint is the reference-like model with the warm-up's way to
// the Lambda API that the reference stack has: an interface endpoint with
// private DNS in the functions' subnet, behind a group that admits HTTPS
// from the VPC (open false: from nobody).
func withLambdaEndpoint(open bool) *model.Model {
	m := referenceLike()
	ep := model.SecurityGroup{Address: "aws_security_group.endpoints", VPC: "aws_vpc.main"}
	if open {
		ep.Ingress = []model.SGRule{{Address: "aws_vpc_security_group_ingress_rule.https", Protocol: "tcp", FromPort: 443, ToPort: 443, CIDRs: []string{"10.0.0.0/16"}}}
	}
	m.SecurityGroups = append(m.SecurityGroups, ep)
	fn := &m.SecurityGroups[0]
	fn.Egress = append(fn.Egress, model.SGRule{Address: "aws_vpc_security_group_egress_rule.fn_endpoints", Protocol: "tcp", FromPort: 443, ToPort: 443,
		PeerGroups: []string{"aws_security_group.endpoints"}})
	m.Endpoints = []model.VPCEndpoint{{Address: "aws_vpc_endpoint.lambda", Service: "com.amazonaws.eu-west-1.lambda", Type: "Interface",
		Subnets: []string{"aws_subnet.a"}, SecurityGroups: []string{"aws_security_group.endpoints"}, PrivateDNS: true}}
	for i := range m.Functions {
		m.Functions[i].Name = strings.TrimPrefix(m.Functions[i].Address, "aws_lambda_function.")
	}
	return m
}

func rieOpts(t *testing.T) Options {
	opts := testOpts(t)
	opts.RIEBin, opts.ProbeBin, opts.FunctionsDir = os.Getenv("LETSLEEP_RIE_BIN"), os.Getenv("LETSLEEP_PROBE_BIN"), os.Getenv("LETSLEEP_FUNCTIONS_DIR")
	if opts.RIEBin == "" || opts.ProbeBin == "" || opts.FunctionsDir == "" {
		msg := "SKIPPED: the runtime-emulator test needs LETSLEEP_RIE_BIN, LETSLEEP_PROBE_BIN and LETSLEEP_FUNCTIONS_DIR (make lab and make test set them)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return opts
}

// hasCall reports whether the stand-ins answered service's operation from
// caller with status.
func hasCall(calls []AWSCall, service, op, caller string, status int) bool {
	for _, c := range calls {
		if c.Service == service && c.Operation == op && c.Caller == caller && c.Status == status {
			return true
		}
	}
	return false
}

// The probe and every handler run as their deployed bootstraps under the
// Lambda Runtime Interface Emulator in their namespaces, with the
// environment their Terraform sets; the lab invokes them over the
// emulator's invocation API, and their SDK calls reach the AWS API
// stand-ins where the network lets them.
func TestLabUnderRuntimeEmulator(t *testing.T) {
	needRoot(t)
	opts := rieOpts(t)
	l, err := Up(context.Background(), withLambdaEndpoint(true), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	if len(l.probeRIE) != 4 || len(l.handlerRIE) != 4 {
		t.Fatalf("emulators: probe %d, handlers %d; want the probe and the handler in each of the 4 function namespaces", len(l.probeRIE), len(l.handlerRIE))
	}
	rt := l.Runtimes()
	for _, f := range l.Model.Functions {
		if !strings.Contains(rt, f.Address+": handler bootstrap ("+f.Role+") under the Lambda Runtime Interface Emulator; probe bootstrap under the emulator") {
			t.Errorf("runtimes do not say %s ran under the emulator:\n%s", f.Address, rt)
		}
	}
	db := l.DBEndpoint()
	r := probeOne(t, l, "aws_lambda_function.control", probe.Check{Name: "db", Kind: probe.KindTCP, Host: db.Host, Port: db.Port})
	if r.Outcome != probe.OutcomeReachable {
		t.Errorf("control → db through the emulated probe: %s (%s)", r.Outcome, r.Detail)
	}
	r = probeOne(t, l, "aws_lambda_function.hot", probe.Check{Name: "db", Kind: probe.KindTCP, Host: db.Host, Port: db.Port})
	if !probe.Blocked(r.Outcome) {
		t.Errorf("hot → db through the emulated probe: %s; want blocked", r.Outcome)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	// hot: its function URL event; main.go's DynamoDB client reads the
	// seeded item from the table TABLE_NAME names.
	res, err := l.Invoke(ctx, "aws_lambda_function.hot")
	if err != nil || res.Status != 200 || !strings.Contains(string(res.Payload), "precomputed") {
		t.Errorf("hot through its URL: %v %+v", err, res)
	}
	if !hasCall(l.AWSCalls(), "dynamodb", "GetItem", "aws_lambda_function.hot", 200) {
		t.Errorf("no GetItem from the hot bootstrap: %v", CallSummary(l.AWSCalls()))
	}
	// egress: its key from Secrets Manager, then the LLM API (the canary).
	hits := l.canary.Hits()[l.Topo.Node("aws_lambda_function.egress").IP]
	res, err = l.Invoke(ctx, "aws_lambda_function.egress")
	if err != nil || res.Status != 200 || !strings.Contains(string(res.Payload), "lab canary answer") {
		t.Errorf("egress: %v %+v", err, res)
	}
	if !hasCall(l.AWSCalls(), "secretsmanager", "GetSecretValue", "aws_lambda_function.egress", 200) {
		t.Errorf("no GetSecretValue from the egress bootstrap: %v", CallSummary(l.AWSCalls()))
	}
	if l.canary.Hits()[l.Topo.Node("aws_lambda_function.egress").IP] != hits+1 {
		t.Errorf("the egress bootstrap did not reach the LLM API once: hits %v", l.canary.Hits())
	}

	if err := l.WaitPaused(ctx); err != nil {
		t.Fatal(err)
	}
	since := time.Now()
	if _, err := l.WakeViaControl(ctx); err != nil {
		t.Fatalf("wake through the control bootstrap: %v", err)
	}
	evs, _ := l.Events(ctx, since)
	if len(evs) != 1 || evs[0].Kind != backend.EventResumed || evs[0].Source != "aws_lambda_function.control" {
		t.Fatalf("events %+v; want one resume by the control function", evs)
	}
	// warm-up: its API route event; main.go's Lambda client invokes
	// CONTROL_FUNCTION through the VPC's Lambda endpoint, which runs
	// control's bootstrap, which wakes the database.
	if err := l.WaitPaused(ctx); err != nil {
		t.Fatal(err)
	}
	since = time.Now()
	res, err = l.Invoke(ctx, "aws_lambda_function.warmup")
	if err != nil || res.Status != 200 || !strings.Contains(string(res.Payload), `\"woke\":true`) {
		t.Fatalf("warm-up: %v %+v", err, res)
	}
	evs, _ = l.Events(ctx, since)
	if len(evs) != 1 || evs[0].Source != "aws_lambda_function.control" {
		t.Fatalf("events %+v; the warm-up's call to control must wake the DB, attributed to control", evs)
	}
	if !hasCall(l.AWSCalls(), "lambda", "Invoke", "aws_lambda_function.warmup via aws_vpc_endpoint.lambda", 200) {
		t.Errorf("the warm-up's Invoke did not come through the endpoint: %v", CallSummary(l.AWSCalls()))
	}
	for _, c := range l.AWSCalls() {
		if strings.Contains(c.Target, labSecretValue) {
			t.Errorf("a call record carries the secret: %+v", c)
		}
	}
}

// The stand-ins are reached only where the plan's network allows: with an
// endpoint whose group admits nobody, the warm-up's bootstrap cannot reach
// the Lambda API, so its wake fails and the database stays paused.
// (The reference stack's warm-up reaches it through that endpoint.)
func TestLabUnderRuntimeEmulatorFollowsTheNetwork(t *testing.T) {
	needRoot(t)
	l, err := Up(context.Background(), withLambdaEndpoint(false), rieOpts(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := l.WaitPaused(ctx); err != nil {
		t.Fatal(err)
	}
	since := time.Now()
	// The endpoint drops the SYN: the SDK's call times out, so the
	// invocation fails or outlasts the lab's bound, as on Lambda.
	res, err := l.Invoke(ctx, "aws_lambda_function.warmup")
	if err == nil && res.Status < 500 {
		t.Fatalf("warm-up with a closed endpoint: %+v; want a failed wake", res)
	}
	// The emulator ends the timed-out invocation and takes the next one.
	start := time.Now()
	res, err = l.Invoke(ctx, "aws_lambda_function.warmup")
	if err != nil || res.Status < 500 || time.Since(start) > 14*time.Second {
		t.Errorf("second warm-up: %v %+v after %s; want the function's timeout within its 12 s", err, res, time.Since(start))
	}
	if evs, _ := l.Events(ctx, since); len(evs) != 0 {
		t.Errorf("events %+v; nothing may wake the database", evs)
	}
	for _, c := range l.AWSCalls() {
		if c.Service == "lambda" {
			t.Errorf("the Lambda API answered %+v through a closed endpoint", c)
		}
	}
}
