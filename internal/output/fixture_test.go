package output

import (
	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/report"
)

// sampleReport is a report with every feature a writer must handle: several
// severities, an evidence path with a link resolved from an unknown value,
// characters that need escaping, a waived finding and a notice. The
// findings are deliberately out of order.
func sampleReport() *report.Report {
	return &report.Report{
		Findings: []report.Finding{
			{
				Rule: "LSL-004", Category: "nat-gateway", Severity: "medium",
				Resource: "module.net.aws_nat_gateway.this[0]", Title: "NAT gateway",
				Message:     "a NAT gateway bills every hour, traffic or not",
				Path:        []model.Step{{Kind: "nat_gateway", Address: "module.net.aws_nat_gateway.this[0]", Detail: "NAT gateway in subnet public[0]"}},
				Remediation: "Remove the NAT gateway; keep egress functions outside the VPC.",
				Source:      "plan.json",
			},
			{
				Rule: "LSL-001", Category: "egress-reaches-db", Severity: "critical",
				Resource: "aws_lambda_function.egress", Title: "Egress function reaches the database",
				Message: "egress function can reach aws_rds_cluster.vault through the Data API: 100% bad, a,b:c\r\nsecond line | pipe <b>",
				Path: []model.Step{
					{Kind: "function", Address: "aws_lambda_function.egress", Detail: "egress function"},
					{Kind: "role", Address: "aws_iam_role.egress", Detail: "role egress"},
					{Kind: "statement", Address: "aws_iam_role_policy.extra", Detail: `policy statement "Extra"`},
					{Kind: "action", Detail: "rds-data:* on *"},
					{Kind: "database", Address: "aws_rds_cluster.vault", Detail: "cluster vault (HTTP endpoint on)", FromUnknown: true},
				},
				Remediation: "Drop rds-data:* from the egress role.",
				Source:      "plan.json",
			},
			{
				Rule: "LSL-012", Category: "dynamodb-no-ttl", Severity: "low",
				Resource: "aws_dynamodb_table.cache", Title: "DynamoDB table without TTL",
				Message: "table has no TTL", Remediation: "Enable TTL.", Unresolved: true, Source: "plan.json",
				Assumptions: []model.Assumption{{Address: "aws_dynamodb_table.cache", Unknown: "the TTL attribute is unknown at plan time", Assumed: "TTL is off"}},
			},
		},
		Waived: []report.WaivedFinding{{
			Finding: report.Finding{
				Rule: "LSL-005", Category: "rds-proxy", Severity: "high",
				Resource: "module.legacy.aws_db_proxy.main", Message: "RDS Proxy keeps connections open", Source: "plan.json",
			},
			Waiver: report.Waiver{Rule: "LSL-005", Resource: "module.legacy.*", Reason: "legacy stack, removed in Q1", Expires: "2027-01-31"},
		}},
		Warnings: []report.Notice{
			{Kind: "unused-waiver", Source: "waivers.yaml:7", Message: "waiver LSL-004 for module.old.* matched no finding"},
			{Kind: "expired-waiver", Source: "waivers.yaml:3", Address: "aws_nat_gateway.x", Message: "waiver LSL-004 expired on 2026-01-01"},
		},
		Summary: report.Summary{
			Total: 3, BySeverity: map[string]int{"critical": 1, "medium": 1, "low": 1},
			ByCategory: map[string]int{"egress-reaches-db": 1, "nat-gateway": 1, "dynamodb-no-ttl": 1},
			Waived:     1, FailOn: "medium", Profile: "sleep-first", Failed: true,
			Analysed: report.Analysed{Resources: 12, AWSResources: 11, Functions: 2, Databases: 1, SecurityGroups: 3, Roles: 2, NotRead: map[string]int{"google": 1}},
		},
		Plan:  report.PlanRef{Source: "plan.json", TerraformVersion: "1.9.8", FormatVersion: "1.2"},
		Plans: []report.PlanRef{{Source: "plan.json", TerraformVersion: "1.9.8", FormatVersion: "1.2"}},
	}
}

func sampleRules() []Rule {
	return []Rule{
		{ID: "LSL-001", Category: "egress-reaches-db", Severity: "critical", Title: "Egress function reaches the database", Description: "A function that can go out must not reach the data.", Remediation: "Split the function."},
		{ID: "LSL-004", Category: "nat-gateway", Severity: "medium", Title: "NAT gateway", Remediation: "Remove it."},
		{ID: "LSL-005", Category: "rds-proxy", Severity: "high", Title: "RDS Proxy", Remediation: "Remove it."},
		{ID: "LSL-007", Category: "db-public", Severity: "critical", Title: "Database is public", Remediation: "Make it private."},
		{ID: "LSL-012", Category: "dynamodb-no-ttl", Severity: "low", Title: "DynamoDB table without TTL", Remediation: "Enable TTL."},
	}
}
