package report

import "github.com/letsleep/letsleep/internal/model"

// StepDetail is what a one-line path says for a step: its detail, except
// that a policy step whose detail names no policy ("policy") names its
// address, so the reader of a path knows which policy to open.
func StepDetail(s model.Step) string {
	if s.Kind == "policy" && s.Detail == "policy" && s.Address != "" {
		return "policy " + s.Address
	}
	return s.Detail
}
