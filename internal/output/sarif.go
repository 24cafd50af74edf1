package output

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/letsleep/letsleep/internal/report"
)

const infoURI = "https://github.com/letsleep/letsleep"

// sarifLevel maps a severity to a SARIF result level.
func sarifLevel(sev string) string {
	switch sev {
	case "critical", "high":
		return "error"
	case "medium":
		return "warning"
	default:
		return "note"
	}
}

// securitySeverity is the score GitHub code scanning reads from the rule's
// "security-severity" property: >= 9.0 critical, 7.0-8.9 high, 4.0-6.9
// medium, 0.1-3.9 low.
func securitySeverity(sev string) string {
	switch sev {
	case "critical":
		return "9.5"
	case "high":
		return "8.0"
	case "medium":
		return "5.5"
	case "low":
		return "3.0"
	default:
		return "0.0"
	}
}

// writeSARIF writes a SARIF 2.1.0 log with one run. Waived findings are
// results too, with an external suppression that carries the reason.
func writeSARIF(w io.Writer, r *report.Report, opts Options) error {
	log, err := buildSARIF(r, opts)
	if err != nil {
		return fmt.Errorf("write sarif: %w", err)
	}
	// go-sarif's PrettyWrite has no trailing newline; encode ourselves for a
	// stable, newline-terminated file.
	if err := writeIndented(w, log); err != nil {
		return fmt.Errorf("write sarif: %w", err)
	}
	return nil
}

// buildSARIF builds the SARIF log of r.
func buildSARIF(r *report.Report, opts Options) (*sarif.Report, error) {
	log, err := sarif.New(sarif.Version210)
	if err != nil {
		return nil, err
	}
	run := sarif.NewRunWithInformationURI("letsleep", infoURI)
	if opts.ToolVersion != "" {
		run.Tool.Driver.WithVersion(opts.ToolVersion)
	}
	for _, ru := range rulesOf(r, opts.Rules) {
		rule := run.AddRule(ru.ID).WithName(ru.Category)
		desc := ru.Title
		if desc == "" {
			desc = ru.ID
		}
		rule.WithShortDescription(sarif.NewMultiformatMessageString(desc))
		if ru.Description != "" {
			rule.WithFullDescription(sarif.NewMultiformatMessageString(ru.Description))
		}
		help := fmt.Sprintf("%s\n\nRemediation: %s", desc, orDash(ru.Remediation))
		rule.WithHelp(sarif.NewMultiformatMessageString(help).WithMarkdown(fmt.Sprintf("**%s**\n\n%s\n\n**Remediation:** %s", desc, ru.Description, orDash(ru.Remediation))))
		if ru.HelpURI != "" {
			rule.WithHelpURI(ru.HelpURI)
		}
		rule.WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(sarifLevel(ru.Severity)))
		rule.WithProperties(sarif.Properties{
			"security-severity": securitySeverity(ru.Severity),
			"severity":          ru.Severity,
			"category":          ru.Category,
			"tags":              []string{"security", "letsleep", ru.Category},
		})
	}
	fps := fingerprints(r)
	for i, f := range r.Findings {
		addResult(run, r, f, fps[i])
	}
	for i, wf := range r.Waived {
		res := addResult(run, r, wf.Finding, fps[len(r.Findings)+i])
		res.AddSuppression(suppression(r, wf))
	}
	log.AddRun(run)
	return log, nil
}

// assumptionLines is the text a finding's assumptions add to a one-message
// format (SARIF, GitHub annotations).
func assumptionLines(f report.Finding) string {
	if len(f.Assumptions) == 0 {
		if f.Unresolved {
			return "\nNote: rests on a reference unresolved at plan time, assumed conservatively."
		}
		return ""
	}
	s := "\nNote: " + assumptionNote + "."
	for _, a := range f.Assumptions {
		s += "\nAssumed: " + a.String()
	}
	return s
}

// suppression is a waived result's SARIF suppression: "external" for the
// waivers file, "inSource" at the comment for a letsleep:ignore comment.
// go-sarif writes every suppression field, null included, which the schema
// rejects: fill them all.
func suppression(r *report.Report, wf report.WaivedFinding) *sarif.Suppression {
	if wf.Waiver.Kind == report.KindInSource {
		return sarif.NewSuppression("inSource").
			WithStatus("accepted").
			WithGuid(stableGUID("ignore", wf.Rule, wf.Resource, wf.Waiver.Source)).
			WithLocation(sourceLocation(commentLocation(wf.Waiver.Source))).
			WithJustifcation(fmt.Sprintf("%s (letsleep:ignore until %s)", wf.Waiver.Reason, wf.Waiver.Expires))
	}
	return sarif.NewSuppression("external").
		WithStatus("accepted").
		WithGuid(stableGUID("waiver", wf.Rule, wf.Resource)).
		WithLocation(resourceLocation(r, wf.Finding)).
		WithJustifcation(fmt.Sprintf("%s (waiver until %s)", wf.Waiver.Reason, wf.Waiver.Expires))
}

// commentLocation reads a waiver's "file:line" back into a location.
func commentLocation(src string) *report.Location {
	if i := strings.LastIndexByte(src, ':'); i >= 0 {
		if n, err := strconv.Atoi(src[i+1:]); err == nil && n > 0 {
			return &report.Location{File: src[:i], StartLine: n, EndLine: n}
		}
	}
	return &report.Location{File: src, StartLine: 1, EndLine: 1}
}

