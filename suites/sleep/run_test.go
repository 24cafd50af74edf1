package sleep

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/letsleep/letsleep/internal/backend"
	"github.com/letsleep/letsleep/internal/probe"
)

// fakeDB is a backend whose database wakes when an endpoint named in wakers
// is hit, and pauses again on the next WaitPaused.
type fakeDB struct {
	backend.Sleep
	neverPauses bool
	paused      bool
	wakers      map[string]bool
	events      []backend.SleepEvent
	wakeLatency time.Duration
	// measured, when set, is the resume latency the backend records on the
	// resume event of each deliberate wake (the lab does).
	measured time.Duration
	hits     int
}

func (f *fakeDB) PauseDelay() time.Duration { return 2 * time.Second }

func (f *fakeDB) Name() string { return "fake" }
func (f *fakeDB) WaitPaused(ctx context.Context) error {
	if f.neverPauses {
		<-ctx.Done()
		return errors.New("held open")
	}
	f.paused = true
	return nil
}
func (f *fakeDB) Paused(context.Context) (bool, error) { return f.paused, nil }
func (f *fakeDB) Events(_ context.Context, since time.Time) ([]backend.SleepEvent, error) {
	var out []backend.SleepEvent
	for _, e := range f.events {
		if !e.At.Before(since) {
			out = append(out, e)
		}
	}
	return out, nil
}
func (f *fakeDB) HotEndpoints() []backend.Endpoint {
	return []backend.Endpoint{{Name: "hot-url", Function: "hot"}, {Name: "warmup-url", Function: "warmup"}}
}
func (f *fakeDB) Hit(_ context.Context, e backend.Endpoint) error {
	f.hits++
	if f.wakers[e.Name] && f.paused {
		f.paused = false
		f.events = append(f.events, backend.SleepEvent{Kind: backend.EventResumed, At: time.Now(), Source: "control"})
	}
	return nil
}
func (f *fakeDB) WakeViaControl(context.Context) (time.Duration, error) {
	f.paused = false
	f.wakeLatency += 100 * time.Millisecond
	if f.measured > 0 {
		f.events = append(f.events, backend.SleepEvent{Kind: backend.EventResumed, At: time.Now(), Source: "control", ResumeLatency: f.measured})
		f.measured += 10 * time.Millisecond
	}
	return f.wakeLatency, nil
}
func (f *fakeDB) AllowWake() bool { return true }
func (f *fakeDB) Probe(context.Context, string, probe.Request) (probe.Response, error) {
	return probe.Response{}, nil
}

var fast = Options{Burst: 3, Settle: time.Millisecond, PauseTimeout: 50 * time.Millisecond, WakeAttempts: 4}

func TestRunNothingWakes(t *testing.T) {
	f := &fakeDB{}
	rep, err := Run(context.Background(), f, fast)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Paused || !rep.StillPaused || len(rep.Violations()) != 0 || f.hits != 6 {
		t.Fatalf("report %+v hits %d; want paused, still paused, 3 hits per endpoint, no violation", rep, f.hits)
	}
	// Nearest-rank over 100, 200, 300, 400 ms.
	if rep.P50 != 200*time.Millisecond || rep.P95 != 400*time.Millisecond || len(rep.Latencies) != 4 || !strings.HasPrefix(rep.LatencyOf, "control call") {
		t.Fatalf("p50 %s p95 %s latencies %v (%s)", rep.P50, rep.P95, rep.Latencies, rep.LatencyOf)
	}
}

func TestRunNamesTheEndpointThatWakes(t *testing.T) {
	f := &fakeDB{wakers: map[string]bool{"warmup-url": true}}
	rep, err := Run(context.Background(), f, fast)
	if err != nil {
		t.Fatal(err)
	}
	if rep.StillPaused || rep.Endpoints[0].Woke || !rep.Endpoints[1].Woke || rep.Endpoints[1].Wakers[0] != "control" {
		t.Fatalf("endpoints %+v still paused %v; want warmup-url named as the waker", rep.Endpoints, rep.StillPaused)
	}
	v := rep.Violations()
	if len(v) != 1 || !strings.Contains(v[0], "warmup-url") {
		t.Fatalf("violations %v", v)
	}
}

func TestRunNeverPaused(t *testing.T) {
	rep, err := Run(context.Background(), &fakeDB{neverPauses: true}, fast)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Paused || len(rep.Endpoints) != 0 || len(rep.Violations()) != 1 {
		t.Fatalf("report %+v; a DB that never pauses is one violation and stops the run", rep)
	}
}

// A backend that measures its resumes (the lab) reports those, not the
// control call's duration, and the report prints them beside the delay.
func TestRunReportsMeasuredResumes(t *testing.T) {
	f := &fakeDB{measured: 40 * time.Millisecond}
	rep, err := Run(context.Background(), f, fast)
	if err != nil {
		t.Fatal(err)
	}
	if rep.P50 != 50*time.Millisecond || rep.P95 != 70*time.Millisecond || len(rep.CallLatencies) != 4 {
		t.Fatalf("p50 %s p95 %s latencies %v calls %v; want the measured 40..70ms", rep.P50, rep.P95, rep.Latencies, rep.CallLatencies)
	}
	var b strings.Builder
	rep.Write(&b)
	for _, want := range []string{"p50 50ms, p95 70ms (resume measured by the backend: first SYN", "configured pause delay 2s"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, b.String())
		}
	}
}
