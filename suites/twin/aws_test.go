package twin_test

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/letsleep/letsleep/internal/awsbackend"
	"github.com/letsleep/letsleep/internal/probe"
)

// Against a real account: apply the reference stack and its twins, and
// check through STS that every twin runs as its target's role.
var _ = Describe("probe twins on AWS", Label("aws"), Ordered, func() {
	var b *awsbackend.Backend

	BeforeAll(func(ctx SpecContext) {
		if reason := awsbackend.SkipReason(); reason != "" {
			Skip(reason)
		}
		var err error
		b, err = awsbackend.New(ctx, GinkgoT(), awsbackend.Options{})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(b.Close)
	})

	It("gives every twin its target's live role and placement", func(ctx SpecContext) {
		Expect(b.Twins()).NotTo(BeEmpty())
		for addr := range b.Twins() {
			target, ok := b.Stack().Function(addr)
			Expect(ok).To(BeTrue(), addr)
			twin, err := b.DescribeTwin(ctx, addr)
			Expect(err).NotTo(HaveOccurred())
			Expect(twin.RoleARN).To(Equal(target.RoleARN), addr)
			Expect(twin.SubnetIDs).To(ConsistOf(target.SubnetIDs), addr)
			Expect(twin.SecurityGroupIDs).To(ConsistOf(target.SecurityGroupIDs), addr)
		}
	})

	It("runs every twin as its target's role", func(ctx SpecContext) {
		Expect(b.Twins()).NotTo(BeEmpty())
		for addr := range b.Twins() {
			target, ok := b.Stack().Function(addr)
			Expect(ok).To(BeTrue(), addr)
			roleName := target.RoleARN[strings.LastIndex(target.RoleARN, "/")+1:]
			resp, err := b.Probe(ctx, addr, probe.Request{ID: "whoami", Checks: []probe.Check{{Name: "sts", Kind: probe.KindAWS, Action: probe.ActionGetCallerIdentity, TimeoutMS: 5000}}})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Results).To(HaveLen(1))
			r := resp.Results[0]
			// A twin in a VPC without an STS endpoint or NAT cannot reach
			// STS at all: that is the boundary, not a failure of the twin.
			if probe.Blocked(r.Outcome) {
				AddReportEntry(addr, "sts unreachable from the twin: "+r.Detail)
				continue
			}
			Expect(r.Outcome).To(Equal(probe.OutcomeReachable), addr+": "+r.Detail)
			Expect(r.Detail).To(ContainSubstring(":assumed-role/"+roleName+"/"), addr)
		}
	})
})
