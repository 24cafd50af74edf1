package sleep_test

import (
	"context"
	"io"
	"os"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/letsleep/letsleep/internal/backend"
	"github.com/letsleep/letsleep/internal/lab"
	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/suites/sleep"
)

func requireRoot() {
	if os.Geteuid() == 0 {
		return
	}
	if os.Getenv("CI") == "true" {
		Fail("the lab specs need root (network namespaces, nftables) and may not skip under CI=true")
	}
	Skip("LAB SPECS SKIPPED: they need root (network namespaces, nftables); run `sudo make lab`")
}

func report(write func(io.Writer)) {
	write(GinkgoWriter)
	if _, rc := GinkgoConfiguration(); !rc.Verbose && !rc.VeryVerbose {
		write(os.Stdout)
	}
}

var _ = Describe("sleep on the lab twin of the reference stack", Label("lab"), Ordered, func() {
	var (
		l     *lab.Lab
		rep   *sleep.Report
		start time.Time
	)

	BeforeAll(func(ctx SpecContext) {
		requireRoot()
		path, err := lab.EnsurePlan(ctx, "reference")
		Expect(err).NotTo(HaveOccurred())
		l, err = lab.UpFromPlan(ctx, path, model.Config{}, lab.Options{
			Progress: GinkgoWriter, IdleAfter: 2 * time.Second, ResumeDelay: 300 * time.Millisecond, LockWait: 15 * time.Minute,
		})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(l.Close)
		start = time.Now()
	}, NodeTimeout(5*time.Minute))

	It("pauses the database once nothing is connected", func(ctx SpecContext) {
		Eventually(func(ctx context.Context) (bool, error) { return l.Paused(ctx) }).
			WithContext(ctx).WithTimeout(15 * time.Second).WithPolling(100 * time.Millisecond).
			Should(BeTrue())
	}, NodeTimeout(30*time.Second))

	It("drives a bounded burst at every hot endpoint, then wakes the DB through the control path", func(ctx SpecContext) {
		var err error
		rep, err = sleep.Run(ctx, l, sleep.Options{Burst: 20, Settle: 500 * time.Millisecond, PauseTimeout: 15 * time.Second, WakeAttempts: 5})
		Expect(err).NotTo(HaveOccurred())
		report(rep.Write)
		Expect(rep.Paused).To(BeTrue(), rep.PauseErr)
		Expect(rep.Endpoints).NotTo(BeEmpty(), "the reference stack exposes a hot endpoint")
		for _, e := range rep.Endpoints {
			Expect(e.Errors).To(BeZero(), "%s answered with errors", e.Endpoint.Name)
		}
	}, NodeTimeout(3*time.Minute))

	It("was not woken by hot traffic", func(ctx SpecContext) {
		for _, e := range rep.Endpoints {
			Expect(e.Woke).To(BeFalse(), "%s woke the DB via %v", e.Endpoint.Name, e.Wakers)
		}
		Expect(rep.StillPaused).To(BeTrue())
		Expect(rep.Violations()).To(BeEmpty())
	})

	It("resumes on a deliberate wake, named as the control function, within the resume delay plus slack", func(ctx SpecContext) {
		Expect(rep.WakeErr).To(BeEmpty())
		Expect(rep.Latencies).To(HaveLen(5))
		Expect(rep.P50).To(BeNumerically(">=", 300*time.Millisecond), "a wake must wait for the resume")
		Expect(rep.P95).To(BeNumerically("<", 5*time.Second))
		events, err := l.Events(ctx, start)
		Expect(err).NotTo(HaveOccurred())
		var wakers []string
		for _, e := range events {
			if e.Kind == backend.EventResumed {
				wakers = append(wakers, e.Source)
			}
		}
		Expect(wakers).To(HaveLen(5))
		for _, w := range wakers {
			Expect(w).To(HaveSuffix("control.aws_lambda_function.this"))
		}
	})
})

var _ = Describe("sleep on AWS", Label("aws"), Ordered, func() {
	BeforeAll(func() {
		for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE"} {
			if v := os.Getenv(k); v != "" && v != "offline-fake" {
				Skip("AWS SPECS SKIPPED: the aws backend (internal/awsbackend) does not expose a constructor yet")
			}
		}
		Skip("AWS SPECS SKIPPED: no AWS credentials in the environment (AWS_PROFILE or AWS_ACCESS_KEY_ID)")
	})

	It("keeps the cluster paused under hot traffic and measures the resume", func() {})
})
