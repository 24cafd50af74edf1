package runner

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/letsleep/letsleep/internal/plan"
	"github.com/letsleep/letsleep/internal/source"
)

const dynvpc = "../model/testdata/community/dynvpc"

func needCommunity(t *testing.T) {
	t.Helper()
	if _, err := os.Stat("../../../shared/community-modules"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but ../shared/community-modules is missing: %v", err)
		}
		t.Skip("SKIPPED: ../shared/community-modules is missing (CI has it)")
	}
}

// The plan file's folder holds its .tf files: they are read by default,
// the egress function placed in the VPC by a dynamic block is found
// through its security groups, and each finding is placed at file:line.
func TestCheckReadsSourcesBesideThePlanAndPlacesFindings(t *testing.T) {
	needCommunity(t)
	root, _ := filepath.Abs(dynvpc)
	rep, err := Check(context.Background(), Options{Paths: []string{filepath.Join(dynvpc, "plan.json")}, SourceRoot: root})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Summary.Failed || rep.Summary.BySeverity["critical"] != 1 {
		t.Fatalf("summary = %+v", rep.Summary)
	}
	for _, f := range rep.Findings {
		if f.Unresolved {
			t.Errorf("%s on %s rests on a guess: %s", f.Rule, f.Resource, f.Message)
		}
		if f.Location == nil || f.Location.Call == nil {
			t.Fatalf("%s on %s has no location or call site", f.Rule, f.Resource)
		}
		if f.Location.File != "../../../../../shared/community-modules/lambda/main.tf" && !strings.HasSuffix(f.Location.File, "community-modules/lambda/main.tf") {
			t.Errorf("file = %q", f.Location.File)
		}
		if c := f.Location.Call; c.File != "main.tf" || c.StartLine != 54 || c.EndLine != 67 {
			t.Errorf("call site = %+v, want main.tf:54-67", c)
		}
	}
}

// Without the sources (an explicit --source naming a folder without the
// plan's .tf files is an input error; here the plan is copied alone) the
// same plan cannot be resolved, and the warnings say what to pass.
func TestCheckWithoutSourcesSaysWhatToPass(t *testing.T) {
	needCommunity(t)
	plan := planAlone(t, dynvpc)
	dir := filepath.Dir(plan)
	rep, err := Check(context.Background(), Options{Paths: []string{plan}})
	if err != nil {
		t.Fatal(err)
	}
	hint := false
	for _, f := range rep.Findings {
		if f.Location != nil {
			t.Errorf("a finding without sources has a location: %+v", f.Location)
		}
		hint = hint || strings.Contains(f.Message, "--source DIR")
	}
	if !hint {
		t.Fatalf("no finding says to pass --source DIR: %+v", rep.Findings)
	}
	// The egress function placed in the VPC by the dynamic block is still
	// found: the run fails at medium, never on a guessed critical.
	if !rep.Summary.Failed || rep.Summary.BySeverity["medium"] == 0 || rep.Summary.BySeverity["critical"]+rep.Summary.BySeverity["high"] != 0 {
		t.Fatalf("summary without sources = %+v", rep.Summary)
	}
	if _, err := Check(context.Background(), Options{Paths: []string{plan}, Source: dir}); err == nil || !strings.Contains(err.Error(), "no .tf files") {
		t.Fatalf("--source without .tf files: %v", err)
	}
}

// planAlone copies dir's plan.json into a folder of its own, without the
// .tf files beside it, so that no sources are found by default.
func planAlone(t *testing.T, dir string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	plan := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(plan, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return plan
}

func TestModuleCallPathDropsInstanceKeys(t *testing.T) {
	for in, want := range map[string]string{
		`module.a["x.y]"].module.b[0]`: "module.a.module.b",
		"module.api":                   "module.api",
		"":                             "",
	} {
		if got := moduleCallPath(in); got != want {
			t.Errorf("moduleCallPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// A notice becomes a warning only when its module, or a call inside it,
// holds a resource change; a module whose name merely starts the same, a
// module without resources, and a nil document (every module counts) are
// told apart.
func TestSourceWarningsOnlyForModulesInThePlan(t *testing.T) {
	p := &plan.Plan{Doc: &tfjson.Plan{ResourceChanges: []*tfjson.ResourceChange{
		{Address: `module.a["k"].module.b[0].aws_s3_bucket.x`, ModuleAddress: `module.a["k"].module.b[0]`},
		{Address: `module.a["j"].module.b[0].aws_s3_bucket.x`, ModuleAddress: `module.a["j"].module.b[0]`},
		nil,
		{Address: "aws_s3_bucket.root"},
	}}}
	s := &Sources{Config: &source.Config{Notices: []source.Notice{
		{Module: "module.a"}, {Module: "module.a.module.b"}, {Module: "module.a.module"},
		{Module: "module.ab"}, {Module: "module.a.module.b.module.c"}, {Module: "module.z"},
	}}}
	var got []string
	for _, w := range s.warnings(p) {
		got = append(got, w.Address)
	}
	if want := "module.a module.a.module.b module.a.module"; strings.Join(got, " ") != want {
		t.Errorf("warnings for %q, want %q", got, want)
	}
	if all := s.warnings(&plan.Plan{}); len(all) != len(s.Config.Notices) {
		t.Errorf("without a document %d warnings, want every notice (%d)", len(all), len(s.Config.Notices))
	}
}
