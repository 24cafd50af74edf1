package plan_test

import (
	"os"
	"path/filepath"
	"sort"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/letsleep/letsleep/internal/report"
	"github.com/letsleep/letsleep/internal/runner"
)

// realworld is what a reviewer expects of one plan taken from another project.
type realworld struct {
	// high lists findings that must be reported at medium or above.
	high []pair
	// low lists findings that must be reported, but below medium.
	low []pair
	// exact: nothing else may be reported at medium or above.
	exact bool
	// never lists pairs that must not be reported at medium or above.
	never []pair
	// awakeOK lists pairs that the always-on profile must not report.
	awakeOK []pair
}

func p(category, resource string) pair { return pair{category, resource} }

// realworldSpecs were decided by reading each file (see the comments).
var realworldSpecs = map[string]realworld{
	// Three for_each instances of a module whose SG admits all protocols from 0.0.0.0/0.
	"checkov-plan-for-each-module-sg.json": {exact: true, high: []pair{
		p("open-ingress", `module.sg["awful_example"].aws_security_group.bad`),
		p("open-ingress", `module.sg["bad_example"].aws_security_group.bad`),
		p("open-ingress", `module.sg["terrible_example"].aws_security_group.bad`),
	}},
	// iam:* and s3:* on * for users, groups and an unattached policy: no secrets,
	// no Data API, no function, so nothing for letsleep at medium or above.
	"checkov-plan-iam-policies.json": {exact: true},
	// One secret without a resource policy.
	"checkov-plan-secret.json": {exact: true},
	// Two ingress rules updated in place, both from a security group, not a CIDR.
	"checkov-plan-sg-rule-updates.json": {exact: true},
	// A publicly accessible MySQL instance; web-node admits 22 and 80 from
	// anywhere; the 3306 rule admits only 172.16.0.0/16.
	"checkov-plan-web-db-lambda.json": {
		high: []pair{
			p("db-public", "aws_db_instance.default"),
			p("open-ingress", "aws_security_group.web-node"),
		},
		never: []pair{p("open-ingress", "aws_security_group_rule.ingress"), p("nat-gateway", "aws_route.public_internet_gateway")},
	},
	// Allow * on * for a role, a user and a group: Secrets Manager and the Data
	// API included, placed on the principal as for roles. The Deny and
	// ec2:Describe* documents are fine.
	"regula-admin-policy.json": {
		high: []pair{
			p("broad-secrets-access", "aws_iam_role.my_test_role"),
			p("data-api-grant", "aws_iam_role.my_test_role"),
			p("broad-secrets-access", "aws_iam_user.my_test_user"),
			p("data-api-grant", "aws_iam_user.my_test_user"),
			p("broad-secrets-access", "aws_iam_group.my_group"),
			p("data-api-grant", "aws_iam_group.my_group"),
		},
		never: []pair{
			p("broad-secrets-access", "aws_iam_policy.valid_deny_policy"),
			p("data-api-grant", "aws_iam_policy.valid_deny_policy"),
			p("broad-secrets-access", "aws_iam_role_policy.valid_role_policy"),
			p("broad-secrets-access", "aws_iam_group_policy.valid_group_policy"),
			p("broad-secrets-access", "aws_iam_user_policy.valid_user_policy"),
		},
	},
	// 0-65535, 442-444 and 79-81 from anywhere are open beyond the web ports;
	// exactly 80 or exactly 443 from anywhere is a low web finding.
	"regula-ingress-anywhere.json": {exact: true,
		high: []pair{
			p("open-ingress", "aws_security_group.invalid_allow_all"),
			p("open-ingress", "aws_security_group.invalid_include_443"),
			p("open-ingress", "aws_security_group.invalid_include_80"),
		},
		low: []pair{
			p("open-ingress", "aws_security_group.valid_exact_443"),
			p("open-ingress", "aws_security_group.valid_exact_80"),
		},
	},
	// Security groups without rules in nested modules: nothing to report.
	"regula-nested-modules.json": {exact: true},
	// Aurora MySQL 2.03.2, provisioned, no Serverless v2 scaling: it never
	// pauses (Aurora MySQL needs 3.08.0). Fine for an always-on cluster.
	"tfc-issue-120-aurora-mysql.json": {exact: true,
		high:    []pair{p("db-never-sleeps", "aws_rds_cluster.default")},
		awakeOK: []pair{p("db-never-sleeps", "aws_rds_cluster.default")},
	},
	// A VPC module with one NAT per AZ: three NAT gateways; the IGW route is not a NAT.
	"tfc-issue-158-vpc-3-nat.json": {exact: true, high: []pair{
		p("nat-gateway", "module.vpc.aws_nat_gateway.this[0]"),
		p("nat-gateway", "module.vpc.aws_nat_gateway.this[1]"),
		p("nat-gateway", "module.vpc.aws_nat_gateway.this[2]"),
	}},
	// A VPC Lambda in subnets that are not in the plan (routes unknown, so
	// egress must be assumed) whose role has s3:* on *: a broad S3 read by a
	// function that may go out. No database; ingress only from 10.0.0.0/8.
	"tfc-issue-249-modules-lambda-vpc.json": {exact: true, high: []pair{
		p("egress-broad-s3", "module.lambda_TFUpgradeTest.aws_lambda_function.lambda"),
	}},
	// Open security groups of every kind: inline ingress ranges reaching 22 or
	// 3389 from anywhere, rule resources 0-65535, 0-22, 0-3389, and classic DB
	// and Redshift security groups admitting 0.0.0.0/0. Exactly 443 is low.
	"tfc-issue-400-open-sgs.json": {
		high: []pair{
			p("open-ingress", "aws_security_group.example_group_22"),
			p("open-ingress", "aws_security_group.example_group_3389"),
			p("open-ingress", "aws_security_group_rule.example_rule"),
			p("open-ingress", "aws_security_group_rule.example_rule_22"),
			p("open-ingress", "aws_security_group_rule.example_rule_3389"),
			p("open-ingress", "aws_db_security_group.example_db"),
			p("open-ingress", "aws_redshift_security_group.example_redshift"),
		},
		low:   []pair{p("open-ingress", "aws_security_group.example_group")},
		never: []pair{p("open-ingress", "aws_elasticache_security_group.example_elasticache")},
	},
	// Aurora PostgreSQL, provisioned, no Serverless v2 scaling: it cannot pause.
	"tfc-issue-438-aurora-pg.json": {exact: true,
		high:    []pair{p("db-never-sleeps", "aws_rds_cluster.db_cluster")},
		awakeOK: []pair{p("db-never-sleeps", "aws_rds_cluster.db_cluster")},
	},
	// A VPC Lambda whose SG id is unknown and whose egress rule has no CIDR; no DB.
	"tfc-issue-522-lambda-unknown-sg.json": {exact: true},
	// One NAT gateway; ingress only from 10.0.0.0/8.
	"tfc-pull-330-nat.json": {exact: true, high: []pair{p("nat-gateway", "aws_nat_gateway.gw")}},
}

