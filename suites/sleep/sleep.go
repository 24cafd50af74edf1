// Package sleep is the sleep suite's logic: wait until the database is
// paused, drive a bounded burst at every hot endpoint, check nothing
// resumed, then wake it on purpose through the control path and measure the
// resume latency. It answers "what wakes Aurora?".
package sleep

import (
	"context"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/letsleep/letsleep/internal/backend"
)

// Options tune a run.
type Options struct {
	Burst        int           // requests per endpoint; default 10
	Settle       time.Duration // wait after a burst before reading events; default 500ms
	PauseTimeout time.Duration // how long to wait for a pause; default 30s
	WakeAttempts int           // deliberate wakes measured; default 3
}

func (o *Options) defaults() {
	if o.Burst <= 0 {
		o.Burst = 10
	}
	if o.Settle <= 0 {
		o.Settle = 500 * time.Millisecond
	}
	if o.PauseTimeout <= 0 {
		o.PauseTimeout = 30 * time.Second
	}
	if o.WakeAttempts <= 0 {
		o.WakeAttempts = 3
	}
}

// EndpointResult is what one endpoint's burst did.
type EndpointResult struct {
	Endpoint backend.Endpoint `json:"endpoint"`
	Requests int              `json:"requests"`
	Errors   int              `json:"errors"`
	Woke     bool             `json:"woke"`
	Wakers   []string         `json:"wakers,omitempty"` // sources the backend named for the resume
}

// Report is the sleep suite's result.
type Report struct {
	Backend     string           `json:"backend"`
	Paused      bool             `json:"paused"`
	PauseErr    string           `json:"pause_error,omitempty"`
	PausedAfter time.Duration    `json:"paused_after"`
	Endpoints   []EndpointResult `json:"endpoints"`
	StillPaused bool             `json:"still_paused"`
	// PauseDelay is the configured idle time before a pause (the lab's is
	// scaled down); 0 when the backend does not know it.
	PauseDelay time.Duration `json:"pause_delay"`
	// Latencies are the resume latencies of the deliberate wakes: measured
	// by the backend from the waking connection's first SYN to the first
	// query the restarted server answered (the lab), else the control call's
	// duration (LatencyOf says which).
	Latencies     []time.Duration `json:"wake_latencies"`
	LatencyOf     string          `json:"latency_of"`
	CallLatencies []time.Duration `json:"control_call_latencies"`
	P50           time.Duration   `json:"p50"`
	P95           time.Duration   `json:"p95"`
	// Schedules: each schedule run on the twin's scaled clock (the lab).
	Schedules   []ScheduleResult `json:"schedules,omitempty"`
	WakeSkipped string           `json:"wake_skipped,omitempty"`
	WakeErr     string           `json:"wake_error,omitempty"`
}

// Run drives the four steps through b.
func Run(ctx context.Context, b backend.Sleep, opts Options) (*Report, error) {
	opts.defaults()
	rep := &Report{Backend: b.Name(), PauseDelay: b.PauseDelay()}
	start := time.Now()
	if err := waitPaused(ctx, b, opts.PauseTimeout); err != nil {
		rep.PauseErr = err.Error()
		return rep, nil
	}
	rep.Paused, rep.PausedAfter = true, time.Since(start)

	anyWoke := false
	for _, e := range b.HotEndpoints() {
		er := EndpointResult{Endpoint: e}
		since := time.Now()
		for i := 0; i < opts.Burst; i++ {
			er.Requests++
			if err := b.Hit(ctx, e); err != nil {
				er.Errors++
			}
		}
		if err := sleepCtx(ctx, opts.Settle); err != nil {
			return nil, err
		}
		events, err := b.Events(ctx, since)
		if err != nil {
			return nil, fmt.Errorf("events after %s: %w", e.Name, err)
		}
		for _, ev := range events {
			if ev.Kind == backend.EventResumed || ev.Kind == backend.EventResumeFailed {
				er.Woke = true
				er.Wakers = append(er.Wakers, ev.Source)
			}
		}
		rep.Endpoints = append(rep.Endpoints, er)
		if er.Woke {
			anyWoke = true
			// Let it fall asleep again so the next endpoint is judged alone.
			if err := waitPaused(ctx, b, opts.PauseTimeout); err != nil {
				rep.PauseErr = "after " + e.Name + ": " + err.Error()
				return rep, nil
			}
		}
	}
	paused, err := b.Paused(ctx)
	if err != nil {
		return nil, err
	}
	rep.StillPaused = paused && !anyWoke

	if sch, ok := b.(backend.Scheduler); ok && b.AllowWake() {
		if err := runSchedules(ctx, b, sch, opts, rep); err != nil {
			return nil, err
		}
	}

	if !b.AllowWake() {
		rep.WakeSkipped = "waking the DB is not allowed: pass --allow-wake or LETSLEEP_ALLOW_WAKE=1"
		return rep, nil
	}
	for i := 0; i < opts.WakeAttempts; i++ {
		if err := waitPaused(ctx, b, opts.PauseTimeout); err != nil {
			rep.WakeErr = "before wake: " + err.Error()
			break
		}
		since := time.Now()
		d, err := b.WakeViaControl(ctx)
		if err != nil {
			rep.WakeErr = err.Error()
			break
		}
		rep.CallLatencies = append(rep.CallLatencies, d)
		events, err := b.Events(ctx, since)
		if err != nil {
			return nil, fmt.Errorf("events after a deliberate wake: %w", err)
		}
		if l := measuredResume(events); l > 0 {
			rep.Latencies = append(rep.Latencies, l)
		}
	}
	switch {
	case len(rep.CallLatencies) == 0:
	case len(rep.Latencies) == len(rep.CallLatencies):
		rep.LatencyOf = "resume measured by the backend: first SYN to first query answered by the restarted server"
	default:
		// The backend measures no resume (AWS reports none per wake): the
		// control call's duration bounds it from above.
		rep.Latencies, rep.LatencyOf = rep.CallLatencies, "control call duration (the backend measured no resume)"
	}
	rep.P50, rep.P95 = percentile(rep.Latencies, 50), percentile(rep.Latencies, 95)
	return rep, nil
}

