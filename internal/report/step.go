package report

import (
	"strings"

	"github.com/letsleep/letsleep/internal/model"
)

// One renderer for evidence steps, for every place that shows them (explain,
// table, markdown, github, junit, SARIF): each format only chooses how a
// step that is not read as a fact is marked.

// Marks are how a format marks a step resolved from a value unknown at plan
// time, and one that stands for an assumption.
type Marks struct {
	Unknown, Assumed string
}

// StepDetail is what a one-line path says for a step: its detail, except
// that a policy step whose detail names no policy ("policy") names its
// address, so the reader of a path knows which policy to open.
func StepDetail(s model.Step) string {
	if s.Kind == "policy" && s.Detail == "policy" && s.Address != "" {
		return "policy " + s.Address
	}
	return s.Detail
}

// StepText is a step as a path shows it: its detail, else its kind and
// address, then its marks. An assumed step whose text already says it
// assumed something is not marked twice.
func StepText(s model.Step, m Marks) string {
	text := StepDetail(s)
	if text == "" {
		text = strings.TrimSpace(s.Kind + " " + s.Address)
	}
	if s.FromUnknown && m.Unknown != "" {
		text += " " + m.Unknown
	}
	if s.Assumption != nil && m.Assumed != "" && !strings.Contains(text, "assum") {
		text += " " + m.Assumed
	}
	return text
}

// PathText renders steps as one line, "a → b → c" (JoinPath).
func PathText(steps []model.Step, m Marks) string {
	kinds, labels := make([]string, len(steps)), make([]string, len(steps))
	for i, s := range steps {
		kinds[i], labels[i] = s.Kind, StepText(s, m)
	}
	return JoinPath(kinds, labels)
}

// StepLine is one numbered line of an evidence chain: the step's kind,
// address and detail as the plan and the model name them, and its marks.
type StepLine struct {
	N                     int
	Kind, Address, Detail string
	Marks                 []string
}

// StepLines numbers the steps of a chain, one line each, every mark kept.
func StepLines(steps []model.Step, m Marks) []StepLine {
	out := make([]StepLine, len(steps))
	for i, s := range steps {
		l := StepLine{N: i + 1, Kind: s.Kind, Address: s.Address, Detail: s.Detail}
		if s.FromUnknown && m.Unknown != "" {
			l.Marks = append(l.Marks, m.Unknown)
		}
		if s.Assumption != nil && m.Assumed != "" {
			l.Marks = append(l.Marks, m.Assumed)
		}
		out[i] = l
	}
	return out
}
