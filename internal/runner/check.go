package runner

import (
	"context"
	"fmt"
	"sort"

	"github.com/letsleep/letsleep/internal/report"
	"github.com/letsleep/letsleep/internal/waiver"
)

// Check runs the whole job over every PATH and returns the report.
// An error means the check could not be completed (the CLI exits 2).
func Check(ctx context.Context, opts Options) (*report.Report, error) {
	opts = opts.withDefaults()
	if err := opts.validate(); err != nil {
		return nil, err
	}
	a, err := NewAnalyzer(ctx, opts)
	if err != nil {
		return nil, err
	}
	var waivers *waiver.Set
	if opts.WaiversFile != "" {
		waivers, err = waiver.Parse(opts.WaiversFile, a.engine.KnownRules())
		if err != nil {
			return nil, fmt.Errorf("load waivers: %w", err)
		}
	}
	rep := &report.Report{Findings: []report.Finding{}, Waived: []report.WaivedFinding{}, Warnings: []report.Notice{}, Plans: []report.PlanRef{}}
	var all []report.Finding
	for _, path := range opts.Paths {
		an, err := a.Analyze(ctx, path)
		if err != nil {
			return nil, err
		}
		all = append(all, an.Findings...)
		rep.Plans = append(rep.Plans, report.PlanRef{
			Source:           an.Plan.Source,
			TerraformVersion: an.Model.Plan.TerraformVersion,
			FormatVersion:    an.Model.Plan.FormatVersion,
		})
		for _, w := range an.Plan.Warnings {
			rep.Warnings = append(rep.Warnings, report.Notice{Kind: "plan", Source: an.Plan.Source, Message: w})
		}
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
	return rep, nil
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
	for _, f := range rep.Findings {
		s.BySeverity[f.Severity]++
		s.ByCategory[f.Category]++
		if report.Rank(f.Severity) >= threshold || (strict && f.Category == report.CategoryUnanalysed) {
			s.Failed = true
		}
	}
	return s
}
