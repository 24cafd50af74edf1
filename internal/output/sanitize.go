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
// data as it is: their encoders escape it. The github format keeps CR and LF
// because workflow-command escaping turns them into %0D and %0A, which GitHub
// renders as line breaks inside the one annotation.
var textFormats = map[string]func(string) string{
	"table":    Visible,
	"markdown": Visible,
	"github":   visibleKeepingNewlines,
}

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

func visibleKeepingNewlines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		parts := strings.Split(l, "\r")
		for j, p := range parts {
			parts[j] = Visible(p)
		}
		lines[i] = strings.Join(parts, "\r")
	}
	return strings.Join(lines, "\n")
}

func hidden(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == 0x2028 || r == 0x2029
}

// visibleReport returns a copy of r whose strings are safe to print.
func visibleReport(r *report.Report, clean func(string) string) *report.Report {
	out := *r
	out.Findings = make([]report.Finding, len(r.Findings))
	for i, f := range r.Findings {
		out.Findings[i] = visibleFinding(f, clean)
	}
	out.Waived = make([]report.WaivedFinding, len(r.Waived))
	for i, w := range r.Waived {
		w.Finding = visibleFinding(w.Finding, clean)
		w.Waiver.Resource = clean(w.Waiver.Resource)
		w.Waiver.Reason = clean(w.Waiver.Reason)
		out.Waived[i] = w
	}
	out.Warnings = make([]report.Notice, len(r.Warnings))
	for i, n := range r.Warnings {
		n.Source, n.Address, n.Message = clean(n.Source), clean(n.Address), clean(n.Message)
		out.Warnings[i] = n
	}
	out.Plan.Source = clean(r.Plan.Source)
	out.Plans = make([]report.PlanRef, len(r.Plans))
	for i, p := range r.Plans {
		p.Source = clean(p.Source)
		out.Plans[i] = p
	}
	return &out
}

func visibleFinding(f report.Finding, clean func(string) string) report.Finding {
	f.Rule, f.Category, f.Severity = clean(f.Rule), clean(f.Category), clean(f.Severity)
	f.Resource, f.Title, f.Message = clean(f.Resource), clean(f.Title), clean(f.Message)
	f.Remediation, f.Source = clean(f.Remediation), clean(f.Source)
	steps := make([]model.Step, len(f.Path))
	for i, s := range f.Path {
		s.Kind, s.Address, s.Detail = clean(s.Kind), clean(s.Address), clean(s.Detail)
		if s.Assumption != nil {
			a := visibleAssumption(*s.Assumption, clean)
			s.Assumption = &a
		}
		steps[i] = s
	}
	f.Path = steps
	if f.Assumptions != nil {
		as := make([]model.Assumption, len(f.Assumptions))
		for i, a := range f.Assumptions {
			as[i] = visibleAssumption(a, clean)
		}
		f.Assumptions = as
	}
	return f
}

// visibleAssumption cleans an assumption: its address and texts quote the
// plan, so they carry whatever the plan's names carry.
func visibleAssumption(a model.Assumption, clean func(string) string) model.Assumption {
	a.Address, a.Unknown, a.Assumed = clean(a.Address), clean(a.Unknown), clean(a.Assumed)
	return a
}
