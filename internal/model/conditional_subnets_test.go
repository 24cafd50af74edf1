package model

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/letsleep/letsleep/internal/source"
)

// undecidedSubnets answers the control call's vpc_subnet_ids as the sources
// do when its condition reads a value known only after apply: both arms
// and a Guess.
type undecidedSubnets struct{ *source.Config }

func (u undecidedSubnets) Argument(path, instance, name string, sel ...string) ([]string, bool) {
	if path == "control" && name == "vpc_subnet_ids" {
		return []string{"module.vpc.intra_subnets", "module.vpc.private_subnets",
			source.Guess + "the condition on data.aws_ssm_parameter.flag.value (main.tf:176) could not be evaluated from the sources and the plan's variables"}, true
	}
	return u.Config.Argument(path, instance, name, sel...)
}

// conditional-intra-clean places the control function (HTTPS anywhere)
// with var.isolate_control ? intra_subnets : private_subnets, and only the
// private subnets route to NAT. The plan's value of the variable decides:
// true, intra alone and no way out; false, private and out through NAT, a
// fact. Undecided, the way out through the private subnets is kept as the
// worst case, resting on an assumption that names both sets.
func TestConditionalSubnetsAreDecidedByThePlanOrAssumed(t *testing.T) {
	dir := filepath.Join("..", "..", "terraform", "community", "conditional-intra-clean")
	const control = "module.control.aws_lambda_function.this[0]"
	build := func(isolate bool, undecided bool) *Function {
		t.Helper()
		p, src := communityInputs(t, dir, true)
		src.SetRootVariables(map[string]any{"isolate_control": isolate})
		var s Sources = src
		if undecided {
			s = undecidedSubnets{src}
		}
		m, err := BuildWithSources(p, Config{}, s)
		if err != nil {
			t.Fatal(err)
		}
		f := fn(t, m, control)
		return &f
	}
	inSubnets := func(f *Function, kind string) bool {
		return slices.ContainsFunc(f.Subnets, func(s string) bool { return strings.HasPrefix(s, "module.vpc.aws_subnet."+kind+"[") })
	}

	f := build(true, false)
	if !inSubnets(f, "intra") || inSubnets(f, "private") || len(f.Egress) != 0 {
		t.Fatalf("isolate_control = true: subnets %q egress %d, want the intra subnets and no way out", f.Subnets, len(f.Egress))
	}

	f = build(false, false)
	if inSubnets(f, "intra") || !inSubnets(f, "private") {
		t.Fatalf("isolate_control = false: subnets %q, want the private subnets", f.Subnets)
	}
	if len(f.Egress) == 0 {
		t.Fatal("isolate_control = false: the way out through NAT is missing")
	}
	for _, p := range f.Egress {
		if p.Unresolved || len(PathAssumptions(p)) > 0 {
			t.Errorf("isolate_control = false: the %s path rests on %+v, want a fact", p.Kind, PathAssumptions(p))
		}
	}

	f = build(true, true)
	if !inSubnets(f, "intra") || !inSubnets(f, "private") || !contains(f.Unresolved, "vpc_config.subnet_ids") {
		t.Fatalf("undecided: subnets %q unresolved %q, want both sets, unresolved", f.Subnets, f.Unresolved)
	}
	if len(f.Egress) == 0 {
		t.Fatal("undecided: the worst case (control in the private subnets, out through NAT) is not kept")
	}
	for _, p := range f.Egress {
		as := PathAssumptions(p)
		if !p.Unresolved || len(as) == 0 {
			t.Errorf("undecided: the %s path is given as a fact", p.Kind)
			continue
		}
		if a := as[0]; a.Address != control || !strings.Contains(a.Unknown, "vpc_config.subnet_ids is one of") || !strings.Contains(a.Unknown, "data.aws_ssm_parameter.flag.value") {
			t.Errorf("undecided: assumption %+v, want one on %s naming the subnets and the condition", a, control)
		}
	}
}