func addResult(run *sarif.Run, r *report.Report, f report.Finding, fingerprint string) *sarif.Result {
	msg := f.Message
	if len(f.Path) > 0 {
		msg += "\nPath: " + PathString(f.Path)
	}
	msg += assumptionLines(f)
	msg += moduleLine(f)
	res := run.CreateResultForRule(f.Rule).
		WithLevel(sarifLevel(f.Severity)).
		WithMessage(sarif.NewTextMessage(msg))
	if len(f.Assumptions) > 0 {
		// Machine-readable too: code scanning keeps result properties.
		bag := sarif.NewPropertyBag()
		bag.Add("unresolved", true)
		bag.Add("assumptions", f.Assumptions)
		res.AttachPropertyBag(bag)
	}
	res.AddLocation(resourceLocation(r, f))
	if loc := f.Location; loc != nil && loc.Call != nil && primaryLocation(f) == loc {
		// The module call that instantiates the resource, for context.
		res.WithRelatedLocations([]*sarif.Location{sourceLocation(loc.Call).WithId(1).WithMessage(sarif.NewTextMessage("module call"))})
	}
	if len(f.Path) > 0 {
		tf := sarif.NewThreadFlow()
		for _, s := range f.Path {
			loc := sarif.NewLocation().WithMessage(sarif.NewTextMessage(s.Kind + ": " + StepLabel(s)))
			if s.Address != "" {
				loc.WithLogicalLocations([]*sarif.LogicalLocation{sarif.NewLogicalLocation().WithFullyQualifiedName(s.Address).WithKind(s.Kind)})
			}
			tf.AddLocation(sarif.NewThreadFlowLocation().WithLocation(loc))
		}
		cf := sarif.NewCodeFlow().WithTextMessage("evidence path")
		cf.AddThreadFlow(tf)
		res.AddCodeFlow(cf)
	}
	res.WithPartialFingerPrints(map[string]interface{}{"letsleep/v2": fingerprint})
	return res
}

// fingerprints gives every result (findings, then waived findings) an
// identity that survives re-runs and unrelated edits, so code scanning keeps
// one alert per violation: the rule, the plan, the resource, and the
// evidence path's steps (two paths from one function to two databases are
// two alerts). Line numbers are left out on purpose: they move with edits.
// Results that share all of these (one rule finding two things wrong with
// one resource, e.g. two unknown subnets of one function) add their message;
// an exact duplicate gets an occurrence number.
func fingerprints(r *report.Report) []string {
	all := make([]report.Finding, 0, len(r.Findings)+len(r.Waived))
	all = append(all, r.Findings...)
	for _, w := range r.Waived {
		all = append(all, w.Finding)
	}
	identity := func(f report.Finding, withMessage bool) string {
		parts := []string{f.Rule, f.Source, f.Resource}
		for _, s := range f.Path {
			parts = append(parts, s.Kind, s.Address)
		}
		if withMessage {
			parts = append(parts, f.Message)
		}
		sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
		return hex.EncodeToString(sum[:16])
	}
	count := map[string]int{}
	for _, f := range all {
		count[identity(f, false)]++
	}
	out := make([]string, len(all))
	seen := map[string]int{}
	for i, f := range all {
		fp := identity(f, false)
		if count[fp] > 1 {
			fp = identity(f, true)
		}
		seen[fp]++
		if n := seen[fp]; n > 1 {
			fp = fmt.Sprintf("%s:%d", fp, n)
		}
		out[i] = fp
	}
	return out
}

// resourceLocation places a finding on its resource (a logical location)
// and on the .tf lines that declare it when the sources were read, else in
// the plan file it came from at line 1 (code scanning needs a physical
// location to show the alert at all).
func resourceLocation(r *report.Report, f report.Finding) *sarif.Location {
	logical := []*sarif.LogicalLocation{sarif.NewLogicalLocation().WithFullyQualifiedName(f.Resource).WithKind("resource")}
	if loc := primaryLocation(f); loc != nil {
		return sourceLocation(loc).WithLogicalLocations(logical)
	}
	src := f.Source
	if src == "" {
		src = r.Plan.Source
	}
	if src == "" {
		src = "plan.json"
	}
	phys := sarif.NewPhysicalLocation().
		WithArtifactLocation(sarif.NewSimpleArtifactLocation(src)).
		WithRegion(sarif.NewSimpleRegion(1, 1))
	return sarif.NewLocationWithPhysicalLocation(phys).WithLogicalLocations(logical)
}

// sourceLocation is a region of a .tf file, relative to the source root
// (the repository root in CI, which is how code scanning resolves it).
func sourceLocation(loc *report.Location) *sarif.Location {
	region := sarif.NewRegion().WithStartLine(max(loc.StartLine, 1))
	if loc.EndLine >= loc.StartLine && loc.EndLine > 0 {
		region.WithEndLine(loc.EndLine)
	}
	phys := sarif.NewPhysicalLocation().
		WithArtifactLocation(sarif.NewSimpleArtifactLocation(loc.File)).
		WithRegion(region)
	return sarif.NewLocationWithPhysicalLocation(phys)
}

// stableGUID derives a GUID from its parts so that output stays
// byte-identical across runs.
func stableGUID(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	sum[6] = sum[6]&0x0f | 0x50 // version 5 (name-based)
	sum[8] = sum[8]&0x3f | 0x80 // RFC 4122 variant
	h := hex.EncodeToString(sum[:16])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
