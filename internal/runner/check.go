package runner

import (
	"context"
	"fmt"
	"sort"

	"github.com/letsleep/letsleep/internal/engine"
	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/plan"
	"github.com/letsleep/letsleep/internal/report"
	"github.com/letsleep/letsleep/internal/waiver"
)

// Result is a finished check: the report plus what the writers need to
// describe it (every model, and the catalogue of checks that ran).
type Result struct {
	Report    *report.Report
	Models    []*model.Model
	Catalogue []engine.Check
	Options   Options // as run, defaults filled in
	Timings   []Timing
}

// Check runs the whole job over every PATH and returns the report.
// An error means the check could not be completed (the CLI exits 2).
func Check(ctx context.Context, opts Options) (*report.Report, error) {
	res, err := Run(ctx, opts)
	if err != nil {
		return nil, err
	}
	return res.Report, nil
}

// Run is Check that also hands back the models and the catalogue.
func Run(ctx context.Context, opts Options) (*Result, error) {
	opts = opts.withDefaults()
	if err := opts.validate(); err != nil {
		return nil, err
	}
	a, err := NewAnalyzer(ctx, opts)
	if err != nil {
		return nil, err
	}
	if err := checkSelection(opts, a.engine.Catalogue()); err != nil {
		return nil, err
	}
	var waivers *waiver.Set
	if opts.WaiversFile != "" {
		waivers, err = waiver.Parse(opts.WaiversFile, waivable(a.engine.Catalogue()))
		if err != nil {
			return nil, fmt.Errorf("load waivers: %w", err)
		}
	}
	rep := &report.Report{Findings: []report.Finding{}, Waived: []report.WaivedFinding{}, Warnings: []report.Notice{}, Plans: []report.PlanRef{}}
	res := &Result{Report: rep, Catalogue: a.engine.Catalogue(), Options: opts}
	var all []report.Finding
	var analysed report.Analysed
	paths, dups := plan.Distinct(opts.Paths)
	for _, d := range dups {
		rep.Warnings = append(rep.Warnings, report.Notice{Kind: "plan", Source: d.Path, Message: fmt.Sprintf("the same plan as %s: checked once", d.Same)})
	}
	for _, path := range paths {
		an, err := a.Analyze(ctx, path)
		if err != nil {
			return nil, err
		}
		kept, suppressed, notices, err := suppress(selectFindings(opts, an.Findings), an.Sources, waivable(a.engine.Catalogue()), opts.Now())
		if err != nil {
			return nil, suppressError(path, err)
		}
		all = append(all, kept...)
		rep.Waived = append(rep.Waived, suppressed...)
		rep.Warnings = appendNew(rep.Warnings, notices...)
		res.Models = append(res.Models, an.Model)
		rep.Plans = append(rep.Plans, report.PlanRef{
			Source:           an.Plan.Source,
			TerraformVersion: an.Model.Plan.TerraformVersion,
			FormatVersion:    an.Model.Plan.FormatVersion,
		})
		for _, w := range an.Plan.Warnings {
			rep.Warnings = append(rep.Warnings, report.Notice{Kind: "plan", Source: an.Plan.Source, Message: w})
		}
		rep.Warnings = append(rep.Warnings, addAnalysed(&analysed, an.Plan.Source, an.census, an.Model)...)
	}
	rep.Plan = rep.Plans[0]
	if waivers != nil {
		kept, waived, notices := waivers.Apply(all, opts.Now())
		all = kept
		rep.Waived = append(rep.Waived, waived...)
		rep.Warnings = append(rep.Warnings, notices...)
	}
	report.Sort(all)
	rep.Findings = append(rep.Findings, all...)
	sort.SliceStable(rep.Waived, func(i, j int) bool { return report.Less(rep.Waived[i].Finding, rep.Waived[j].Finding) })
	rep.Summary = Summarise(rep, opts.FailOn, opts.Profile, opts.Strict)
	rep.Summary.Analysed = analysed
	res.Timings = a.Timings()
	return res, nil
}

// appendNew appends the notices not already present: two plans read from
// one source folder share its suppression comments.
func appendNew(have []report.Notice, more ...report.Notice) []report.Notice {
	if len(more) == 0 {
		return have
	}
	seen := make(map[report.Notice]bool, len(have))
	for _, h := range have {
		seen[h] = true
	}
	for _, n := range more {
		if !seen[n] {
			seen[n] = true
			have = append(have, n)
		}
	}
	return have
}

// waivable lists what a waiver may name: every rule id and every category.
func waivable(checks []engine.Check) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range checks {
		for _, k := range []string{c.ID, c.Category} {
			if k != "" && !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

// Summarise counts findings and decides the verdict: a finding at or above
// the threshold fails the run, and under strict so does anything unanalysed.
func Summarise(rep *report.Report, failOn, profile string, strict bool) report.Summary {
	s := report.Summary{
		Total:      len(rep.Findings),
		BySeverity: map[string]int{},
		ByCategory: map[string]int{},
		Waived:     len(rep.Waived),
		FailOn:     failOn,
		Profile:    profile,
	}
	for _, sev := range report.Severities {
		s.BySeverity[sev] = 0
	}
	threshold := report.Rank(failOn)
	if failOn == FailOnNone {
		threshold = len(report.Severities) + 1 // above every severity
	}
	for _, w := range rep.Waived {
		if w.Waiver.Kind == report.KindInSource {
			s.Suppressed++
		}
	}
	for _, f := range rep.Findings {
		s.BySeverity[f.Severity]++
		s.ByCategory[f.Category]++
		if report.Rank(f.Severity) >= threshold || (strict && f.Category == report.CategoryUnanalysed) {
			s.Failed = true
		}
	}
	return s
}
