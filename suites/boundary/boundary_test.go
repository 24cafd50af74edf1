//go:build linux

package boundary_test

import (
	"fmt"
	"io"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/letsleep/letsleep/internal/backend"
	"github.com/letsleep/letsleep/internal/lab"
	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/suites/boundary"
	"github.com/letsleep/letsleep/suites/internal/labsuite"
)

func rowsFor(res *boundary.Result, target, expect string) []backend.Row {
	var out []backend.Row
	for _, r := range res.Matrix.Rows {
		if r.Target == target && r.Expect == expect {
			out = append(out, r)
		}
	}
	return out
}

// boundarySpecs are the same specs for every backend; up brings the
// backend up (and registers its teardown).
func boundarySpecs(up func(ctx SpecContext, m *model.Model) backend.Backend, opts boundary.Options) {
	var (
		b   backend.Backend
		res *boundary.Result
	)

	BeforeAll(func(ctx SpecContext) {
		m := labsuite.ReferenceModel(ctx)
		b = up(ctx, m)
		var err error
		res, err = boundary.Run(ctx, b, m, opts)
		Expect(err).NotTo(HaveOccurred())
		labsuite.Report(res.Write)
	})

	It("keeps every context that can go out away from the DB endpoint", func() {
		rows := rowsFor(res, backend.TargetDB, backend.ExpectBlocked)
		Expect(rows).NotTo(BeEmpty(), "the reference stack has functions that go out")
		for _, r := range rows {
			Expect(r.Observed).To(BeElementOf(backend.BlockedOutcomes), "%s → db: %s", r.Function, r.Detail)
		}
	})

	It("keeps every data-capable context away from the internet canary", func() {
		rows := rowsFor(res, backend.TargetCanary, backend.ExpectBlocked)
		Expect(rows).NotTo(BeEmpty(), "the reference stack has data-capable functions")
		for _, r := range rows {
			Expect(r.Observed).To(BeElementOf(backend.BlockedOutcomes), "%s → canary: %s", r.Function, r.Detail)
		}
	})

	It("denies the egress roles rds-data:ExecuteStatement and the DB secret", func() {
		Expect(res.IAM).NotTo(BeEmpty())
		for _, d := range res.IAM {
			Expect(d.Allowed()).To(BeFalse(), "%s may %s on %s via %s", d.Function, d.Action, d.Resource, d.Via)
		}
	})

	It("lets the egress twin reach the canary (positive control)", func() {
		rows := rowsFor(res, backend.TargetCanary, backend.ExpectReachable)
		Expect(rows).NotTo(BeEmpty())
		for _, r := range rows {
			Expect(r.Observed).To(Equal("reachable"), "%s → canary: %s", r.Function, r.Detail)
		}
	})

	It("lets the control twin reach the DB when waking is allowed (positive control)", func() {
		if !b.AllowWake() {
			Skip("DB POSITIVE CONTROL SKIPPED: it would wake the database; pass LETSLEEP_ALLOW_WAKE=1")
		}
		rows := rowsFor(res, backend.TargetDB, backend.ExpectReachable)
		Expect(rows).NotTo(BeEmpty())
		for _, r := range rows {
			Expect(r.Observed).To(Equal("reachable"), "%s → db: %s", r.Function, r.Detail)
		}
	})

	It("has no violation at all", func() {
		Expect(res.Violations()).To(BeEmpty())
	})
}

var _ = Describe("boundary on the lab twin of the reference stack", Label("lab"), Ordered, func() {
	BeforeAll(func() { labsuite.RequireLab("boundary") })
	boundarySpecs(func(ctx SpecContext, m *model.Model) backend.Backend {
		// The lab always allows waking: the sentinel costs nothing to wake.
		// Its IAM is its own, read from the plan.
		iam, err := lab.LoadIAM(labsuite.ReferencePlan(ctx), nil)
		Expect(err).NotTo(HaveOccurred())
		l, err := lab.Up(ctx, m, lab.Options{Progress: GinkgoWriter, LockWait: 15 * time.Minute, Source: "reference", IAM: iam})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(l.Close)
		labsuite.Report(func(w io.Writer) { fmt.Fprintf(w, "lab runtime: %s\n", l.Runtimes()) })
		return l
	}, boundary.Options{CheckTimeout: time.Second})
})

var _ = Describe("boundary on AWS", Label("aws"), Ordered, func() {
	BeforeAll(func() { labsuite.RequireAWS("boundary") })
	boundarySpecs(func(ctx SpecContext, m *model.Model) backend.Backend {
		return labsuite.AWSBackend(ctx, m)
	}, boundary.Options{CheckTimeout: 5 * time.Second})
})
