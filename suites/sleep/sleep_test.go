//go:build linux

package sleep_test

import (
	"context"
	"fmt"
	"io"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/letsleep/letsleep/internal/backend"
	"github.com/letsleep/letsleep/internal/lab"
	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/suites/internal/labsuite"
	"github.com/letsleep/letsleep/suites/sleep"
)

// timing scales the suite to its backend: seconds in the lab, minutes on
// AWS (auto-pause is 300 s at least and CloudWatch reports per minute).
type timing struct {
	firstPause time.Duration
	poll       time.Duration
	opts       sleep.Options
	maxP95     time.Duration
	minP50     time.Duration
}

func sleepSpecs(up func(ctx SpecContext) backend.Backend, tm timing) {
	var (
		b     backend.Backend
		rep   *sleep.Report
		start time.Time
	)

	BeforeAll(func(ctx SpecContext) {
		b = up(ctx)
		start = time.Now()
	})

	It("pauses the database once nothing is connected", func(ctx SpecContext) {
		Eventually(func(ctx context.Context) (bool, error) { return b.Paused(ctx) }).
			WithContext(ctx).WithTimeout(tm.firstPause).WithPolling(tm.poll).
			Should(BeTrue())
	})

	It("drives a bounded burst at every hot endpoint, then wakes the DB through the control path", func(ctx SpecContext) {
		var err error
		rep, err = sleep.Run(ctx, b, tm.opts)
		Expect(err).NotTo(HaveOccurred())
		labsuite.Report(rep.Write)
		Expect(rep.Paused).To(BeTrue(), rep.PauseErr)
		Expect(rep.Endpoints).NotTo(BeEmpty(), "the reference stack exposes a hot endpoint")
		for _, e := range rep.Endpoints {
			Expect(e.Errors).To(BeZero(), "%s answered with errors", e.Endpoint.Name)
		}
	})

	It("was not woken by hot traffic", func() {
		for _, e := range rep.Endpoints {
			Expect(e.Woke).To(BeFalse(), "%s woke the DB via %v", e.Endpoint.Name, e.Wakers)
		}
		Expect(rep.StillPaused).To(BeTrue())
		Expect(rep.Violations()).To(BeEmpty())
	})

	It("resumes on a deliberate wake through the control path, and the backend names the waker", func(ctx SpecContext) {
		if !b.AllowWake() {
			labsuite.SkipLoudly("sleep", "DELIBERATE WAKE SKIPPED: it wakes the database; pass LETSLEEP_ALLOW_WAKE=1")
		}
		Expect(rep.WakeErr).To(BeEmpty())
		Expect(rep.Latencies).To(HaveLen(tm.opts.WakeAttempts))
		Expect(rep.P50).To(BeNumerically(">=", tm.minP50), "a wake must wait for the resume")
		Expect(rep.P95).To(BeNumerically("<", tm.maxP95))
		events, err := b.Events(ctx, start)
		Expect(err).NotTo(HaveOccurred())
		resumes := 0
		for _, e := range events {
			if e.Kind == backend.EventResumed {
				resumes++
				Expect(e.Source).NotTo(BeEmpty())
			}
		}
		Expect(resumes).To(BeNumerically(">=", tm.opts.WakeAttempts))
	})
}

var _ = Describe("sleep on the lab twin of the reference stack", Label("lab"), Ordered, func() {
	var l *lab.Lab
	BeforeAll(func() { labsuite.RequireLab("sleep") })
	sleepSpecs(func(ctx SpecContext) backend.Backend {
		var err error
		l, err = lab.UpFromPlan(ctx, labsuite.ReferencePlan(ctx), model.Config{}, lab.Options{
			Progress: GinkgoWriter, IdleAfter: 2 * time.Second, LockWait: 15 * time.Minute,
		})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(l.Close)
		labsuite.Report(func(w io.Writer) { fmt.Fprintf(w, "lab runtime: %s\n", l.Runtimes()) })
		return l
	}, timing{
		firstPause: 15 * time.Second, poll: 100 * time.Millisecond,
		opts: sleep.Options{Burst: 20, Settle: 500 * time.Millisecond, PauseTimeout: 15 * time.Second, WakeAttempts: 5},
		// A real PostgreSQL start: tens of milliseconds on an idle machine.
		minP50: 10 * time.Millisecond, maxP95: 10 * time.Second,
	})

	It("attributes every deliberate wake to the control function", func(ctx SpecContext) {
		st := l.Status().Sentinels
		Expect(st).To(HaveLen(1))
		for _, s := range st {
			Expect(s.Wakes).To(HaveLen(1))
			for src, n := range s.Wakes {
				Expect(src).To(HaveSuffix("control.aws_lambda_function.this"))
				Expect(n).To(Equal(5))
			}
		}
	})
})

var _ = Describe("sleep on AWS", Label("aws"), Ordered, func() {
	BeforeAll(func() { labsuite.RequireAWS("sleep") })
	sleepSpecs(func(ctx SpecContext) backend.Backend {
		return labsuite.AWSBackend(ctx, labsuite.ReferenceModel(ctx))
	}, timing{
		firstPause: 45 * time.Minute, poll: time.Minute,
		opts:   sleep.Options{Burst: 20, Settle: 3 * time.Minute, PauseTimeout: 45 * time.Minute, WakeAttempts: 2},
		minP50: time.Second, maxP95: 2 * time.Minute,
	})
})
