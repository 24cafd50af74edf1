package graph

import (
	"fmt"
	"strconv"
	"strings"
)

const red = "#d62728"

func itoa(i int) string            { return strconv.Itoa(i) }
func formatFloat(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) }

var groupTitle = map[string]string{
	GroupEntry:      "entry points",
	"hot":           "hot",
	"viewer":        "viewer",
	"warmup":        "warm-up",
	"control":       "control",
	"egress":        "egress",
	GroupUnassigned: "unassigned functions",
	GroupFlagged:    "functions in findings",
	GroupData:       "data",
	GroupOutside:    "outside",
}

func title(group string) string {
	if t, ok := groupTitle[group]; ok {
		return t
	}
	return group
}

// Mermaid renders a flowchart that GitHub draws in Markdown.
func (g *Graph) Mermaid() string {
	ids := g.ids()
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	for _, gr := range g.groups() {
		fmt.Fprintf(&b, "  subgraph g_%s[\"%s\"]\n", safeID(gr.Name), mermaidText(title(gr.Name)))
		for _, n := range gr.Nodes {
			fmt.Fprintf(&b, "    %s%s\n", ids[n.ID], mermaidShape(n))
		}
		b.WriteString("  end\n")
	}
	var reds []string
	for i, e := range g.Edges {
		fmt.Fprintf(&b, "  %s -->|\"%s\"| %s\n", ids[e.From], mermaidText(e.Label), ids[e.To])
		if e.Violating {
			reds = append(reds, itoa(i))
		}
	}
	for _, n := range g.Nodes {
		if n.Flagged {
			fmt.Fprintf(&b, "  style %s stroke:%s,stroke-width:2px\n", ids[n.ID], red)
		}
	}
	if len(reds) > 0 {
		fmt.Fprintf(&b, "  linkStyle %s stroke:%s,stroke-width:3px,color:%s\n", strings.Join(reds, ","), red, red)
	}
	return b.String()
}

func mermaidShape(n Node) string {
	label := mermaidText(n.Label)
	switch n.Kind {
	case KindDatabase, KindTable:
		return "[(\"" + label + "\")]"
	case KindInternet:
		return "((\"" + label + "\"))"
	case KindBucket:
		return "[/\"" + label + "\"/]"
	case KindEntry:
		return ">\"" + label + "\"]"
	case KindSecret:
		return "[[\"" + label + "\"]]"
	case KindGateway:
		return "[/\"" + label + "\"\\]"
	case KindSecurityGroup:
		return "{{\"" + label + "\"}}"
	default:
		return "[\"" + label + "\"]"
	}
}

// mermaidText escapes a label for a quoted Mermaid string.
func mermaidText(s string) string {
	return strings.NewReplacer("\"", "#quot;", "\n", " ", "<", "#lt;", ">", "#gt;").Replace(s)
}

func safeID(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, s)
}

// DOT renders the graph in Graphviz's language, one cluster per group.
func (g *Graph) DOT() string {
	ids := g.ids()
	var b strings.Builder
	b.WriteString("digraph letsleep {\n")
	b.WriteString("  rankdir=LR;\n  fontname=\"Helvetica\";\n")
	// Generous margins: renderers may substitute a wider font than the one
	// Graphviz measured.
	b.WriteString("  node [fontname=\"Helvetica\", fontsize=11, style=filled, fillcolor=\"#f5f5f5\", margin=\"0.3,0.08\"];\n")
	b.WriteString("  edge [fontname=\"Helvetica\", fontsize=9];\n")
	for _, gr := range g.groups() {
		fmt.Fprintf(&b, "  subgraph cluster_%s {\n    label=%s;\n    style=rounded;\n", safeID(gr.Name), dotQuote(title(gr.Name)))
		for _, n := range gr.Nodes {
			flag := ""
			if n.Flagged {
				flag = ", color=\"" + red + "\", style=\"filled,bold\""
			}
			fmt.Fprintf(&b, "    %s [label=%s, shape=%s, fillcolor=\"%s\"%s];\n", ids[n.ID], dotQuote(n.Label), dotShape(n.Kind), dotFill(n.Kind), flag)
		}
		b.WriteString("  }\n")
	}
	for _, e := range g.Edges {
		attrs := "label=" + dotQuote(e.Label)
		if e.Violating {
			attrs += ", color=\"" + red + "\", fontcolor=\"" + red + "\", penwidth=2.5"
		}
		fmt.Fprintf(&b, "  %s -> %s [%s];\n", ids[e.From], ids[e.To], attrs)
	}
	b.WriteString("}\n")
	return b.String()
}

func dotShape(kind string) string {
	switch kind {
	case KindDatabase, KindTable:
		return "cylinder"
	case KindInternet:
		return "doublecircle"
	case KindBucket:
		return "folder"
	case KindSecret:
		return "note"
	case KindGateway:
		return "trapezium"
	case KindSecurityGroup:
		return "octagon"
	default:
		return "box"
	}
}

func dotFill(kind string) string {
	switch kind {
	case KindDatabase, KindTable, KindBucket:
		return "#fff4d6"
	case KindInternet:
		return "#e8e8e8"
	case KindEntry:
		return "#e6f4ea"
	case KindSecret:
		return "#f3e8fd"
	case KindGateway, KindSecurityGroup:
		return "#eef3f3"
	default:
		return "#e8f0fe"
	}
}

func dotQuote(s string) string {
	return "\"" + strings.NewReplacer("\\", "\\\\", "\"", "\\\"", "\n", "\\n").Replace(s) + "\""
}
