package output

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
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
	log, err := sarif.New(sarif.Version210)
	if err != nil {
		return fmt.Errorf("write sarif: %w", err)
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
		rule.WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(sarifLevel(ru.Severity)))
		rule.WithProperties(sarif.Properties{
			"security-severity": securitySeverity(ru.Severity),
			"severity":          ru.Severity,
			"category":          ru.Category,
			"tags":              []string{"security", "letsleep", ru.Category},
		})
	}
	for _, f := range r.Findings {
		addResult(run, r, f)
	}
	for _, wf := range r.Waived {
		res := addResult(run, r, wf.Finding)
		// go-sarif writes every suppression field, null included, which the
		// schema rejects: fill them all.
		res.AddSuppression(sarif.NewSuppression("external").
			WithStatus("accepted").
			WithGuid(stableGUID("waiver", wf.Rule, wf.Resource)).
			WithLocation(resourceLocation(r, wf.Finding)).
			WithJustifcation(fmt.Sprintf("%s (waiver until %s)", wf.Waiver.Reason, wf.Waiver.Expires)))
	}
	log.AddRun(run)
	// go-sarif's PrettyWrite has no trailing newline; encode ourselves for a
	// stable, newline-terminated file.
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(log); err != nil {
		return fmt.Errorf("write sarif: %w", err)
	}
	return nil
}

func addResult(run *sarif.Run, r *report.Report, f report.Finding) *sarif.Result {
	msg := f.Message
	if len(f.Path) > 0 {
		msg += "\nPath: " + PathString(f.Path)
	}
	if f.Unresolved {
		msg += "\nNote: rests on a reference unresolved at plan time, assumed conservatively."
	}
	res := run.CreateResultForRule(f.Rule).
		WithLevel(sarifLevel(f.Severity)).
		WithMessage(sarif.NewTextMessage(msg))
	res.AddLocation(resourceLocation(r, f))
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
	sum := sha256.Sum256([]byte(f.Rule + "\x00" + f.Resource))
	res.WithPartialFingerPrints(map[string]interface{}{"letsleep/v1": hex.EncodeToString(sum[:16])})
	return res
}

// resourceLocation places a finding on its resource (a logical location)
// inside the plan file it came from (a physical location, which code
// scanning needs to show the alert).
func resourceLocation(r *report.Report, f report.Finding) *sarif.Location {
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
	return sarif.NewLocationWithPhysicalLocation(phys).
		WithLogicalLocations([]*sarif.LogicalLocation{sarif.NewLogicalLocation().WithFullyQualifiedName(f.Resource).WithKind("resource")})
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
