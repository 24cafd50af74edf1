//go:build linux

// Package labsuite is the set-up the lab and AWS Ginkgo suites share: root
// and AWS gates that never skip quietly, the reference stack's plan and
// model, the AWS backend, and reports a person sees without -ginkgo.v.
// Call these from inside Ginkgo nodes (BeforeAll, It).
package labsuite

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/letsleep/letsleep/internal/awsbackend"
	"github.com/letsleep/letsleep/internal/backend"
	"github.com/letsleep/letsleep/internal/lab"
	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/testtier"
)

// RequireLab runs the lab specs only when the lab tier is on
// (LETSLEEP_TIERS=lab; `make lab` and, as root, `make test` set it): skips
// loudly otherwise, fails under CI=true. With the tier on, a run without
// root fails: the lab needs network namespaces and nftables.
func RequireLab(suite string) {
	ginkgo.GinkgoHelper()
	msg, fail := testtier.Off(testtier.Lab)
	switch {
	case fail:
		ginkgo.Fail(msg)
	case msg != "":
		SkipLoudly(suite, msg)
	case os.Geteuid() != 0:
		ginkgo.Fail("the lab tier is on but this is not root: the lab needs network namespaces and nftables; run `sudo make lab`")
	}
}

// RequireAWS skips loudly when the AWS specs cannot run.
func RequireAWS(suite string) {
	ginkgo.GinkgoHelper()
	if reason := awsbackend.SkipReason(); reason != "" {
		SkipLoudly(suite, "AWS SPECS SKIPPED: "+reason)
	}
}

// SkipLoudly skips and says so on stderr even without -ginkgo.v.
func SkipLoudly(suite, msg string) {
	ginkgo.GinkgoHelper()
	fmt.Fprintln(os.Stderr, suite+" suite: "+msg)
	ginkgo.Skip(msg)
}

// Report writes to GinkgoWriter, and to stdout too unless Ginkgo already
// streams GinkgoWriter there (-ginkgo.v).
func Report(write func(io.Writer)) {
	write(ginkgo.GinkgoWriter)
	if _, rc := ginkgo.GinkgoConfiguration(); !rc.Verbose && !rc.VeryVerbose {
		write(os.Stdout)
	}
}

// ReferencePlan returns the reference stack's plan JSON, planning it
// offline when it is missing or stale.
func ReferencePlan(ctx context.Context) string {
	ginkgo.GinkgoHelper()
	path, err := lab.EnsurePlan(ctx, "reference")
	gomega.Expect(err).NotTo(gomega.HaveOccurred())
	return path
}

// ReferenceModel is the boundary model of the reference stack's plan.
func ReferenceModel(ctx context.Context) *model.Model {
	ginkgo.GinkgoHelper()
	m, err := lab.LoadModel(ctx, ReferencePlan(ctx), model.Config{})
	gomega.Expect(err).NotTo(gomega.HaveOccurred())
	return m
}

// AWSBackend brings up the AWS backend for m and registers its teardown;
// waking the database needs LETSLEEP_ALLOW_WAKE=1.
func AWSBackend(ctx context.Context, m *model.Model) backend.Backend {
	ginkgo.GinkgoHelper()
	b, err := awsbackend.New(ctx, ginkgo.GinkgoT(), awsbackend.Options{Model: m, AllowWake: os.Getenv("LETSLEEP_ALLOW_WAKE") == "1"})
	gomega.Expect(err).NotTo(gomega.HaveOccurred())
	ginkgo.DeferCleanup(b.Close)
	return b
}
