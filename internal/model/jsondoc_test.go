package model

import (
	"slices"
	"testing"
)

// policy_json = jsonencode({ Statement = concat(local.common_statements,
// each.value.statements) }), unknown in the plan because a local holds the
// database's managed secret ARN: the sources evaluate it into statements
// whose resources are the resources the references name, read as facts,
// not assumed from the references.
func TestJSONEncodeOfLocalsBecomesStatements(t *testing.T) {
	m := buildStack(t, "merged-app-secrets", true)
	const role = `module.fn["enrich"].module.lambda.aws_iam_role.lambda[0]`
	const secret = "module.aurora.aws_rds_cluster.this[0]" + MasterSecretSuffix
	var found bool
	for _, r := range m.Roles {
		if r.Address != role {
			continue
		}
		for _, s := range r.Statements {
			if s.Sid == "assumed" {
				t.Errorf("statement assumed from the references: %s", dump(t, s))
			}
			if s.Sid == "AppSecrets" {
				found = true
				want := []string{"aws_secretsmanager_secret.partner_key", secret}
				if !slices.Equal(s.Resources, want) || !s.FromUnknown {
					t.Errorf("AppSecrets resources = %q (from_unknown %v), want %q from the plan's unknowns", s.Resources, s.FromUnknown, want)
				}
			}
		}
		if got := roleSids(t, m, role); !slices.Equal(got, []string{"", "AppSecrets", "WriteCache", "XRay"}) {
			t.Errorf("%s statements %q, want its own, the common ones and the module's logging one", role, got)
		}
	}
	if !found {
		t.Fatalf("no AppSecrets statement on %s", role)
	}
	for _, w := range m.Warnings {
		if w.Kind == "unknown-policy" {
			t.Errorf("policy still unknown: %s", dump(t, w))
		}
	}

	// Without the sources the document stays unknown and is assumed.
	alone := buildStack(t, "merged-app-secrets", false)
	if sids := roleSids(t, alone, role); slices.Contains(sids, "AppSecrets") {
		t.Errorf("without sources the statements cannot be read, got %q", sids)
	}
}
