package source

import (
	"slices"
	"strings"
	"testing"
)

// A conditional whose condition reads each.value is decided per instance
// when the for_each map is a local of literals: each instance gets its own
// arm, not both.
func TestConditionOnEachValueIsDecidedPerInstance(t *testing.T) {
	c := load(t, "testdata/decide")
	for _, call := range []string{"fn", "by_tier"} {
		for key, want := range map[string]string{"ledger": "aws_security_group.control.id", "enrich": "aws_security_group.egress.id"} {
			got, ok := c.Argument(call, `["`+key+`"]`, "sg_ids")
			if !ok || !slices.Equal(got, []string{want}) {
				t.Errorf("module.%s[%q] sg_ids = %q (%v), want only %s", call, key, got, ok, want)
			}
		}
	}
}

// Undecided (the value compared is known only after apply, or the
// instance is not named), both arms stay and a Guess reference says the
// value is one of them and which condition could not be evaluated.
func TestUndecidedConditionKeepsBothArmsAndSaysSo(t *testing.T) {
	c := load(t, "testdata/decide")
	for _, q := range []struct{ call, instance string }{{"by_ref", `["ledger"]`}, {"fn", ""}} {
		got, _ := c.Argument(q.call, q.instance, "sg_ids")
		var guesses []string
		var refs []string
		for _, r := range got {
			if g, ok := strings.CutPrefix(r, Guess); ok {
				guesses = append(guesses, g)
			} else {
				refs = append(refs, r)
			}
		}
		if want := []string{"aws_security_group.control.id", "aws_security_group.egress.id"}; !slices.Equal(refs, want) {
			t.Errorf("module.%s%s sg_ids refs = %q, want both arms %q", q.call, q.instance, refs, want)
		}
		if len(guesses) != 1 || !strings.Contains(guesses[0], "the condition on each.value") || !strings.Contains(guesses[0], "main.tf:") {
			t.Errorf("module.%s%s: guesses %q, want one naming the condition and where it is", q.call, q.instance, guesses)
		}
	}
}
