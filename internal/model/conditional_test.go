package model

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/letsleep/letsleep/internal/plan"
	"github.com/letsleep/letsleep/internal/source"
)

// undecidedSGs answers the fn calls' security_group_ids as the sources do
// when the condition cannot be evaluated: both arms and a Guess.
type undecidedSGs struct{ *source.Config }

func (u undecidedSGs) Argument(path, instance, name string, sel ...string) ([]string, bool) {
	if path == "fn" && name == "security_group_ids" {
		return []string{"module.ledger_sg.security_group_id", "module.egress_sg.security_group_id",
			source.Guess + `the condition on each.value.role (main.tf:324) could not be evaluated for this instance`}, true
	}
	return u.Config.Argument(path, instance, name, sel...)
}

// vpc-cidr-db-nat picks each function's group with
// each.value.role == "control" ? ledger_sg : egress_sg. The sources decide
// it per instance: ledger is in its own group alone, and no path of it
// rests on a guess. Left undecided, ledger may be in either group: the
// paths through them carry an assumption that names both groups and the
// condition, and none is a fact (IAM paths, which do not go through the
// groups, stay facts).
func TestConditionalSecurityGroupIsDecidedOrAssumed(t *testing.T) {
	p, src := communityInputs(t, filepath.Join("..", "..", "terraform", "community", "vpc-cidr-db-nat"), true)
	const ledger = `module.fn["ledger"].module.lambda.aws_lambda_function.this[0]`
	const ledgerSG, egressSG = "module.ledger_sg.aws_security_group.this_name_prefix[0]", "module.egress_sg.aws_security_group.this_name_prefix[0]"
	fn := func(m *Model) *Function {
		for i := range m.Functions {
			if m.Functions[i].Address == ledger {
				return &m.Functions[i]
			}
		}
		t.Fatalf("%s not in the model", ledger)
		return nil
	}

	m, err := BuildWithSources(p, Config{}, src)
	if err != nil {
		t.Fatal(err)
	}
	f := fn(m)
	if !slices.Equal(f.SecurityGroups, []string{ledgerSG}) || contains(f.Unresolved, "vpc_config.security_group_ids") {
		t.Fatalf("decided: ledger groups %q unresolved %q, want %s alone", f.SecurityGroups, f.Unresolved, ledgerSG)
	}
	for _, p := range append(slices.Clone(f.Egress), f.DataPaths...) {
		if p.Unresolved || len(PathAssumptions(p)) > 0 {
			t.Errorf("decided: ledger %s path to %s rests on %+v", p.Kind, p.Target, PathAssumptions(p))
		}
	}
	if len(f.DataPaths) == 0 {
		t.Error("decided: ledger lost its network path to Aurora")
	}

	m, err = BuildWithSources(p, Config{}, undecidedSGs{src})
	if err != nil {
		t.Fatal(err)
	}
	f = fn(m)
	if !slices.Equal(f.SecurityGroups, []string{egressSG, ledgerSG}) || !contains(f.Unresolved, "vpc_config.security_group_ids") {
		t.Fatalf("undecided: ledger groups %q unresolved %q, want both groups, unresolved", f.SecurityGroups, f.Unresolved)
	}
	var nat int
	for _, p := range append(slices.Clone(f.Egress), f.DataPaths...) {
		if p.Kind == PathNAT {
			nat++
		}
		if p.Kind != PathNAT && p.Kind != PathNetwork {
			continue // an IAM path does not go through the groups
		}
		as := PathAssumptions(p)
		if !p.Unresolved || len(as) == 0 {
			t.Errorf("undecided: ledger %s path to %s is given as a fact", p.Kind, p.Target)
			continue
		}
		if a := as[0]; a.Address != ledger || !strings.Contains(a.Unknown, egressSG+", "+ledgerSG) || !strings.Contains(a.Unknown, "each.value.role") {
			t.Errorf("undecided: ledger %s path assumption %+v, want one on %s naming both groups and the condition", p.Kind, a, ledger)
		}
	}
	if nat == 0 {
		t.Error("undecided: the worst case (ledger in the all-egress group, out through NAT) is not kept as an assumed path")
	}
}

// From the plan alone (testdata/condsg, a wrapper with a static
// vpc_config), the call's security_group_ids lists both arms of the
// conditional for every instance: each function is in one of the two
// groups, not both, and the model says so instead of placing it in both as
// a fact. The sources decide it.
func TestConditionalArgumentFromThePlanAloneIsAGuess(t *testing.T) {
	const ledger = `module.fn["ledger"].aws_lambda_function.this`
	m := buildFixture(t, "condsg", Config{})
	f := fn(t, m, ledger)
	if len(f.SecurityGroups) != 2 || !contains(f.Unresolved, "vpc_config.security_group_ids") || !strings.Contains(f.sgGuess, "aws_security_group.enrich, aws_security_group.ledger") {
		t.Fatalf("plan alone: ledger groups %q unresolved %q guess %q, want both groups as a named guess", f.SecurityGroups, f.Unresolved, f.sgGuess)
	}

	dir := filepath.Join("testdata", "condsg")
	p, err := plan.Load(context.Background(), filepath.Join(dir, "plan.json"), plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	src, err := source.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if m, err = BuildWithSources(p, Config{}, src); err != nil {
		t.Fatal(err)
	}
	f = fn(t, m, ledger)
	if !slices.Equal(f.SecurityGroups, []string{"aws_security_group.ledger"}) || len(f.Unresolved) != 0 || f.sgGuess != "" {
		t.Fatalf("with sources: ledger groups %q unresolved %q guess %q, want aws_security_group.ledger alone", f.SecurityGroups, f.Unresolved, f.sgGuess)
	}
}
