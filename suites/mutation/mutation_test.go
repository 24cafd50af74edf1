//go:build linux

package mutation_test

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/letsleep/letsleep/internal/lab"
	"github.com/letsleep/letsleep/suites/boundary"
	"github.com/letsleep/letsleep/suites/internal/labsuite"
	"github.com/letsleep/letsleep/suites/mutation"
	"github.com/letsleep/letsleep/suites/sleep"
)

// Small timings keep each case within about half a minute: the DB pauses
// after 2 s idle; a stack that has not paused after 8 s (four idle
// periods) is kept awake by something.
var opts = mutation.Options{
	Lab:      lab.Options{IdleAfter: 2 * time.Second, LockWait: 15 * time.Minute},
	Boundary: boundary.Options{CheckTimeout: time.Second},
	Sleep:    sleep.Options{Burst: 5, Settle: 400 * time.Millisecond, PauseTimeout: 8 * time.Second, WakeAttempts: 1},
}

// The cases come from terraform/examples/*/lab-signal.json, so a new
// example is a new case (and a unit test fails until it declares one).
var _ = Describe("mutation: every wrong wiring is caught by its declared signal", Label("lab"), Ordered, ContinueOnFailure, func() {
	var (
		cases []mutation.Case
		plans = map[string]string{}
		ref   *mutation.Outcome
		outs  []mutation.Outcome
	)

	BeforeAll(func(ctx SpecContext) {
		labsuite.RequireLab("mutation")
		root, err := lab.RepoRoot()
		Expect(err).NotTo(HaveOccurred())
		cases, err = mutation.LoadCases(root)
		Expect(err).NotTo(HaveOccurred())
		if only := os.Getenv("LETSLEEP_LAB_CASES"); only != "" {
			// A focused run for working on a few cases; make lab runs them all.
			cases = mutation.Only(cases, strings.Split(only, ","))
			labsuite.Report(func(w io.Writer) {
				fmt.Fprintf(w, "mutation: FOCUSED on %d case(s) by LETSLEEP_LAB_CASES=%s; the summary covers only them\n", len(cases), only)
			})
		}
		names := []string{mutation.Reference.Name}
		for _, c := range cases {
			Expect(c.Policy).NotTo(BeEmpty(), "%s: the static check expects findings", c.Name)
			if c.Signal.Observable() {
				names = append(names, c.Name)
			}
		}
		paths, err := lab.EnsurePlans(ctx, names...)
		Expect(err).NotTo(HaveOccurred())
		for i, n := range names {
			plans[n] = paths[i]
		}
	}, NodeTimeout(25*time.Minute)) // planning every observable case (lab.EnsurePlans bounds it at 20 min)

	run := func(ctx SpecContext, c mutation.Case) mutation.Outcome {
		o := mutation.Run(ctx, c, plans[c.Name], opts)
		labsuite.Report(func(w io.Writer) {
			if o.Runtime != "" {
				fmt.Fprintf(w, "lab runtime (%s): %s\n", c.Name, o.Runtime)
			}
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
	}, NodeTimeout(17*time.Minute)) // the lab lock may wait up to 15 min for another lab

	It("catches every observable example by its declared signal", func(ctx SpecContext) {
		var missed []string
		for _, c := range cases {
			if !c.Signal.Observable() {
				outs = append(outs, mutation.Outcome{Case: c})
				continue
			}
			By("catching " + c.Name + " by " + c.Signal.String())
			o := run(ctx, c)
			outs = append(outs, o)
			if !o.Caught() {
				missed = append(missed, fmt.Sprintf("%s: declared %s; error %v; seen %v", c.Name, c.Signal, o.Err, o.Observed()))
			}
		}
		Expect(missed).To(BeEmpty())
	}, NodeTimeout(30*time.Minute)) // 23 cases at 15-60 s each, longer on a loaded machine

	It("prints caught/total with each case's signal, and misses none", func() {
		var t mutation.Tally
		labsuite.Report(func(w io.Writer) { t = mutation.WriteSummary(w, ref, outs) })
		Expect(t.Total).To(Equal(len(cases)))
		Expect(t.Missed).To(BeZero())
		Expect(t.Caught + t.NotObservable).To(Equal(t.Total))
	})
})
