package source

import (
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// The plan records the root variables' values (-var and *.tfvars
// included); they decide a conditional the sources alone would read as
// "may be one of" its arms.
func TestArgumentConditionDecidedByThePlansVariables(t *testing.T) {
	c := load(t, "testdata/rootvar")
	undecided, ok := c.Argument("fn", "", "subnet_ids")
	if !ok {
		t.Fatal("argument subnet_ids of module.fn not read")
	}
	// Without the plan's values the default (false) decides: public.
	if !slices.ContainsFunc(undecided, func(r string) bool { return strings.Contains(r, "aws_subnet.public") }) ||
		slices.ContainsFunc(undecided, func(r string) bool { return strings.Contains(r, "aws_subnet.private") }) {
		t.Fatalf("by its default the condition picks the public subnets, got %v", undecided)
	}

	c = load(t, "testdata/rootvar")
	c.SetRootVariables(map[string]any{"private": true})
	got, ok := c.Argument("fn", "", "subnet_ids")
	if !ok {
		t.Fatal("argument subnet_ids of module.fn not read")
	}
	if !slices.ContainsFunc(got, func(r string) bool { return strings.Contains(r, "aws_subnet.private") }) ||
		slices.ContainsFunc(got, func(r string) bool { return strings.Contains(r, "aws_subnet.public") }) {
		t.Fatalf("the plan's private = true picks the private subnets alone, got %v", got)
	}
}

func TestUndecidedConditionIsAGuessEvenWithoutEach(t *testing.T) {
	c := load(t, "testdata/rootvar")
	c.SetRootVariables(map[string]any{"private": true})
	got, ok := c.Argument("undecided", "", "subnet_ids")
	if !ok {
		t.Fatal("argument subnet_ids of module.undecided not read")
	}
	var guesses []string
	for _, r := range got {
		if strings.HasPrefix(r, Guess) {
			guesses = append(guesses, r)
		}
	}
	if len(guesses) != 1 || !strings.Contains(guesses[0], "aws_subnet.private[0].map_public_ip_on_launch") || !strings.Contains(guesses[0], "main.tf:") {
		t.Fatalf("want one guess naming the condition and its place, got %q", got)
	}
	for _, arm := range []string{"aws_subnet.public", "aws_subnet.private"} {
		if !slices.ContainsFunc(got, func(r string) bool { return strings.HasPrefix(r, arm) }) {
			t.Errorf("arm %s missing from %q", arm, got)
		}
	}
}

func TestConstVariableReadsTheCallersArgumentOrTheDefault(t *testing.T) {
	c := load(t, "testdata/rootvar")
	c.SetRootVariables(map[string]any{"private": "not a bool"})
	sc := &scope{m: c.Module(""), c: c, path: ""}
	if _, ok := constVariable(sc, "private", nil, 0); !ok {
		t.Fatal("the plan's value of var.private was not read")
	}
	if _, ok := decideVar(c, "private"); ok {
		t.Fatal("a string is not a condition: it must stay undecided")
	}
	child := &scope{m: c.Module("fn"), c: c, path: "fn"}
	v, ok := constVariable(child, "isolated", nil, 0)
	if !ok || !v.True() {
		t.Fatalf("var.isolated of module.fn is its default true, got %v %v", v, ok)
	}
	if _, ok := constVariable(child, "subnet_ids", nil, 0); ok {
		t.Fatal("subnet ids known only after apply were read as a constant")
	}
}

// decideVar decides the condition `var.name` in the root module.
func decideVar(c *Config, name string) (bool, bool) {
	e, diags := hclsyntax.ParseExpression([]byte("var."+name), "cond.tf", hcl.InitialPos)
	if diags.HasErrors() {
		panic(diags.Error())
	}
	return decide(e, &scope{m: c.Module(""), c: c, path: ""}, 0)
}
