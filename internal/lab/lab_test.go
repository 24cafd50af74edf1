//go:build linux

package lab

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/letsleep/letsleep/internal/backend"
	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/probe"
	"github.com/letsleep/letsleep/internal/testtier"
)

func needRoot(t *testing.T) {
	t.Helper()
	testtier.Require(t, testtier.Lab)
}

func testOpts(t *testing.T) Options {
	return Options{IdleAfter: 1 * time.Second, LockWait: 15 * time.Minute}
}

func probeOne(t *testing.T, l *Lab, fn string, c probe.Check) probe.Result {
	t.Helper()
	c.TimeoutMS = 800
	resp, err := l.Probe(context.Background(), fn, probe.Request{ID: "t", Checks: []probe.Check{c}})
	if err != nil || len(resp.Results) != 1 {
		t.Fatalf("probe from %s: %v %+v", fn, err, resp)
	}
	return resp.Results[0]
}

func TestLabReferenceLike(t *testing.T) {
	needRoot(t)
	opts := testOpts(t)
	// A leftover from a killed run: the next Up must remove it.
	if err := ip(context.Background(), "netns", "add", NSPrefix+"dead-x"); err != nil {
		t.Fatal(err)
	}
	l, err := Up(context.Background(), referenceLike(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	if nss, _ := listLabNS(); containsStr(nss, NSPrefix+"dead-x") {
		t.Fatal("leftover namespace survived Up")
	}

	db := l.DBEndpoint()
	canary := l.Canary()
	dbCheck := probe.Check{Name: "db", Kind: probe.KindTCP, Host: db.Host, Port: db.Port}
	canaryCheck := probe.Check{Name: "canary", Kind: probe.KindHTTPS, URL: canary.URL, CAPEM: canary.CAPEM}
	cases := []struct {
		fn, target string
		check      probe.Check
		reachable  bool
	}{
		{"aws_lambda_function.egress", "db", dbCheck, false}, // outside the VPC: no route to it
		{"aws_lambda_function.hot", "db", dbCheck, false},    // outside the VPC
		{"aws_lambda_function.egress", "canary", canaryCheck, true},
		{"aws_lambda_function.control", "canary", canaryCheck, false}, // VPC without NAT
		{"aws_lambda_function.control", "db", dbCheck, true},          // SG path on 5432
		{"aws_lambda_function.control", "db:22", probe.Check{Name: "db22", Kind: probe.KindTCP, Host: db.Host, Port: 22}, false},
	}
	for _, c := range cases {
		r := probeOne(t, l, c.fn, c.check)
		if (r.Outcome == probe.OutcomeReachable) != c.reachable {
			t.Errorf("%s → %s: %s (%s); want reachable=%v", c.fn, c.target, r.Outcome, r.Detail, c.reachable)
		}
		if !c.reachable && !probe.Blocked(r.Outcome) {
			t.Errorf("%s → %s: %s; a blocked path must read timeout|refused|dns-error", c.fn, c.target, r.Outcome)
		}
	}

	// Sleep: pause, hot traffic does not wake, control wakes and is named.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := l.WaitPaused(ctx); err != nil {
		t.Fatal(err)
	}
	since := time.Now()
	eps := l.HotEndpoints()
	if len(eps) != 1 || eps[0].Function != "aws_lambda_function.hot" {
		t.Fatalf("hot endpoints %+v; want the public hot URL only", eps)
	}
	for i := 0; i < 5; i++ {
		if err := l.Hit(ctx, eps[0]); err != nil {
			t.Fatal(err)
		}
	}
	if evs, _ := l.Events(ctx, since); len(evs) != 0 {
		t.Fatalf("hot traffic woke the DB: %+v", evs)
	}
	// Paused means the real server is down, not a flag.
	if l.PG.Running() {
		t.Fatal("the DB is paused but PostgreSQL still runs")
	}
	d, err := l.WakeViaControl(ctx)
	if err != nil {
		t.Fatal(err)
	}
	evs, _ := l.Events(ctx, since)
	if len(evs) != 1 || evs[0].Kind != backend.EventResumed || evs[0].Source != "aws_lambda_function.control" {
		t.Fatalf("events %+v; want one resume by the control function", evs)
	}
	// The resume is PostgreSQL's real start, measured inside the wake.
	if r := evs[0].ResumeLatency; r <= 0 || r > d || !l.PG.Running() {
		t.Fatalf("resume latency %s, control call %s, postgres running %v; want a measured start within the call", r, d, l.PG.Running())
	}
	t.Logf("real PostgreSQL resume: %s (control call %s)", evs[0].ResumeLatency, d)

	// Bad credentials wake it too (Aurora: any connection attempt), and
	// PostgreSQL really rejects them.
	if err := l.WaitPaused(ctx); err != nil {
		t.Fatal(err)
	}
	since = time.Now()
	ctl := l.Topo.Node("aws_lambda_function.control")
	cfg, _ := pgx.ParseConfig(fmt.Sprintf("host=%s port=%d user=postgres dbname=postgres sslmode=disable connect_timeout=5", db.Host, db.Port))
	cfg.Password = "wrong"
	cfg.DialFunc = dialFrom(ctl.NS)
	if conn, err := pgx.ConnectConfig(ctx, cfg); err == nil {
		conn.Close(ctx)
		t.Fatal("connected with a wrong password")
	} else if !strings.Contains(err.Error(), "password authentication failed") {
		t.Fatalf("bad-credentials connect: %v; want PostgreSQL's password authentication failure", err)
	}
	evs, _ = l.Events(ctx, since)
	if len(evs) != 1 || evs[0].Source != "aws_lambda_function.control" {
		t.Fatalf("events %+v; a rejected login must still wake the DB, attributed to control", evs)
	}

	// A lab built from a model alone has no IAM of its own (the lab's IAM is
	// read from the plan JSON, independently of the model: internal/labiam,
	// exercised on plans by the boundary suite), and says so instead of
	// answering from the checker's grants.
	if dec, err := l.SimulateEgressIAM(ctx, "aws_lambda_function.egress"); err == nil || !strings.Contains(err.Error(), "no IAM") {
		t.Fatalf("simulate on a model-only lab: %v %+v; want the no-IAM error", err, dec)
	}

	// The host namespace never sees a lab address.
	out, err := sh(context.Background(), "", "ip", "-4", "addr")
	if err != nil || strings.Contains(out, "10.213.") {
		t.Fatalf("host namespace carries a lab address or failed: %v\n%s", err, out)
	}

	// Teardown removes everything; a second Close and a Down are harmless.
	nss := l.Topo.Namespaces()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if res, err := Down(context.Background(), opts.StateDir, l.Topo.ID); err != nil || res.Stopped != "" { // nothing left to stop
		t.Fatal(err)
	}
	left, _ := listLabNS()
	for _, ns := range nss {
		if containsStr(left, ns) {
			t.Errorf("namespace %s left after Close", ns)
		}
	}
}

func containsStr(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// TestLabReferencePlan runs the lab on the real reference plan (planned
// offline by scripts/plan-fixtures.sh when missing or stale).
func TestLabReferencePlan(t *testing.T) {
	needRoot(t)
	path, err := EnsurePlan(context.Background(), "reference")
	if err != nil {
		t.Fatal(err)
	}
	l, err := UpFromPlan(context.Background(), path, model.Config{}, testOpts(t))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	mx := backend.ExpectedMatrix(l.Model)
	db, canary := l.DBEndpoint(), l.Canary()
	for i, r := range mx.Rows {
		c := probe.Check{Name: r.Target, Kind: probe.KindTCP, Host: db.Host, Port: db.Port}
		if r.Target == backend.TargetCanary {
			c = probe.Check{Name: r.Target, Kind: probe.KindHTTPS, URL: canary.URL, CAPEM: canary.CAPEM}
		}
		res := probeOne(t, l, r.Function, c)
		mx.Rows[i].Observed, mx.Rows[i].Detail = res.Outcome, res.Detail
	}
	var buf strings.Builder
	_ = mx.WriteTable(&buf)
	t.Log("\n" + buf.String())
	if v := mx.Violations(); len(v) != 0 || len(mx.Rows) < 4 {
		t.Fatalf("reference stack: %d violations in %d rows", len(v), len(mx.Rows))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := l.WaitPaused(ctx); err != nil {
		t.Fatal(err)
	}
	since := time.Now()
	if _, err := l.WakeViaControl(ctx); err != nil {
		t.Fatal(err)
	}
	// The warm-up reaches the DB by invoking the control function.
	if err := l.WaitPaused(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := l.Invoke(ctx, "module.stack.module.warmup.aws_lambda_function.this")
	if err != nil || res.Status != 200 {
		t.Fatalf("warm-up: %v %+v", err, res)
	}
	evs, _ := l.Events(ctx, since)
	if countKind(evs, backend.EventResumed) != 2 {
		t.Fatalf("events %+v; want two resumes (control, then warm-up via control)", evs)
	}
}

// TestLabRunsReferenceHandlers invokes each reference handler in its
// namespace: hot serves from its store, egress reaches the LLM stub, the
// warm-up wakes the DB through the control function.
func TestLabRunsReferenceHandlers(t *testing.T) {
	needRoot(t)
	l, err := Up(context.Background(), referenceLike(), testOpts(t))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for fn, want := range map[string]string{
		"aws_lambda_function.hot":    `"value":"precomputed"`,
		"aws_lambda_function.egress": `"completion":"lab canary answer"`,
		"aws_lambda_function.warmup": `"woke":true`,
	} {
		res, err := l.Invoke(ctx, fn)
		if err != nil || res.Status != 200 || !strings.Contains(string(res.Payload), want) {
			t.Errorf("%s: %v status %d payload %s detail %q; want %s", fn, err, res.Status, res.Payload, res.Detail, want)
		}
	}
	if hits := l.Status().Canary[l.Topo.Node("aws_lambda_function.egress").IP]; hits != 1 {
		t.Errorf("canary hits from egress = %d, want 1", hits)
	}
	if st := l.sentinel().State(); st.Attempts != 1 {
		t.Errorf("the warm-up did not reach the DB through control: %+v", st)
	}
}

// TestLabWithProbeBinary runs the probe Lambda's own binary (probes/probe,
// local mode) inside the namespaces instead of the re-executed test binary.
func TestLabWithProbeBinary(t *testing.T) {
	needRoot(t)
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir() + "/probe"
	// A cold build of the probe (the AWS SDK clients it links) takes minutes
	// on a loaded 2-core CI machine: sh's 20 s bound is for ip and nft calls.
	if _, err := shWithin(context.Background(), 10*time.Minute, "", "go", "build", "-C", root, "-o", bin, "./probes/probe"); err != nil {
		t.Fatal(err)
	}
	opts := testOpts(t)
	opts.ProbeBin = bin
	l, err := Up(context.Background(), referenceLike(), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	db, canary := l.DBEndpoint(), l.Canary()
	if r := probeOne(t, l, "aws_lambda_function.egress", probe.Check{Name: "c", Kind: probe.KindHTTPS, URL: canary.URL, CAPEM: canary.CAPEM}); r.Outcome != probe.OutcomeReachable {
		t.Errorf("egress → canary with the probe binary: %s (%s)", r.Outcome, r.Detail)
	}
	if r := probeOne(t, l, "aws_lambda_function.egress", probe.Check{Name: "d", Kind: probe.KindTCP, Host: db.Host, Port: db.Port}); !probe.Blocked(r.Outcome) {
		t.Errorf("egress → db with the probe binary: %s (%s)", r.Outcome, r.Detail)
	}
}
