package model

import (
	"fmt"
	"strings"
	"testing"

	"github.com/letsleep/letsleep/internal/plan"
)

// sameNamePlan holds two roles named "app": under keyA and keyB provider
// configurations, and a role_policy that joins on the name.
func sameNamePlan(keyA, keyB string) string {
	return `{
 "format_version": "1.2", "terraform_version": "1.9.0",
 "resource_changes": [
  {"address": "aws_iam_role.a", "mode": "managed", "type": "aws_iam_role", "name": "a",
   "change": {"actions": ["create"], "after": {"name": "app"}, "after_unknown": {"arn": true}}},
  {"address": "aws_iam_role.b", "mode": "managed", "type": "aws_iam_role", "name": "b",
   "change": {"actions": ["create"], "after": {"name": "app"}, "after_unknown": {"arn": true}}},
  {"address": "aws_iam_role.c", "mode": "managed", "type": "aws_iam_role", "name": "c",
   "change": {"actions": ["create"], "after": {"name": "other"}, "after_unknown": {"arn": true}}}
 ],
 "configuration": {"root_module": {"resources": [
  {"address": "aws_iam_role.a", "mode": "managed", "type": "aws_iam_role", "name": "a", "provider_config_key": "` + keyA + `", "expressions": {}},
  {"address": "aws_iam_role.b", "mode": "managed", "type": "aws_iam_role", "name": "b", "provider_config_key": "` + keyB + `", "expressions": {}},
  {"address": "aws_iam_role.c", "mode": "managed", "type": "aws_iam_role", "name": "c", "provider_config_key": "` + keyA + `", "expressions": {}}
 ]}}
}`
}

func sameNameWarnings(t *testing.T, doc string) []Warning {
	t.Helper()
	p, err := plan.FromBytes("same.json", []byte(doc), plan.Options{})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	var out []Warning
	for _, w := range resolve(p, nil).notes.list {
		if w.Kind == "same-name" {
			out = append(out, w)
		}
	}
	return out
}

// Two roles with one name in one account are never joined silently: the
// warning names both addresses and says which one joins by name link.
// Under two provider configurations the plan does not show to share an
// account they are two accounts' roles, joined apart
// (TestNameJoinsStayInProviderScope): no warning.
func TestSameNameWarns(t *testing.T) {
	if ws := sameNameWarnings(t, sameNamePlan("aws", "aws.prod")); len(ws) != 0 {
		t.Errorf("two provider configurations: warnings = %+v, want none", ws)
	}
	cases := []struct {
		name, keyA, keyB, want string
	}{
		{"one provider configuration", "aws", "aws", "EntityAlreadyExists"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ws := sameNameWarnings(t, sameNamePlan(c.keyA, c.keyB))
			if len(ws) != 1 {
				t.Fatalf("warnings = %+v, want one same-name warning", ws)
			}
			msg := ws[0].Message
			for _, want := range []string{"aws_iam_role.a", "aws_iam_role.b", `"app"`, c.want} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q lacks %q", msg, want)
				}
			}
			if ws[0].Address != "aws_iam_role.b" {
				t.Errorf("address = %q, want the second role", ws[0].Address)
			}
		})
	}
}

// Distinct names give no warning.
func TestSameNameQuietOnDistinctNames(t *testing.T) {
	doc := sameNamePlan("aws", "aws")
	doc = strings.Replace(doc, `"name": "b",
   "change": {"actions": ["create"], "after": {"name": "app"}`, `"name": "b",
   "change": {"actions": ["create"], "after": {"name": "app2"}`, 1)
	if ws := sameNameWarnings(t, doc); len(ws) != 0 {
		t.Errorf("warnings = %+v, want none", ws)
	}
}

