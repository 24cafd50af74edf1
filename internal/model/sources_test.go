package model

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/letsleep/letsleep/internal/plan"
	"github.com/letsleep/letsleep/internal/source"
)

// buildCommunity builds the model of a stack under testdata/community,
// with its .tf sources (withSource) or from the plan alone.
func buildCommunity(t *testing.T, name string, withSource bool) *Model {
	t.Helper()
	return buildCommunityDir(t, filepath.Join("testdata", "community", name), withSource)
}

// buildCommunityDir is buildCommunity on a stack folder anywhere (the
// committed stacks under terraform/community).
func buildCommunityDir(t *testing.T, dir string, withSource bool) *Model {
	t.Helper()
	p, c := communityInputs(t, dir, withSource)
	var src Sources
	if c != nil {
		src = c
	}
	m, err := BuildWithSources(p, Config{}, src)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// communityInputs loads a stack's plan and, withSource, its sources (nil
// otherwise); it skips loudly, or fails under CI, without
// ../shared/community-modules.
func communityInputs(t *testing.T, dir string, withSource bool) (*plan.Plan, *source.Config) {
	t.Helper()
	if _, err := os.Stat(filepath.Join("..", "..", "..", "shared", "community-modules")); err != nil && withSource {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but ../shared/community-modules is missing: %v", err)
		}
		t.Skip("SKIPPED: ../shared/community-modules is missing (CI has it)")
	}
	p, err := plan.Load(context.Background(), filepath.Join(dir, "plan.json"), plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !withSource {
		return p, nil
	}
	c, err := source.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return p, c
}

func dump(t *testing.T, v any) string {
	b, _ := json.MarshalIndent(v, "", " ")
	return string(b)
}

func functionAt(t *testing.T, m *Model, addr string) Function {
	t.Helper()
	for _, f := range m.Functions {
		if f.Address == addr {
			return f
		}
	}
	t.Fatalf("no function %s in %s", addr, dump(t, m.Functions))
	return Function{}
}

const dynEgress = "module.egress.aws_lambda_function.this[0]"

// The lambda module writes vpc_config as a dynamic block and the
// security-group module puts every rule on local.this_sg_id. With the
// sources, the egress function lands in its subnets and group, and its
// data path runs through the real security-group rules.
func TestDynamicVPCConfigAndLocalsResolveThroughSources(t *testing.T) {
	m := buildCommunity(t, "dynvpc", true)
	f := functionAt(t, m, dynEgress)
	if !f.InVPC || len(f.Unresolved) != 0 {
		t.Fatalf("in_vpc=%v unresolved=%q", f.InVPC, f.Unresolved)
	}
	if want := []string{"module.vpc.aws_subnet.private[0]", "module.vpc.aws_subnet.private[1]"}; !slices.Equal(f.Subnets, want) {
		t.Fatalf("subnets = %q, want %q", f.Subnets, want)
	}
	if want := []string{"module.fn_sg.aws_security_group.this_name_prefix[0]"}; !slices.Equal(f.SecurityGroups, want) {
		t.Fatalf("security groups = %q, want %q", f.SecurityGroups, want)
	}
	if len(f.DataPaths) != 1 || f.DataPaths[0].Kind != "network" || f.DataPaths[0].Target != "module.db.aws_rds_cluster.this[0]" {
		t.Fatalf("data paths = %s", dump(t, f.DataPaths))
	}
	var rules []string
	for _, s := range f.DataPaths[0].Steps {
		if s.Kind == "sg_rule" {
			rules = append(rules, s.Address)
		}
	}
	want := []string{"module.fn_sg.aws_security_group_rule.egress_rules[0]", "module.db_sg.aws_security_group_rule.ingress_with_source_security_group_id[0]"}
	if !slices.Equal(rules, want) {
		t.Fatalf("path rules = %q, want %q", rules, want)
	}
	for _, w := range m.Warnings {
		t.Errorf("unexpected warning with sources: %s %s %s", w.Kind, w.Address, w.Message)
	}
}

// Without the sources the same plan cannot be followed; every warning
// that rests on a local or dynamic block says to pass --source.
func TestWithoutSourcesWarningsSayWhatToPass(t *testing.T) {
	m := buildCommunity(t, "dynvpc", false)
	f := functionAt(t, m, dynEgress)
	if !f.InVPC || !slices.Contains(f.Unresolved, "vpc_config.subnet_ids") {
		t.Fatalf("in_vpc=%v unresolved=%q: a vpc_config left unknown is a VPC placement, unresolved", f.InVPC, f.Unresolved)
	}
	n := 0
	for _, w := range m.Warnings {
		if w.Kind != "unresolved-reference" {
			continue
		}
		n++
		if !strings.Contains(w.Message, "--source DIR") {
			t.Errorf("warning does not say what to pass: %s %s", w.Address, w.Message)
		}
	}
	if n == 0 {
		t.Fatal("no unresolved-reference warning without sources")
	}
}

// A statement of an aws_iam_policy_document whose resources stay unknown
// names its document and block, and its warning the same address and
// part, so that a check can report the two as one cause.
func TestUnresolvedStatementNamesItsDocument(t *testing.T) {
	m := buildCommunity(t, "routesvar", false)
	const doc = "module.egress.data.aws_iam_policy_document.additional_inline[0]"
	var parts []string
	for _, r := range m.Roles {
		for _, st := range r.Statements {
			if st.Document == doc {
				parts = append(parts, st.Part+" on "+st.Origin)
			}
		}
	}
	slices.Sort(parts)
	want := []string{
		"statement describecontrol on module.egress.aws_iam_role_policy.additional_inline[0]",
		"statement handoff on module.egress.aws_iam_role_policy.additional_inline[0]",
	}
	if !slices.Equal(parts, want) {
		t.Fatalf("statements of %s = %q, want %q", doc, parts, want)
	}
	var warned []string
	for _, w := range m.Warnings {
		if w.Address == doc {
			warned = append(warned, w.Part)
		}
	}
	slices.Sort(warned)
	if !slices.Equal(warned, []string{"statement describecontrol", "statement handoff"}) {
		t.Fatalf("warnings on %s name parts %q", doc, warned)
	}
	for _, r := range buildCommunity(t, "routesvar", true).Roles {
		for _, st := range r.Statements {
			if st.Document != "" {
				t.Errorf("with the sources %s %s is resolved, yet names its document %s", st.Origin, st.Sid, st.Document)
			}
		}
	}
}
