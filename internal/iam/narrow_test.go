package iam

import (
	"strings"
	"testing"
)

func TestNameQuestionMarksAreNotBroad(t *testing.T) {
	cases := map[string]bool{
		"arn:aws:secretsmanager:eu-west-1:123456789012:secret:app-??????": false,
		"arn:aws:secretsmanager:eu-west-1:123456789012:secret:app-*":      true,
		"arn:aws:secretsmanager:eu-west-1:123456789012:secret:*-??????":   true,
		"arn:aws:secretsmanager:eu-west-1:123456789012:secret:app":        false,
		"arn:aws:lambda:eu-west-1:123456789012:function:f-??????":         true,
	}
	for p, want := range cases {
		if got := Broad(p); got != want {
			t.Errorf("Broad(%s) = %v, want %v", p, got, want)
		}
	}
}

// A Deny with NotResource leaves exactly the excluded resources allowed.
func TestDenyNotResourceNarrowsTheAllow(t *testing.T) {
	app := "arn:aws:secretsmanager:eu-west-1:123456789012:secret:app-??????"
	stmts := []Statement{
		{Index: 0, Effect: "Allow", Actions: []string{"secretsmanager:*"}, Resources: []string{"*"}},
		{Index: 1, Effect: "Deny", Actions: []string{"secretsmanager:GetSecretValue"}, NotResources: []string{app}},
	}
	got := Allowances(stmts, ActionSecretRead)
	if len(got) != 1 || got[0].Pattern != app || Broad(got[0].Pattern) {
		t.Fatalf("allowances = %+v, want exactly %s, not broad", got, app)
	}
	// Disjoint: nothing left.
	stmts[0].Resources = []string{"arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-??????"}
	if got := Allowances(stmts, ActionSecretRead); len(got) != 0 {
		t.Fatalf("allow outside the exemption must be denied: %+v", got)
	}
	// A conditional Deny narrows nothing (it may not apply).
	stmts[0].Resources = []string{"*"}
	stmts[1].Conditional = true
	if got := Allowances(stmts, ActionSecretRead); len(got) != 1 || got[0].Pattern != "*" {
		t.Fatalf("conditional deny: %+v", got)
	}
	// A Deny that does not cover the action leaves the Allow whole.
	stmts[1].Conditional = false
	stmts[1].Actions = []string{"secretsmanager:DeleteSecret"}
	if got := Allowances(stmts, ActionSecretRead); len(got) != 1 || !strings.HasSuffix(got[0].Pattern, "*") {
		t.Fatalf("unrelated deny: %+v", got)
	}
}
