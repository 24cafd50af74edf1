package engine

import (
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/report"
)

// settleAssumptions is the one place every finding of every check, built-in
// or user, goes through on its way out of Rego: it gathers the assumptions
// the finding rests on (those of its evidence steps and those the check
// listed), and caps a finding that rests on any at medium. A worst-case
// guess fails the run at the default threshold, but is never reported as a
// critical or high fact.
func settleAssumptions(f *report.Finding) {
	seen := map[model.Assumption]bool{}
	var all []model.Assumption
	add := func(a model.Assumption) {
		if !seen[a] {
			seen[a] = true
			all = append(all, a)
		}
	}
	for _, a := range f.Assumptions {
		add(a)
	}
	for _, a := range model.StepAssumptions(f.Path) {
		add(a)
	}
	if len(all) == 0 && f.Unresolved {
		// The check marked the finding unresolved without saying what it
		// assumed: say that much rather than let the guess pass as a fact.
		add(model.Assumption{Address: f.Resource, Unknown: "check " + f.Rule + " marked this finding unresolved without naming what was unknown", Assumed: "the worst case"})
	}
	if all == nil {
		all = []model.Assumption{}
	}
	f.Assumptions = all
	if len(all) == 0 {
		return
	}
	f.Unresolved = true
	if report.Rank(f.Severity) > report.Rank(report.MaxAssumedSeverity) {
		f.Severity = report.MaxAssumedSeverity
	}
}

func assumptionList(v ast.Value) ([]model.Assumption, error) {
	arr, ok := elems(v)
	if !ok {
		return nil, fmt.Errorf("finding field assumptions must be an array of {unknown, assumed}, got %s", typeName(v))
	}
	out := make([]model.Assumption, 0, len(arr))
	for i, x := range arr {
		a, err := assumption(x.Value)
		if err != nil {
			return nil, fmt.Errorf("assumptions[%d]: %v", i, err)
		}
		out = append(out, a)
	}
	return out, nil
}

func assumption(v ast.Value) (model.Assumption, error) {
	x, ok := v.(ast.Object)
	if !ok {
		return model.Assumption{}, fmt.Errorf("an assumption must be an object {address, unknown, assumed}, got %s", typeName(v))
	}
	var a model.Assumption
	var err error
	if a.Address, err = optString(x, keyAddress); err != nil {
		return a, err
	}
	if a.Unknown, err = optString(x, keyUnknown); err != nil {
		return a, err
	}
	if a.Assumed, err = optString(x, keyAssumed); err != nil {
		return a, err
	}
	if a.Unknown == "" || a.Assumed == "" {
		return a, fmt.Errorf("an assumption needs both unknown (what could not be resolved) and assumed (what was assumed instead)")
	}
	return a, nil
}