// TestNameJoinsStayInProviderScope: testdata/providers (a real offline
// plan) has roles "app" under the default aws and under aws.other (its own
// keys: another account), and "worker" in the root and in a module passed
// aws.other, each with an inline policy attached by the literal name. Each
// policy lands on the role of its own provider configuration: the other
// account's Data API grant is not the default account's role's.
func TestNameJoinsStayInProviderScope(t *testing.T) {
	m := buildFixture(t, "providers", Config{})
	want := map[string][]string{
		"aws_iam_role.app":                 {"aws_iam_role_policy.app"},
		"aws_iam_role.other_app":           {"aws_iam_role_policy.other_app"},
		"aws_iam_role.worker":              nil,
		"module.other.aws_iam_role.worker": {"module.other.aws_iam_role_policy.worker"},
	}
	for _, r := range m.Roles {
		w, ok := want[r.Address]
		if !ok {
			t.Errorf("unexpected role %s", r.Address)
			continue
		}
		var got []string
		for _, p := range r.Policies {
			got = append(got, p.Address)
		}
		if strings.Join(got, ",") != strings.Join(w, ",") {
			t.Errorf("%s: policies %v, want %v", r.Address, got, w)
		}
		granted := len(r.Grants) > 0
		if granted != (r.Address != "aws_iam_role.app" && r.Address != "aws_iam_role.worker") {
			t.Errorf("%s: grants %+v", r.Address, r.Grants)
		}
	}
	for _, w := range m.Warnings {
		if w.Kind == "same-name" {
			t.Errorf("names in two accounts are two resources, not a same-name case: %s", w.Message)
		}
	}
}

// TestLiteralARNsStayInTheirRegion: a policy of the eu-west-1 provider
// that grants secret reads on a literal us-east-1 ARN pattern meets the
// secret "db-creds" of the us-east-1 provider only, not the one of the
// same name planned in eu-west-1; a role named by a literal ARN links the
// role of the function's own provider configuration.
func TestLiteralARNsStayInTheirRegion(t *testing.T) {
	m := buildFixture(t, "providerarns", Config{})
	var grants []string
	for _, r := range m.Roles {
		if r.Address != "aws_iam_role.reader" {
			continue
		}
		for _, g := range r.Grants {
			grants = append(grants, g.Action+" "+g.Target)
		}
	}
	if want := "secretsmanager:GetSecretValue aws_secretsmanager_secret.there"; strings.Join(grants, ",") != want {
		t.Errorf("reader's grants %v, want only %s (the us-east-1 secret)", grants, want)
	}
	if f := fn(t, m, "aws_lambda_function.fn"); f.ExecutionRole != "aws_iam_role.app" {
		t.Errorf("fn's role %q, want aws_iam_role.app (its own provider's role app)", f.ExecutionRole)
	}
}

func TestInRegion(t *testing.T) {
	got := inRegion([]string{"arn:aws:secretsmanager:*:*:secret:x-??????", "arn:aws:iam::*:role/x", "arn:aws:rds:us-east-1:*:cluster:c"}, "eu-west-1")
	want := []string{"arn:aws:secretsmanager:eu-west-1:*:secret:x-??????", "arn:aws:iam::*:role/x", "arn:aws:rds:us-east-1:*:cluster:c"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("inRegion = %v, want %v", got, want)
	}
	if got := inRegion(want[:1], ""); got[0] != want[0] {
		t.Errorf("no region changed the shape: %v", got)
	}
}

// The capped same-name warnings are the same on every build of one plan:
// with more pairs than the cap, spread over every type, which pairs are
// named must not follow map order.
func TestSameNameWarningsAreStable(t *testing.T) {
	var rc []string
	for _, typ := range []string{"aws_iam_role", "aws_iam_policy", "aws_sqs_queue", "aws_sns_topic", "aws_dynamodb_table",
		"aws_secretsmanager_secret", "aws_iam_user", "aws_iam_group", "aws_security_group", "aws_iam_instance_profile"} {
		for i := 0; i < 6; i++ {
			rc = append(rc, fmt.Sprintf(`{"address": "%[1]s.r%[2]d", "mode": "managed", "type": "%[1]s", "name": "r%[2]d",
   "change": {"actions": ["create"], "after": {"name": "n%[3]d"}}}`, typ, i, i/2))
		}
	}
	doc := `{"format_version": "1.2", "terraform_version": "1.9.0", "resource_changes": [` + strings.Join(rc, ",\n") + `]}`
	var first string
	for i := 0; i < 8; i++ {
		var got []string
		for _, w := range sameNameWarnings(t, doc) {
			got = append(got, w.Address+" "+w.Message)
		}
		if len(got) != maxSameNameWarnings+1 {
			t.Fatalf("got %d warnings, want %d named and one summary", len(got), maxSameNameWarnings)
		}
		if s := strings.Join(got, "\n"); i == 0 {
			first = s
		} else if s != first {
			t.Fatalf("build %d named other pairs:\n%s\nfirst build:\n%s", i, s, first)
		}
	}
}