func realworldDir() string {
	if d := os.Getenv("LETSLEEP_REALWORLD_PLANS"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..", "shared", "realworld-plans")
}

var _ = Describe("Real-world plans from other projects", func() {
	dir := realworldDir()

	BeforeEach(func() {
		if _, err := os.Stat(dir); err != nil {
			msg := "real-world plans not found at " + dir + " (set LETSLEEP_REALWORLD_PLANS): " + err.Error()
			if os.Getenv("CI") == "true" {
				Fail(msg)
			}
			Skip("SKIPPED LOUDLY: " + msg)
		}
	})

	It("has a reviewer's expectation for every plan in the folder", func() {
		files, err := filepath.Glob(filepath.Join(dir, "*.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(files).NotTo(BeEmpty())
		var names []string
		for _, f := range files {
			names = append(names, filepath.Base(f))
		}
		var known []string
		for n := range realworldSpecs {
			known = append(known, n)
		}
		sort.Strings(known)
		Expect(names).To(ConsistOf(known))
	})

	for name, spec := range realworldSpecs {
		It("checks "+name+" with the findings a reviewer expects", func(ctx SpecContext) {
			file := filepath.Join(dir, name)
			rep, err := check(ctx, file, runner.ProfileSleepFirst)
			Expect(err).NotTo(HaveOccurred(), "checking %s", name)

			// Every finding sits on a resource of the plan (full address).
			addrs := planAddresses(file)
			for _, f := range rep.Findings {
				Expect(addrs).To(HaveKey(f.Resource), "%s: finding %s placed on an address the plan does not hold", name, f.Category)
			}

			high := atLeast(rep, "medium")
			want := pairSet{}
			for _, q := range spec.high {
				want[q] = true
			}
			missing, extra := diff(want, high)
			Expect(missing).To(BeEmpty(), "%s\n%s", name, describeDiff(missing, extra))
			if spec.exact {
				Expect(extra).To(BeEmpty(), "%s\n%s", name, describeDiff(missing, extra))
			}
			for _, q := range spec.never {
				Expect(high).NotTo(HaveKey(q), "%s: %s must not be reported at medium or above", name, q)
			}
			all := atLeast(rep, "info")
			for _, q := range spec.low {
				Expect(all).To(HaveKey(q), "%s: %s must be reported", name, q)
				Expect(high).NotTo(HaveKey(q), "%s: %s must stay below medium", name, q)
			}

			if len(spec.awakeOK) > 0 {
				awake, err := check(ctx, file, runner.ProfileAlwaysOn)
				Expect(err).NotTo(HaveOccurred())
				got := atLeast(awake, "info")
				for _, q := range spec.awakeOK {
					Expect(got).NotTo(HaveKey(q), "%s: the always-on profile must not report %s", name, q)
				}
			}
			Expect(rep.Summary.Failed).To(Equal(len(high) > 0))
			Expect(report.Rank(rep.Summary.FailOn)).To(Equal(report.Rank("medium")))
		}, SpecTimeout(time.Minute))
	}
})
