package explain

import (
	"fmt"
	"strings"

	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/report"
)

const (
	markUnknown    = "[unknown at plan time: resolved through configuration references]"
	markUnresolved = "[UNRESOLVED: could not be resolved, assumed conservatively]"
	markAssumed    = "[ASSUMED]"
)

func writeAssumptions(b *strings.Builder, indent string, as []model.Assumption) {
	if len(as) == 0 {
		return
	}
	fmt.Fprintf(b, "%sassumptions (%d): a guess, not a fact, so at most medium; pass --source DIR or make these values known at plan time\n", indent, len(as))
	for _, a := range as {
		fmt.Fprintf(b, "%s  - %s\n", indent, a.String())
	}
}

// marks is how explain marks a step that is not read as a fact.
var marks = report.Marks{Unknown: markUnknown, Assumed: markAssumed}

// StepText renders one link: its detail (or kind and address), marked when
// it was resolved from an unknown value or assumed.
func StepText(s model.Step) string { return report.StepText(s, marks) }

// Chain renders a path as one line: a → b → c.
func Chain(steps []model.Step) string { return report.PathText(steps, marks) }

// Text renders the explanation for a terminal.
func (e *Explanation) Text() string {
	var b strings.Builder
	switch e.Kind {
	case KindRule:
		fmt.Fprintf(&b, "%s: %d finding(s)\n", e.Target, len(e.Findings))
		if len(e.Findings) == 0 {
			b.WriteString("No finding of this rule in the plan (or the rule does not exist: `letsleep rules` lists them).\n")
		}
	case KindFunction:
		writeFunction(&b, e.Function, e.where)
	default:
		fmt.Fprintf(&b, "Resource %s\n", e.Target)
		if len(e.ReachedBy) > 0 {
			fmt.Fprintf(&b, "\nReached by %d data path(s):\n", len(e.ReachedBy))
			for _, r := range e.ReachedBy {
				writePath(&b, "  ", r.Path, r.Function+" ", e.where)
			}
		} else if e.ReachedBy != nil || len(e.Findings) == 0 {
			b.WriteString("\nNo function has a data path to it.\n")
		}
	}
	if e.Kind != KindRule && len(e.Findings) > 0 {
		fmt.Fprintf(&b, "\nFindings on %s (%d):\n", e.Target, len(e.Findings))
	}
	for _, f := range e.Findings {
		writeFinding(&b, f, e.where)
	}
	return b.String()
}

func writeFunction(b *strings.Builder, c *Capabilities, at func(string) string) {
	fmt.Fprintf(b, "Function %s\n", c.Address)
	role := c.Role
	if role == "" {
		role = "undeclared (analysed by capability)"
	} else if c.RoleSource != "" {
		role += " (from " + c.RoleSource + ")"
	}
	fmt.Fprintf(b, "  role:           %s\n", role)
	if c.InVPC {
		fmt.Fprintf(b, "  placement:      in a VPC; subnets %s; security groups %s\n", list(c.Subnets), list(c.SecurityGroups))
	} else {
		b.WriteString("  placement:      outside any VPC (AWS gives it internet access)\n")
	}
	fmt.Fprintf(b, "  execution role: %s\n", orNone(c.ExecutionRole))
	for _, ep := range c.EntryPoints {
		guess := ""
		if len(ep.Candidates) > 0 {
			guess = fmt.Sprintf("; fronts one of %s, which one is unknown without the sources  %s", list(ep.Candidates), markAssumed)
		}
		fmt.Fprintf(b, "  entry point:    %s (%s, auth %s%s)\n", ep.Address, ep.Kind, ep.Auth, guess)
	}
	fmt.Fprintf(b, "\nEgress (%d): %s\n", len(c.Egress), verdict(len(c.Egress), "it cannot go out"))
	for _, p := range c.Egress {
		writePath(b, "  ", p, "", at)
	}
	fmt.Fprintf(b, "\nData paths (%d): %s\n", len(c.DataPaths), verdict(len(c.DataPaths), "it cannot reach a database"))
	for _, p := range c.DataPaths {
		writePath(b, "  ", p, "", at)
	}
	if len(c.Egress) > 0 && len(c.DataPaths) > 0 {
		b.WriteString("\n  ✗ This function can both go out and reach the data: the boundary is broken.\n")
	}
	if len(c.Grants) > 0 {
		fmt.Fprintf(b, "\nGrants of %s (%d):\n", c.ExecutionRole, len(c.Grants))
		for _, g := range c.Grants {
			line := fmt.Sprintf("  %s on %s", g.Action, g.Resource)
			if g.Target != "" {
				line += " → " + g.Target
			}
			for _, ts := range c.TargetSets {
				if ts.ID == g.TargetSet {
					line += " → " + model.DescribeSet(&ts)
				}
			}
			if g.Broad {
				line += " (broad)"
			}
			if g.Conditional {
				line += " (conditional: may apply)"
			}
			b.WriteString(line + "\n")
			if len(g.Via) > 0 {
				fmt.Fprintf(b, "    via %s\n", Chain(g.Via))
			}
		}
	}
	if len(c.Unresolved) > 0 {
		fmt.Fprintf(b, "\nUnresolved references (%d), assumed conservatively:\n", len(c.Unresolved))
		for _, u := range c.Unresolved {
			fmt.Fprintf(b, "  - %s\n", u)
		}
	}
}

func writePath(b *strings.Builder, indent string, p model.Path, prefix string, at func(string) string) {
	head := fmt.Sprintf("%s%s[%s] → %s", indent, prefix, p.Kind, p.Target)
	if p.Unresolved {
		head += " " + markUnresolved
	}
	b.WriteString(head + "\n")
	fmt.Fprintf(b, "%s  %s\n", indent, Chain(p.Steps))
	writeSteps(b, indent+"    ", p.Steps, at)
	writeAssumptions(b, indent+"  ", model.PathAssumptions(p))
}

// writeSteps numbers the steps of an evidence chain, one a line, each with
// its place in the sources.
func writeSteps(b *strings.Builder, indent string, steps []model.Step, at func(string) string) {
	for _, l := range report.StepLines(steps, marks) {
		addr, mark := "", ""
		if l.Address != "" {
			addr = " " + l.Address
		}
		for _, m := range l.Marks {
			mark += "  " + m
		}
		fmt.Fprintf(b, "%s%d. %s%s: %s%s%s\n", indent, l.N, l.Kind, addr, l.Detail, mark, at(l.Address))
	}
}

func writeFinding(b *strings.Builder, f report.Finding, at func(string) string) {
	fmt.Fprintf(b, "\n%s %s [%s] on %s\n", f.Rule, strings.ToUpper(f.Severity), f.Category, f.Resource)
	fmt.Fprintf(b, "  %s\n", f.Message)
	if f.Location != nil {
		fmt.Fprintf(b, "  declared at %s\n", strings.TrimPrefix(at(f.Resource), "  @ "))
	}
	if f.Unresolved {
		fmt.Fprintf(b, "  %s\n", markUnresolved)
	}
	writeAssumptions(b, "  ", f.Assumptions)
	if len(f.Path) > 0 {
		fmt.Fprintf(b, "  evidence: %s\n", Chain(f.Path))
		writeSteps(b, "    ", f.Path, at)
	}
	if f.Remediation != "" {
		fmt.Fprintf(b, "  fix: %s\n", f.Remediation)
	}
}

func verdict(n int, none string) string {
	if n == 0 {
		return none
	}
	return "it can"
}

func list(s []string) string {
	if len(s) == 0 {
		return "(none)"
	}
	return strings.Join(s, ", ")
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
