package output

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/letsleep/letsleep/internal/report"
)

var severityColor = map[string]string{
	"critical": "\x1b[1;31m",
	"high":     "\x1b[31m",
	"medium":   "\x1b[33m",
	"low":      "\x1b[36m",
	"info":     "\x1b[37m",
}

const colorReset = "\x1b[0m"

// writeTable writes a readable report: one block per finding with its
// evidence path, then waived findings, notices and the verdict. Colour is
// used only on a terminal.
func writeTable(w io.Writer, r *report.Report, opts Options) error {
	color := opts.Color && os.Getenv("NO_COLOR") == ""
	paint := func(sev, s string) string {
		if !color {
			return s
		}
		return severityColor[sev] + s + colorReset
	}
	bw := bufio.NewWriter(w)
	if len(r.Findings) == 0 {
		fmt.Fprintln(bw, "No findings.")
	} else {
		sevW, ruleW, catW := len("SEVERITY"), len("RULE"), len("CATEGORY")
		for _, f := range r.Findings {
			sevW, ruleW, catW = max(sevW, len(f.Severity)), max(ruleW, len(f.Rule)), max(catW, len(f.Category))
		}
		fmt.Fprintf(bw, "%-*s  %-*s  %-*s  %s\n", sevW, "SEVERITY", ruleW, "RULE", catW, "CATEGORY", "RESOURCE")
		for _, f := range r.Findings {
			// Pad before painting so escape codes do not skew the columns.
			sev := paint(f.Severity, fmt.Sprintf("%-*s", sevW, strings.ToUpper(f.Severity)))
			fmt.Fprintf(bw, "%s  %-*s  %-*s  %s\n", sev, ruleW, f.Rule, catW, f.Category, f.Resource)
			if where := LocationString(f); where != "" {
				fmt.Fprintf(bw, "    at:   %s\n", where)
			}
			if len(r.Plans) > 1 && f.Source != "" {
				fmt.Fprintf(bw, "    plan: %s\n", f.Source)
			}
			fmt.Fprintf(bw, "    %s\n", oneLine(f.Message))
			if len(f.Path) > 0 {
				fmt.Fprintf(bw, "    path: %s\n", PathString(f.Path))
			}
			if f.Unresolved {
				fmt.Fprintln(bw, "    note: rests on a reference unresolved at plan time, assumed conservatively")
			}
			if f.Remediation != "" {
				fmt.Fprintf(bw, "    fix:  %s\n", oneLine(f.Remediation))
			}
		}
	}
	if len(r.Waived) > 0 {
		fmt.Fprintf(bw, "\nWaived (%d):\n", len(r.Waived))
		for _, wf := range r.Waived {
			fmt.Fprintf(bw, "  %s %s %s: %s (until %s)\n", wf.Rule, wf.Severity, wf.Resource, oneLine(wf.Waiver.Reason), wf.Waiver.Expires)
		}
	}
	if len(r.Warnings) > 0 {
		fmt.Fprintf(bw, "\nNotices (%d):\n", len(r.Warnings))
		for _, n := range r.Warnings {
			where := n.Address
			if where == "" {
				where = n.Source
			}
			if where != "" {
				where = " " + where
			}
			fmt.Fprintf(bw, "  [%s]%s: %s\n", n.Kind, where, oneLine(n.Message))
		}
	}
	fmt.Fprintf(bw, "\n%s: %d finding(s), %d waived, fail-on %s, profile %s\n",
		verdict(r), r.Summary.Total, r.Summary.Waived, orDash(r.Summary.FailOn), orDash(r.Summary.Profile))
	return bw.Flush()
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
