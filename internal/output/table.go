package output

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

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
	width := opts.Width
	if width <= 0 {
		width = 80
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
				wrapTo(bw, width, "    at:   ", where)
			}
			if len(r.Plans) > 1 && f.Source != "" {
				wrapTo(bw, width, "    plan: ", f.Source)
			}
			wrapTo(bw, width, "    ", f.Message)
			if len(f.Path) > 0 {
				wrapTo(bw, width, "    path: ", PathString(f.Path))
			}
			if len(f.Assumptions) > 0 {
				wrapTo(bw, width, "    note: ", assumptionNote)
				for _, a := range f.Assumptions {
					wrapTo(bw, width, "    assumed: ", a.String())
				}
			} else if f.Unresolved {
				wrapTo(bw, width, "    note: ", "rests on a reference unresolved at plan time, assumed conservatively")
			}
			if f.Remediation != "" {
				wrapTo(bw, width, "    fix:  ", f.Remediation)
			}
		}
	}
	if len(r.Waived) > 0 {
		fmt.Fprintf(bw, "\nWaived (%d):\n", len(r.Waived))
		for _, wf := range r.Waived {
			wrapTo(bw, width, "  ", fmt.Sprintf("%s %s %s: %s (until %s)%s", wf.Rule, wf.Severity, wf.Resource, wf.Waiver.Reason, wf.Waiver.Expires, waivedBy(wf.Waiver)))
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
			wrapTo(bw, width, "  ", fmt.Sprintf("[%s]%s: %s", n.Kind, where, n.Message))
		}
	}
	fmt.Fprintln(bw)
	wrapTo(bw, width, "", fmt.Sprintf("%s: %d finding(s), %s, fail-on %s, profile %s",
		verdict(r), r.Summary.Total, waivedCount(r.Summary), orDash(r.Summary.FailOn), orDash(r.Summary.Profile)))
	wrapTo(bw, width, "", r.Summary.Analysed.String())
	return bw.Flush()
}

// wrapTo writes text after prefix, wrapped at word boundaries to width
// columns, continuation lines indented to the prefix. A word longer than
// the line (an address) stays whole rather than being cut.
func wrapTo(w io.Writer, width int, prefix, text string) {
	indent := strings.Repeat(" ", utf8.RuneCountInString(prefix))
	line, n := prefix, utf8.RuneCountInString(prefix)
	empty := true
	for _, word := range strings.Fields(text) {
		wn := utf8.RuneCountInString(word)
		if !empty && n+1+wn > width {
			fmt.Fprintln(w, line)
			line, n, empty = indent, len(indent), true
		}
		if !empty {
			line += " "
			n++
		}
		line += word
		n += wn
		empty = false
	}
	fmt.Fprintln(w, line)
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
