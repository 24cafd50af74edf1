package engine

import (
	"context"
	"path/filepath"
	"sort"
	"testing"

	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/plan"
	"github.com/letsleep/letsleep/internal/report"
)

// No rule, built-in or user, may report a worst-case guess above medium.
// The guard runs every built-in check on real plans (the community stacks
// and the model's fixtures) twice: as planned, and with an assumption
// planted in every path and grant of the model. Every finding whose
// evidence goes through a planted step must carry it and be at most
// medium; and the findings that were critical or high on the facts must
// come back capped, so the guard sees every rule that quotes a path.
func TestNoRuleReportsAGuessAboveMedium(t *testing.T) {
	plans, _ := filepath.Glob("../../terraform/community/*/plan.json")
	fixtures, _ := filepath.Glob("../model/testdata/*/plan.json")
	plans = append(plans, fixtures...)
	if len(plans) < 10 {
		t.Fatalf("found %d plans to check the guard on, want the community stacks and the model fixtures", len(plans))
	}
	e := newEngine(t, Options{})
	capped := map[string]bool{}
	// LSL-002 leaves a hot function that can also go out to LSL-001, so
	// each plan is also checked with its hot functions kept from going out
	// (as if inside the VPC without NAT): that is where LSL-002 reports.
	type variant struct {
		name     string
		keepHome bool
	}
	for _, file := range plans {
		p, err := plan.Load(context.Background(), file, plan.Options{})
		if err != nil {
			t.Fatalf("load %s: %v", file, err)
		}
		for _, v := range []variant{{file, false}, {file + " (hot functions kept in)", true}} {
			m, err := model.Build(p, model.Config{})
			if err != nil {
				t.Fatalf("model %s: %v", file, err)
			}
			if v.keepHome && !keepHotFunctionsIn(m) {
				continue
			}
			file := v.name
			facts := map[string]bool{} // rule+resource reported above medium as planned
			for _, f := range eval(t, e, m) {
				if report.Rank(f.Severity) > report.Rank("medium") && len(f.Assumptions) == 0 {
					facts[f.Rule+" "+f.Resource] = true
				}
			}
			plantAssumptions(m)
			for _, f := range eval(t, e, m) {
				planted := len(model.StepAssumptions(f.Path)) > 0
				if planted && len(f.Assumptions) == 0 {
					t.Errorf("%s: %s %s goes through an assumed step but lists no assumption", file, f.Rule, f.Resource)
				}
				if len(f.Assumptions) > 0 && report.Rank(f.Severity) > report.Rank(report.MaxAssumedSeverity) {
					t.Errorf("%s: %s %s rests on %+v yet is %s", file, f.Rule, f.Resource, f.Assumptions, f.Severity)
				}
				if planted && facts[f.Rule+" "+f.Resource] {
					capped[f.Rule] = true
				}
			}
		}
	}
	var rules []string
	for r := range capped {
		rules = append(rules, r)
	}
	sort.Strings(rules)
	t.Logf("rules seen capped on a planted guess: %v", rules)
	for _, want := range []string{"LSL-001", "LSL-002", "LSL-003", "LSL-010", "LSL-011"} {
		if !capped[want] {
			t.Errorf("%s never reported a planted guess: the guard does not cover it (capped: %v)", want, rules)
		}
	}
}

// A user check that reports critical on a guess is capped the same way.
func TestUserCheckGuessIsCapped(t *testing.T) {
	dir := writeDir(t, map[string]string{"guess.rego": `# METADATA
# title: guess
# custom:
#   id: USR-001
#   category: user-guess
#   severity: critical
#   recommended_action: none
package letsleep.checks.user_guess

deny contains {"resource": "x", "message": "m", "unresolved": true}

deny contains {"resource": "y", "message": "m", "assumptions": [{"unknown": "the id of y", "assumed": "it is public"}]}

deny contains {"resource": "z", "message": "a fact"}
`})
	e := newEngine(t, Options{PolicyDirs: []string{dir}})
	got := map[string]report.Finding{}
	for _, f := range eval(t, e, referenceModel()) {
		if f.Rule == "USR-001" {
			got[f.Resource] = f
		}
	}
	for _, r := range []string{"x", "y"} {
		if f := got[r]; f.Severity != "medium" || len(f.Assumptions) != 1 || !f.Unresolved {
			t.Errorf("%s: %+v; want medium with one assumption", r, f)
		}
	}
	if f := got["z"]; f.Severity != "critical" || len(f.Assumptions) != 0 || f.Assumptions == nil {
		t.Errorf("fact z: %+v; want critical with an empty assumption list", f)
	}
}

// plantAssumptions puts an assumed step after the first step of every
// path (functions, entry points, schedules) and before the last step of
// every grant's evidence.
// keepHotFunctionsIn drops the egress paths of the hot-path functions that
// have a data path, and tells whether there was any.
func keepHotFunctionsIn(m *model.Model) bool {
	changed := false
	for i := range m.Functions {
		f := &m.Functions[i]
		switch f.Role {
		case model.RoleHot, model.RoleViewer, model.RoleEgress:
			if len(f.DataPaths) > 0 && len(f.Egress) > 0 {
				f.Egress = nil
				changed = true
			}
		}
	}
	return changed
}

func plantAssumptions(m *model.Model) {
	guess := &model.Assumption{Unknown: "planted by the test", Assumed: "the worst case"}
	plant := func(steps []model.Step, at int) []model.Step {
		if at > len(steps) {
			at = len(steps)
		}
		out := append([]model.Step{}, steps[:at]...)
		out = append(out, model.Step{Kind: "note", Detail: "planted", Assumption: guess})
		return append(out, steps[at:]...)
	}
	paths := func(ps []model.Path) {
		for i := range ps {
			ps[i].Steps = plant(ps[i].Steps, 1)
			ps[i].Unresolved = true
		}
	}
	for i := range m.Functions {
		paths(m.Functions[i].Egress)
		paths(m.Functions[i].DataPaths)
	}
	for i := range m.EntryPoints {
		paths(m.EntryPoints[i].DataPaths)
	}
	for i := range m.Schedules {
		paths(m.Schedules[i].Wakes)
	}
	for i := range m.Roles {
		for j := range m.Roles[i].Grants {
			g := &m.Roles[i].Grants[j]
			g.Via = plant(g.Via, len(g.Via)-1)
		}
	}
}
