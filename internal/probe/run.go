package probe

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// lateGrace is how long Run waits past the request deadline for checks that
// are still unwinding before it answers without them.
const lateGrace = 250 * time.Millisecond

// Run executes the checks of req with bounded concurrency and answers within
// the request deadline (plus a short grace), whatever the checks do: a check
// that has not finished by then is reported as a timeout ("request
// deadline"). Results keep the order of req.Checks.
func Run(ctx context.Context, req Request, deps Deps) Response {
	rctx, cancel := context.WithTimeout(ctx, clampMS(req.DeadlineMS, DefaultDeadlineMS, MaxDeadlineMS))
	defer cancel()
	deadline, _ := rctx.Deadline()

	checks := req.Checks
	resp := Response{ID: req.ID, Results: []Result{}}
	if len(checks) > MaxChecks {
		checks, resp.Truncated = checks[:MaxChecks], true
	}
	results := make([]Result, len(checks))
	for i, c := range checks {
		results[i] = Result{Name: c.Name, Kind: c.Kind, Target: targetOf(c), Outcome: OutcomeTimeout, Detail: "request deadline: not run"}
	}

	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		jobs = make(chan int)
		aws  = awsOnce(deps)
	)
	workers := min(deps.concurrency(), len(checks))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				// The clock is checked too: the context's timer may fire a
				// little after its deadline has passed.
				if rctx.Err() != nil || !time.Now().Before(deadline) {
					continue // leave the "not run" result
				}
				mu.Lock()
				results[i].Detail = "request deadline: did not finish"
				mu.Unlock()
				r := runCheck(rctx, checks[i], deps, aws)
				mu.Lock()
				results[i] = r
				mu.Unlock()
			}
		}()
	}
feed:
	for i := range checks {
		select {
		case jobs <- i:
		case <-rctx.Done():
			break feed
		}
	}
	close(jobs)

	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-rctx.Done():
		select {
		case <-done:
		case <-time.After(lateGrace):
		}
	}

	mu.Lock()
	resp.Results = append(resp.Results, results...)
	mu.Unlock()

	log := deps.logger()
	for _, r := range resp.Results {
		// Outcomes only: never the detail, never a value.
		log.Info("probe check", "request", req.ID, "name", r.Name, "kind", r.Kind, "outcome", r.Outcome, "latency_ms", r.LatencyMS)
	}
	return resp
}

// runCheck runs one check under its own timeout, bounded by the request.
func runCheck(rctx context.Context, c Check, deps Deps, aws func(context.Context) (AWSClients, error)) Result {
	r := Result{Name: c.Name, Kind: c.Kind, Target: targetOf(c)}
	if err := validate(c); err != nil {
		r.Outcome, r.Detail = OutcomeError, sanitize("invalid check: "+err.Error())
		return r
	}
	timeout := clampMS(c.TimeoutMS, DefaultCheckTimeoutMS, MaxCheckTimeoutMS)
	start := time.Now()
	cctx, cancel := context.WithTimeout(rctx, timeout)
	defer cancel()
	// When the request ends before the check's own timeout would, a timeout
	// is the request's doing, and the detail says so.
	rdl, _ := rctx.Deadline()
	requestBound := rdl.Before(start.Add(timeout))

	var outcome, detail string
	switch c.Kind {
	case KindTCP:
		outcome, detail = checkTCP(cctx, c, deps, timeout)
	case KindDNS:
		outcome, detail = checkDNS(cctx, c, deps, timeout)
	case KindHTTPS:
		outcome, detail = checkHTTPS(cctx, c, deps, timeout)
	case KindAWS:
		outcome, detail = checkAWS(cctx, c, aws, timeout)
	}
	r.LatencyMS = float64(time.Since(start).Microseconds()) / 1000
	if outcome == OutcomeTimeout && (rctx.Err() != nil || requestBound && !time.Now().Before(rdl)) {
		detail = "request deadline: " + detail
	}
	r.Outcome, r.Detail = outcome, sanitize(detail)
	return r
}

// awsOnce loads the AWS clients at most once, and only if a check asks.
func awsOnce(deps Deps) func(context.Context) (AWSClients, error) {
	var (
		once    sync.Once
		clients AWSClients
		err     error
	)
	return func(ctx context.Context) (AWSClients, error) {
		once.Do(func() {
			if deps.AWS == nil {
				err = fmt.Errorf("aws clients not configured")
				return
			}
			clients, err = deps.AWS(ctx)
		})
		return clients, err
	}
}

func clampMS(ms, def, maxMS int) time.Duration {
	if ms <= 0 {
		ms = def
	}
	return time.Duration(min(ms, maxMS)) * time.Millisecond
}
