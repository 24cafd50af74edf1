// Package output renders a report.Report in the formats users and CI tools
// read: table, json, sarif, junit, markdown and github.
package output

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/report"
)

// Options tunes the writers. Every field is optional.
type Options struct {
	// Model, when set, lets markdown embed the boundary graph of the stack.
	// Without it the graph is drawn from the findings' evidence paths.
	Model *model.Model
	// Rules is the check catalogue. SARIF lists every rule from it and JUnit
	// reports a passing test case for each rule without findings.
	Rules []Rule
	// ToolVersion is written into SARIF and JUnit.
	ToolVersion string
	// Width is the line width the table wraps its text to; 0 means 80, the
	// width the CLI uses when stdout is not a terminal.
	Width int
	// Color turns on ANSI colours in the table; the CLI sets it only when
	// writing to a terminal. NO_COLOR in the environment turns it off.
	Color bool
}

// Rule describes one check for formats that list rules.
type Rule struct {
	ID          string
	Category    string
	Severity    string
	Title       string
	Description string
	Remediation string
	// HelpURI is the rule's documentation page (built-in rules only).
	HelpURI string
}

type writerFunc func(io.Writer, *report.Report, Options) error

var writers = map[string]writerFunc{
	"table":    writeTable,
	"json":     writeJSON,
	"sarif":    writeSARIF,
	"junit":    writeJUnit,
	"markdown": writeMarkdown,
	"github":   writeGitHub,
}

// Formats lists the supported formats, in the order the help text shows them.
func Formats() []string {
	return []string{"table", "json", "sarif", "junit", "markdown", "github"}
}

// CheckFormat returns a usage error for a format Write does not know.
func CheckFormat(format string) error {
	if _, ok := writers[format]; !ok {
		return fmt.Errorf("unknown --format %q: use one of %s", format, strings.Join(Formats(), ", "))
	}
	return nil
}

// Write renders r to w in the given format.
func Write(w io.Writer, format string, r *report.Report, opts Options) error {
	if err := CheckFormat(format); err != nil {
		return err
	}
	fn := writers[format]
	if r == nil {
		r = &report.Report{}
	}
	r = normalize(r)
	if visible := textFormats[format]; visible != nil {
		r = visibleReport(r, visible)
	}
	return fn(w, r, opts)
}

// normalize returns a sorted copy of r with every slice and map non-nil, so
// that JSON shows [] and {} rather than null and output never depends on
// the order the caller produced.
func normalize(in *report.Report) *report.Report {
	r := *in
	r.Findings = append([]report.Finding{}, in.Findings...)
	for i := range r.Findings {
		r.Findings[i].Path = nonNilSteps(r.Findings[i].Path)
		r.Findings[i].Assumptions = nonNilAssumptions(r.Findings[i].Assumptions)
	}
	SortFindings(r.Findings)
	r.Waived = append([]report.WaivedFinding{}, in.Waived...)
	for i := range r.Waived {
		r.Waived[i].Path = nonNilSteps(r.Waived[i].Path)
		r.Waived[i].Assumptions = nonNilAssumptions(r.Waived[i].Assumptions)
	}
	sort.SliceStable(r.Waived, func(i, j int) bool { return report.Less(r.Waived[i].Finding, r.Waived[j].Finding) })
	r.Warnings = append([]report.Notice{}, in.Warnings...)
	sort.SliceStable(r.Warnings, func(i, j int) bool {
		a, b := r.Warnings[i], r.Warnings[j]
		return key(a.Kind, a.Source, a.Address, a.Message) < key(b.Kind, b.Source, b.Address, b.Message)
	})
	r.Plans = append([]report.PlanRef{}, in.Plans...)
	r.Summary.BySeverity = copyCounts(in.Summary.BySeverity)
	r.Summary.ByCategory = copyCounts(in.Summary.ByCategory)
	r.Summary.Analysed.NotRead = copyCounts(in.Summary.Analysed.NotRead)
	return &r
}

func key(parts ...string) string { return strings.Join(parts, "\x00") }

func nonNilSteps(s []model.Step) []model.Step {
	if s == nil {
		return []model.Step{}
	}
	return s
}

func copyCounts(m map[string]int) map[string]int {
	out := make(map[string]int, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// SortFindings orders findings as the JSON contract does (report.Less).
func SortFindings(fs []report.Finding) { report.Sort(fs) }

// marks is how the report formats mark a step that is not read as a fact.
var marks = report.Marks{Unknown: "(resolved from a value unknown at plan time)", Assumed: "(assumed)"}

// StepLabel is the short human form of one evidence step (report.StepText).
func StepLabel(s model.Step) string { return report.StepText(s, marks) }

// assumptionNote is the sentence every format puts before a finding's
// assumptions.
const assumptionNote = "rests on what letsleep could not know, so it is at most medium; pass --source DIR or make these values known at plan time for a verdict"

func nonNilAssumptions(as []model.Assumption) []model.Assumption {
	if as == nil {
		return []model.Assumption{}
	}
	return as
}

// PathString renders an evidence chain as "a → b → c".
func PathString(steps []model.Step) string { return report.PathText(steps, marks) }

// rulesOf merges the catalogue with the rules that occur in the report, so
// that a user policy without catalogue entry still gets a rule. Sorted by id.
func rulesOf(r *report.Report, catalogue []Rule) []Rule {
	byID := map[string]Rule{}
	for _, ru := range catalogue {
		byID[ru.ID] = ru
	}
	add := func(f report.Finding) {
		if _, ok := byID[f.Rule]; ok {
			return
		}
		byID[f.Rule] = Rule{ID: f.Rule, Category: f.Category, Severity: f.Severity, Title: f.Title, Remediation: f.Remediation}
	}
	for _, f := range r.Findings {
		add(f)
	}
	for _, w := range r.Waived {
		add(w.Finding)
	}
	out := make([]Rule, 0, len(byID))
	for _, ru := range byID {
		out = append(out, ru)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// IsTerminal reports whether w writes to a terminal; the CLI uses it to pick
// the default format.
func IsTerminal(w io.Writer) bool { return isTerminal(w) }

func verdict(r *report.Report) string {
	if r.Summary.Failed {
		return "FAILED"
	}
	return "passed"
}
