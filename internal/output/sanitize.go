package output

import (
	"fmt"
	"strings"

	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/report"
)

// textFormats are read by people on terminals and in rendered pages, where a
// raw control character taken from a plan (an ESC sequence, a carriage
// return, a line separator) could hide or forge text. Machine formats keep the
// data as it is: their encoders escape it.
var textFormats = map[string]bool{"table": true, "markdown": true, "github": true}

// Visible replaces every control character and Unicode line or paragraph
// separator with a visible \uXXXX escape, so the text stays on its line and
// shows what the plan really holds.
func Visible(s string) string {
	if !strings.ContainsFunc(s, hidden) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if hidden(r) {
			fmt.Fprintf(&b, `\u%04x`, r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func hidden(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == 0x2028 || r == 0x2029
}

// visibleReport returns a copy of r whose strings are safe to print.
func visibleReport(r *report.Report) *report.Report {
	out := *r
	out.Findings = make([]report.Finding, len(r.Findings))
	for i, f := range r.Findings {
		out.Findings[i] = visibleFinding(f)
	}
	out.Waived = make([]report.WaivedFinding, len(r.Waived))
	for i, w := range r.Waived {
		w.Finding = visibleFinding(w.Finding)
		w.Waiver.Resource = Visible(w.Waiver.Resource)
		w.Waiver.Reason = Visible(w.Waiver.Reason)
		out.Waived[i] = w
	}
	out.Warnings = make([]report.Notice, len(r.Warnings))
	for i, n := range r.Warnings {
		n.Source, n.Address, n.Message = Visible(n.Source), Visible(n.Address), Visible(n.Message)
		out.Warnings[i] = n
	}
	out.Plan.Source = Visible(r.Plan.Source)
	out.Plans = make([]report.PlanRef, len(r.Plans))
	for i, p := range r.Plans {
		p.Source = Visible(p.Source)
		out.Plans[i] = p
	}
	return &out
}

func visibleFinding(f report.Finding) report.Finding {
	f.Rule, f.Category, f.Severity = Visible(f.Rule), Visible(f.Category), Visible(f.Severity)
	f.Resource, f.Title, f.Message = Visible(f.Resource), Visible(f.Title), Visible(f.Message)
	f.Remediation, f.Source = Visible(f.Remediation), Visible(f.Source)
	steps := make([]model.Step, len(f.Path))
	for i, s := range f.Path {
		s.Kind, s.Address, s.Detail = Visible(s.Kind), Visible(s.Address), Visible(s.Detail)
		steps[i] = s
	}
	f.Path = steps
	return f
}
