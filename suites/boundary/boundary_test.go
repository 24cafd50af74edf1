package boundary_test

import (
	"io"
	"os"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/letsleep/letsleep/internal/backend"
	"github.com/letsleep/letsleep/internal/lab"
	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/suites/boundary"
)

// requireRoot fails under CI=true and skips loudly otherwise.
func requireRoot() {
	if os.Geteuid() == 0 {
		return
	}
	if os.Getenv("CI") == "true" {
		Fail("the lab specs need root (network namespaces, nftables) and may not skip under CI=true")
	}
	Skip("LAB SPECS SKIPPED: they need root (network namespaces, nftables); run `sudo make lab`")
}

// report writes to GinkgoWriter, and to stdout too unless Ginkgo already
// streams GinkgoWriter there (-ginkgo.v).
func report(write func(io.Writer)) {
	write(GinkgoWriter)
	if _, rc := GinkgoConfiguration(); !rc.Verbose && !rc.VeryVerbose {
		write(os.Stdout)
	}
}

func rowsFor(res *boundary.Result, target, expect string) []backend.Row {
	var out []backend.Row
	for _, r := range res.Matrix.Rows {
		if r.Target == target && r.Expect == expect {
			out = append(out, r)
		}
	}
	return out
}

var _ = Describe("boundary on the lab twin of the reference stack", Label("lab"), Ordered, func() {
	var (
		l   *lab.Lab
		res *boundary.Result
	)

	BeforeAll(func(ctx SpecContext) {
		requireRoot()
		path, err := lab.EnsurePlan(ctx, "reference")
		Expect(err).NotTo(HaveOccurred())
		l, err = lab.UpFromPlan(ctx, path, model.Config{}, lab.Options{Progress: GinkgoWriter, LockWait: 15 * time.Minute})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(l.Close)
		res, err = boundary.Run(ctx, l, l.Model, boundary.Options{CheckTimeout: time.Second})
		Expect(err).NotTo(HaveOccurred())
		report(res.Write)
	}, NodeTimeout(5*time.Minute))

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
		Expect(l.AllowWake()).To(BeTrue(), "the lab always allows waking: the sentinel costs nothing")
		rows := rowsFor(res, backend.TargetDB, backend.ExpectReachable)
		Expect(rows).NotTo(BeEmpty())
		for _, r := range rows {
			Expect(r.Observed).To(Equal("reachable"), "%s → db: %s", r.Function, r.Detail)
		}
	})

	It("has no violation at all", func() {
		Expect(res.Violations()).To(BeEmpty())
	})
})
