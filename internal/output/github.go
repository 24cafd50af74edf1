package output

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/letsleep/letsleep/internal/report"
)

// escapeData escapes a workflow command message (GitHub's rule: %, CR, LF).
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a workflow command property value: the data rules
// plus ':' and ',' which separate properties.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

func githubLevel(sev string) string {
	switch sev {
	case "critical", "high":
		return "error"
	case "medium":
		return "warning"
	default:
		return "notice"
	}
}

// writeGitHub writes one workflow command per finding, so that a GitHub
// Actions job shows each as an annotation, then one warning per notice.
func writeGitHub(w io.Writer, r *report.Report, _ Options) error {
	bw := bufio.NewWriter(w)
	for _, f := range r.Findings {
		title := fmt.Sprintf("%s %s (%s): %s", f.Rule, f.Category, f.Severity, f.Resource)
		msg := f.Message
		if len(f.Path) > 0 {
			msg += "\nPath: " + PathString(f.Path)
		}
		msg += assumptionLines(f)
		msg += moduleLine(f)
		if f.Remediation != "" {
			msg += "\nFix: " + f.Remediation
		}
		fmt.Fprintf(bw, "::%s %stitle=%s::%s\n", githubLevel(f.Severity), annotationPlace(f), escapeProperty(title), escapeData(msg))
	}
	for _, n := range r.Warnings {
		title := "letsleep " + n.Kind
		if n.Address != "" {
			title += ": " + n.Address
		}
		fmt.Fprintf(bw, "::warning title=%s::%s\n", escapeProperty(title), escapeData(n.Message))
	}
	return bw.Flush()
}

// annotationPlace is "file=F,line=N,endLine=M," for a finding placed in the
// sources, so that the annotation lands on the resource's lines in the PR
// diff; empty otherwise (the annotation then shows on the run only).
func annotationPlace(f report.Finding) string {
	loc := primaryLocation(f)
	if loc == nil {
		return ""
	}
	s := "file=" + escapeProperty(loc.File) + ","
	if loc.StartLine > 0 {
		s += fmt.Sprintf("line=%d,", loc.StartLine)
		if loc.EndLine >= loc.StartLine {
			s += fmt.Sprintf("endLine=%d,", loc.EndLine)
		}
	}
	return s
}
