//go:build linux

package mutation_test

import (
	"io"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/letsleep/letsleep/internal/lab"
	"github.com/letsleep/letsleep/suites/boundary"
	"github.com/letsleep/letsleep/suites/internal/labsuite"
	"github.com/letsleep/letsleep/suites/mutation"
	"github.com/letsleep/letsleep/suites/sleep"
)

// Small timings keep the whole check within a couple of minutes: the DB
// pauses after 2 s idle and resumes in 300 ms; a stack that has not paused
// after 8 s (four idle periods) is kept awake by something.
var opts = mutation.Options{
	Lab:      lab.Options{IdleAfter: 2 * time.Second, LockWait: 15 * time.Minute},
	Boundary: boundary.Options{CheckTimeout: time.Second},
	Sleep:    sleep.Options{Burst: 5, Settle: 400 * time.Millisecond, PauseTimeout: 8 * time.Second, WakeAttempts: 1},
}

var _ = Describe("mutation: the probes and the sentinel catch what the policies catch", Label("lab"), Ordered, ContinueOnFailure, func() {
	var (
		plans = map[string]string{}
		ref   *mutation.Outcome
		outs  []mutation.Outcome
	)

	BeforeAll(func(ctx SpecContext) {
		labsuite.RequireLab("mutation")
		names := []string{mutation.Reference.Name}
		for _, c := range mutation.Observable {
			names = append(names, c.Name)
		}
		paths, err := lab.EnsurePlans(ctx, names...)
		Expect(err).NotTo(HaveOccurred())
		root, err := lab.RepoRoot()
		Expect(err).NotTo(HaveOccurred())
		for i := range mutation.Observable {
			Expect(mutation.Observable[i].LoadPolicy(root)).To(Succeed())
			Expect(mutation.Observable[i].Policy).NotTo(BeEmpty(), "%s: the static check expects findings", mutation.Observable[i].Name)
		}
		for i, n := range names {
			plans[n] = paths[i]
		}
	}, NodeTimeout(10*time.Minute))

	run := func(ctx SpecContext, c mutation.Case) mutation.Outcome {
		o := mutation.Run(ctx, c, plans[c.Name], opts)
		labsuite.Report(func(w io.Writer) {
			if o.Boundary != nil {
				o.Boundary.Write(w)
			}
			if o.Sleep != nil {
				o.Sleep.Write(w)
			}
		})
		return o
	}

	It("holds on the reference stack", func(ctx SpecContext) {
		o := run(ctx, mutation.Reference)
		ref = &o
		Expect(o.Err).NotTo(HaveOccurred())
		Expect(o.Violations).To(BeEmpty())
	}, NodeTimeout(2*time.Minute))

	for i, c := range mutation.Observable {
		It("catches "+c.Name+": "+c.Mistake, func(ctx SpecContext) {
			o := run(ctx, mutation.Observable[i]) // with the policy findings BeforeAll loaded
			outs = append(outs, o)
			Expect(o.Err).NotTo(HaveOccurred())
			Expect(o.Observed()).NotTo(BeEmpty(), "expected %s", c.Signal)
		}, NodeTimeout(2*time.Minute))
	}

	It("prints caught/total and catches every observable wrong wiring", func() {
		var caught, total int
		labsuite.Report(func(w io.Writer) { caught, total = mutation.WriteSummary(w, ref, outs) })
		Expect(total).To(Equal(len(mutation.Observable)))
		Expect(caught).To(Equal(total))
	})
})
