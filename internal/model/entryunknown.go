package model

import "strings"

// targetUnknown is ep invoking a function the model cannot name: its
// target is unknown at plan time and its references lead to no resource
// in the plan. It is kept, marked unresolved with what is unknown and the
// step (an integration, a permission) where the trail ends, and warned
// about, so that no entry point passes silently; the unanalysed check
// reports an open one at medium, never as a guessed critical.
func (fx *facts) targetUnknown(ep EntryPoint, unknown string, via ...Step) EntryPoint {
	ep.Function, ep.Unresolved, ep.TargetUnknown = "", true, unknown
	ep.Steps = append(ep.Steps, via...)
	fx.warn("target-unknown", ep.Address, "the function this %s invokes could not be resolved: %s", ep.Kind, unknown)
	return ep
}

// unresolvedRefs lists references that could not be resolved, for a
// message: the --source hint once rather than after each of them.
func unresolvedRefs(lost []string) string {
	hint := false
	out := make([]string, 0, len(lost))
	for _, l := range lost {
		if t, ok := strings.CutSuffix(l, " ("+HintSource+")"); ok {
			l, hint = t, true
		}
		out = append(out, l)
	}
	s := strings.Join(sortedUnique(out), ", ")
	if hint {
		s += " (the plan does not carry locals or dynamic blocks)"
	}
	return s
}

// mayInvokeLambda: an API integration whose type is unknown, or a Lambda
// type (AWS_PROXY, or AWS for a REST API's Lambda custom integration).
// HTTP, HTTP_PROXY and MOCK integrations run no function.
func mayInvokeLambda(r *res) bool {
	switch getStr(r.Values, "integration_type") {
	case "", "AWS_PROXY", "AWS":
		return true
	}
	return false
}

func orUnknown(s string) string {
	if s == "" {
		return "of unknown type"
	}
	return s
}
