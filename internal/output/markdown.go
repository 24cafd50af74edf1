package output

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/letsleep/letsleep/internal/graph"
	"github.com/letsleep/letsleep/internal/report"
)

// Limits that keep the Markdown inside a GitHub comment (65,536 characters)
// on very large plans. What is left out is said, and stays in the other
// formats.
const (
	mdMaxDetails    = 40
	mdMaxRows       = 150
	mdMaxGraphNodes = 80
	mdMaxBytes      = 60000
)

// writeMarkdown writes a report sized for a pull-request comment: a verdict,
// a summary table, one collapsible block of evidence per finding, and the
// boundary graph as Mermaid (GitHub draws it).
func writeMarkdown(w io.Writer, r *report.Report, opts Options) error {
	var buf strings.Builder
	if err := markdownBody(&buf, r, opts); err != nil {
		return err
	}
	out := buf.String()
	if len(out) > mdMaxBytes {
		cut := strings.LastIndex(out[:mdMaxBytes], "\n")
		out = out[:cut+1] + "\n> Output cut at " + fmt.Sprint(mdMaxBytes) + " bytes to fit a comment; the JSON or SARIF report has everything.\n"
		if strings.Count(out, "```")%2 == 1 {
			out += "```\n"
		}
	}
	_, err := io.WriteString(w, out)
	return err
}

func markdownBody(w io.Writer, r *report.Report, opts Options) error {
	bw := bufio.NewWriter(w)
	icon := "✅"
	if r.Summary.Failed {
		icon = "❌"
	}
	fmt.Fprintf(bw, "## %s letsleep: %s\n\n", icon, verdict(r))
	fmt.Fprintf(bw, "%d finding(s), %s, %d notice(s). Fail-on: `%s`, profile: `%s`.\n\n",
		len(r.Findings), waivedCount(r.Summary), len(r.Warnings), orDash(r.Summary.FailOn), orDash(r.Summary.Profile))
	fmt.Fprintf(bw, "%s.\n\n", mdCell(upperFirst(r.Summary.Analysed.String())))
	if len(r.Plans) > 0 {
		for _, p := range r.Plans {
			fmt.Fprintf(bw, "Plan `%s` (Terraform %s, format %s)  \n", mdCode(p.Source), orDash(p.TerraformVersion), orDash(p.FormatVersion))
		}
		bw.WriteString("\n")
	}

	bw.WriteString("| severity | findings |\n|---|---:|\n")
	for _, sev := range report.Severities {
		n := 0
		for _, f := range r.Findings {
			if f.Severity == sev {
				n++
			}
		}
		fmt.Fprintf(bw, "| %s | %d |\n", sev, n)
	}
	bw.WriteString("\n")

	if len(r.Findings) > 0 {
		bw.WriteString("### Findings\n\n| severity | rule | category | resource |\n|---|---|---|---|\n")
		for i, f := range r.Findings {
			if i == mdMaxRows {
				fmt.Fprintf(bw, "| … | %d more | | |\n", len(r.Findings)-mdMaxRows)
				break
			}
			res := "`" + mdCode(f.Resource) + "`"
			if where := LocationString(f); where != "" {
				res += " (`" + mdCode(where) + "`)"
			}
			fmt.Fprintf(bw, "| %s | %s | %s | %s |\n", f.Severity, mdCell(f.Rule), mdCell(f.Category), res)
		}
		bw.WriteString("\n")
		for i, f := range r.Findings {
			if i == mdMaxDetails {
				fmt.Fprintf(bw, "_Evidence of the other %d finding(s) is in the JSON or SARIF report._\n\n", len(r.Findings)-mdMaxDetails)
				break
			}
			writeDetails(bw, f)
		}
	}

	if len(r.Waived) > 0 {
		bw.WriteString("### Waived\n\n| rule | resource | reason | expires |\n|---|---|---|---|\n")
		for _, wf := range r.Waived {
			fmt.Fprintf(bw, "| %s | `%s` | %s | %s |\n", mdCell(wf.Rule), mdCode(wf.Resource), mdCell(wf.Waiver.Reason+waivedBy(wf.Waiver)), mdCell(wf.Waiver.Expires))
		}
		bw.WriteString("\n")
	}
	if len(r.Warnings) > 0 {
		bw.WriteString("### Notices\n\n")
		for _, n := range r.Warnings {
			where := ""
			if n.Address != "" {
				where = " `" + mdCode(n.Address) + "`"
			}
			fmt.Fprintf(bw, "- **%s**%s: %s\n", mdCell(n.Kind), where, mdCell(n.Message))
		}
		bw.WriteString("\n")
	}

	g := graph.Build(opts.Model, r.Findings)
	if len(g.Nodes) > mdMaxGraphNodes {
		fmt.Fprintf(bw, "### Boundary graph\n\n_%d nodes are too many for a comment: run `letsleep graph PLAN --format svg`._\n", len(g.Nodes))
	} else if len(g.Nodes) > 0 {
		bw.WriteString("### Boundary graph\n\nRed edges break the boundary.\n\n```mermaid\n")
		bw.WriteString(g.Mermaid())
		bw.WriteString("```\n")
	}
	return bw.Flush()
}

func writeDetails(bw *bufio.Writer, f report.Finding) {
	fmt.Fprintf(bw, "<details>\n<summary><b>%s</b> %s <code>%s</code>: %s</summary>\n\n",
		html.EscapeString(f.Rule), html.EscapeString(f.Severity), html.EscapeString(f.Resource), html.EscapeString(oneLine(titleOr(f))))
	fmt.Fprintf(bw, "%s\n\n", mdCell(f.Message))
	if len(f.Path) > 0 {
		fmt.Fprintf(bw, "**Path:** %s\n\n", mdCell(PathString(f.Path)))
		bw.WriteString("| # | kind | address | detail |\n|---:|---|---|---|\n")
		for _, l := range report.StepLines(f.Path, marks) {
			detail := mdCell(l.Detail)
			for _, m := range l.Marks {
				detail += " _" + mdCell(m) + "_"
			}
			addr := ""
			if l.Address != "" {
				addr = "`" + mdCode(l.Address) + "`"
			}
			fmt.Fprintf(bw, "| %d | %s | %s | %s |\n", l.N, mdCell(l.Kind), addr, detail)
		}
		bw.WriteString("\n")
	}
	if len(f.Assumptions) > 0 {
		fmt.Fprintf(bw, "> **Assumptions:** this finding %s.\n", assumptionNote)
		for _, a := range f.Assumptions {
			fmt.Fprintf(bw, "> - %s\n", mdCell(a.String()))
		}
		bw.WriteString("\n")
	} else if f.Unresolved {
		bw.WriteString("> This finding rests on a reference that could not be resolved at plan time; it is assumed conservatively.\n\n")
	}
	if f.Remediation != "" {
		fmt.Fprintf(bw, "**Remediation:** %s\n\n", mdCell(f.Remediation))
	}
	bw.WriteString("</details>\n\n")
}

func titleOr(f report.Finding) string {
	if f.Title != "" {
		return f.Title
	}
	return f.Category
}

// mdCell makes text safe in a table cell or a line: no newlines, no pipes,
// no raw HTML.
func mdCell(s string) string {
	s = oneLine(s)
	s = strings.NewReplacer("|", "\\|", "<", "&lt;", ">", "&gt;").Replace(s)
	return s
}

// mdCode makes text safe inside `code` spans in a table.
func mdCode(s string) string {
	return strings.NewReplacer("`", "'", "|", "\\|", "\n", " ").Replace(s)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