// measuredResume is the latency of the first resume in events that the
// backend measured; 0 when none.
func measuredResume(events []backend.SleepEvent) time.Duration {
	for _, e := range events {
		if e.Kind == backend.EventResumed && e.ResumeLatency > 0 {
			return e.ResumeLatency
		}
	}
	return 0
}

func waitPaused(ctx context.Context, b backend.Sleep, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return b.WaitPaused(ctx)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// percentile is the nearest-rank percentile; 0 for no samples.
func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	rank := (p*len(s) + 99) / 100
	if rank < 1 {
		rank = 1
	}
	return s[rank-1]
}

// Violations lists what broke the sleep-first promise.
func (r *Report) Violations() []string {
	var out []string
	if !r.Paused {
		out = append(out, "sentinel: "+r.PauseErr)
		return out
	}
	for _, e := range r.Endpoints {
		if e.Woke {
			out = append(out, fmt.Sprintf("sentinel: endpoint %s (%s) woke the database (wake attributed to %v)", e.Endpoint.Name, e.Endpoint.Function, e.Wakers))
		}
	}
	for _, s := range r.Schedules {
		if s.KeptAwake {
			out = append(out, fmt.Sprintf("sentinel: schedule %s (%s) kept the database awake (wakes attributed to %v)", s.Schedule.Name, s.Schedule.Clock, s.Wakers))
		}
	}
	if r.PauseErr != "" {
		out = append(out, "sentinel: "+r.PauseErr)
	}
	return out
}

// Write prints the sleep report: what wakes Aurora, and the resume latency.
func (r *Report) Write(w io.Writer) {
	fmt.Fprintf(w, "sleep report (%s backend)\n", r.Backend)
	if !r.Paused {
		fmt.Fprintf(w, "  1. paused?        NO: %s\n", r.PauseErr)
		return
	}
	fmt.Fprintf(w, "  1. paused?        yes, after %s\n", r.PausedAfter.Round(time.Millisecond))
	fmt.Fprintln(w, "  2. burst at every hot or public endpoint — what wakes Aurora?")
	if len(r.Endpoints) == 0 {
		fmt.Fprintln(w, "       (no hot or public endpoint in the stack)")
	}
	for _, e := range r.Endpoints {
		verdict := "did not wake the DB"
		if e.Woke {
			verdict = fmt.Sprintf("WOKE THE DB (via %v)", e.Wakers)
		}
		fmt.Fprintf(w, "       %-60s %d requests, %d errors: %s\n", e.Endpoint.Name, e.Requests, e.Errors, verdict)
	}
	fmt.Fprintf(w, "  3. still paused?  %v\n", r.StillPaused)
	r.writeSchedules(w)
	switch {
	case r.WakeSkipped != "":
		fmt.Fprintf(w, "  4. deliberate wake: skipped: %s\n", r.WakeSkipped)
	case r.WakeErr != "" && len(r.Latencies) == 0:
		fmt.Fprintf(w, "  4. deliberate wake via the control path FAILED: %s\n", r.WakeErr)
	default:
		fmt.Fprintf(w, "  4. deliberate wake via the control path: %d wakes, resume latency p50 %s, p95 %s (%s)\n",
			len(r.Latencies), r.P50.Round(time.Millisecond), r.P95.Round(time.Millisecond), r.LatencyOf)
		if r.PauseDelay > 0 {
			fmt.Fprintf(w, "     configured pause delay %s (the idle time before a pause; Aurora's is 300 s at least)\n", r.PauseDelay)
		}
	}
}
