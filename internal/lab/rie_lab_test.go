//go:build linux

package lab

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/letsleep/letsleep/internal/backend"
	"github.com/letsleep/letsleep/internal/probe"
)

// The probe and the control handler run as their deployed bootstraps under
// the Lambda Runtime Interface Emulator in their namespaces; the lab
// invokes them over the emulator's invocation API.
func TestLabUnderRuntimeEmulator(t *testing.T) {
	needRoot(t)
	opts := testOpts(t)
	opts.RIEBin, opts.ProbeBin, opts.FunctionsDir = os.Getenv("LETSLEEP_RIE_BIN"), os.Getenv("LETSLEEP_PROBE_BIN"), os.Getenv("LETSLEEP_FUNCTIONS_DIR")
	if opts.RIEBin == "" || opts.ProbeBin == "" || opts.FunctionsDir == "" {
		msg := "SKIPPED: the runtime-emulator test needs LETSLEEP_RIE_BIN, LETSLEEP_PROBE_BIN and LETSLEEP_FUNCTIONS_DIR (make lab sets them)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	l, err := Up(context.Background(), referenceLike(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	if len(l.probeRIE) != 4 || len(l.handlerRIE) != 1 {
		t.Fatalf("emulators: probe %d, handlers %d; want the probe in 4 namespaces and the control handler", len(l.probeRIE), len(l.handlerRIE))
	}
	if rt := l.Runtimes(); !strings.Contains(rt, "Runtime Interface Emulator") || !strings.Contains(rt, "[control]") {
		t.Errorf("runtimes %q", rt)
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
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
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
	// The warm-up's Lambda client reaches control's bootstrap through the
	// same invocation front.
	if err := l.WaitPaused(ctx); err != nil {
		t.Fatal(err)
	}
	since = time.Now()
	res, err := l.Invoke(ctx, "aws_lambda_function.warmup")
	if err != nil || res.Status >= 300 {
		t.Fatalf("warm-up: %v %+v", err, res)
	}
	evs, _ = l.Events(ctx, since)
	if len(evs) != 1 || evs[0].Source != "aws_lambda_function.control" {
		t.Fatalf("events %+v; the warm-up's call to control must wake the DB, attributed to control", evs)
	}
}
