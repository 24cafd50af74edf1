package graph

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"strings"
)

// The SVG is laid out here, in columns, rather than by Graphviz: the
// go-graphviz binding compiles its WebAssembly at package init, for every
// command, and caches the compiled code in a shared temp folder where
// another user can plant it (docs/security.md). The layout is linear in
// nodes and edges, so a picture of thousands of functions is drawn in
// bounded time.
//
// Columns, left to right: entry points; functions, one box per role; data,
// the internet and other resources named by findings. Edges run from the
// right side of their source to the left side of their target, or loop out
// to the right when both sit in the same column.

const (
	charWidth   = 6.6 // Helvetica 11 px, average
	lineHeight  = 14.0
	nodePadX    = 10.0
	nodePadY    = 6.0
	nodeGap     = 10.0
	groupTitleH = 22.0
	groupPad    = 10.0
	groupGap    = 24.0
	columnGap   = 190.0 // room for the edge labels
	margin      = 20.0
	maxNodeW    = 460.0
)

type box struct{ x, y, w, h float64 }

func column(group string) int {
	switch group {
	case GroupEntry:
		return 0
	case GroupData, GroupOutside, GroupResources:
		return 2
	}
	return 1
}

func labelLines(label string) []string { return strings.Split(label, "\n") }

func nodeSize(n Node) (float64, float64) {
	w := 0.0
	lines := labelLines(n.Label)
	for _, l := range lines {
		if lw := float64(len([]rune(l)))*charWidth + 2*nodePadX; lw > w {
			w = lw
		}
	}
	return min(w, maxNodeW), float64(len(lines))*lineHeight + 2*nodePadY
}

// layout places groups and nodes; it returns the node boxes, the group
// boxes in drawing order and the size of the picture.
func (g *Graph) layout(ctx context.Context) (map[string]box, []groupBox, float64, float64, error) {
	groups := g.groups()
	var widths [3]float64
	for _, gr := range groups {
		c := column(gr.Name)
		widths[c] = max(widths[c], float64(len(title(gr.Name)))*charWidth+2*groupPad)
		for _, n := range gr.Nodes {
			w, _ := nodeSize(n)
			widths[c] = max(widths[c], w+2*groupPad)
		}
	}
	var xs [3]float64
	x := margin
	for c := range widths {
		xs[c] = x
		if widths[c] > 0 {
			x += widths[c] + columnGap
		}
	}
	width := x - columnGap + margin
	var ys [3]float64
	for c := range ys {
		ys[c] = margin
	}
	nodes := make(map[string]box, len(g.Nodes))
	var gboxes []groupBox
	for i, gr := range groups {
		if i%64 == 0 && ctx.Err() != nil {
			return nil, nil, 0, 0, ctx.Err()
		}
		c := column(gr.Name)
		top := ys[c]
		y := top + groupTitleH
		for _, n := range gr.Nodes {
			w, h := nodeSize(n)
			nodes[n.ID] = box{x: xs[c] + groupPad, y: y, w: w, h: h}
			y += h + nodeGap
		}
		gb := groupBox{name: gr.Name, box: box{x: xs[c], y: top, w: widths[c], h: y - top - nodeGap + groupPad}}
		gboxes = append(gboxes, gb)
		ys[c] = gb.y + gb.h + groupGap
	}
	height := max(ys[0], ys[1], ys[2]) - groupGap + margin
	return nodes, gboxes, width, height, nil
}

type groupBox struct {
	name string
	box
}

// SVG draws the graph as a standalone SVG document.
func (g *Graph) SVG(ctx context.Context) ([]byte, error) {
	nodes, groups, width, height, err := g.layout(ctx)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>`+"\n")
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="Helvetica, Arial, sans-serif" font-size="11">`+"\n", width, height, width, height)
	b.WriteString(`<rect width="100%" height="100%" fill="#ffffff"/>` + "\n")
	for _, gr := range groups {
		fmt.Fprintf(&b, `<g class="cluster"><rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="8" fill="none" stroke="#999999"/>`, gr.x, gr.y, gr.w, gr.h)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-weight="bold">%s</text></g>`+"\n", gr.x+groupPad, gr.y+15, esc(title(gr.name)))
	}
	// Edges between the same two nodes (network and rds-db-connect, say)
	// share a curve: their labels are stacked so that each stays readable.
	nth := map[[2]string]int{}
	for i, e := range g.Edges {
		if i%1024 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		from, to := nodes[e.From], nodes[e.To]
		x1, y1 := from.x+from.w, from.y+from.h/2
		var x2, y2, c1, c2 float64
		if to.x > from.x {
			x2, y2 = to.x, to.y+to.h/2
			c1 = x1 + (x2-x1)/2
			c2 = c1
		} else { // same column (or backwards): loop out to the right
			x2, y2 = to.x+to.w, to.y+to.h/2
			c1, c2 = x1+80, x2+80
		}
		colour, widthPx := "#555555", 1.0
		if e.Violating {
			colour, widthPx = red, 2.5
		}
		fmt.Fprintf(&b, `<g class="edge"><path d="M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f" fill="none" stroke="%s" stroke-width="%.1f"/>`,
			x1, y1, c1, y1, c2, y2, x2, y2, colour, widthPx)
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="2.5" fill="%s"/>`, x2, y2, colour)
		pair := [2]string{e.From, e.To}
		lx, ly := (x1+x2)/2, (y1+y2)/2-3+11*float64(nth[pair])
		nth[pair]++
		if to.x <= from.x {
			lx = max(x1, x2) + 62
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="9" fill="%s">%s</text></g>`+"\n", lx, ly, colour, esc(e.Label))
	}
	for _, n := range g.Nodes {
		bx := nodes[n.ID]
		b.WriteString(`<g class="node">`)
		b.WriteString(shape(n.Kind, bx, n.Flagged))
		for i, line := range labelLines(n.Label) {
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f">%s</text>`, bx.x+nodePadX, bx.y+nodePadY+lineHeight*float64(i+1)-3, esc(line))
		}
		b.WriteString("</g>\n")
	}
	b.WriteString("</svg>\n")
	return b.Bytes(), nil
}

func shape(kind string, bx box, flagged bool) string {
	fill := dotFill(kind)
	stroke := `stroke="#333333"`
	if flagged {
		stroke = `stroke="` + red + `" stroke-width="2" class="flagged"`
	}
	switch kind {
	case KindDatabase, KindTable:
		return fmt.Sprintf(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="10" ry="6" fill="%s" %s/>`, bx.x, bx.y, bx.w, bx.h, fill, stroke)
	case KindInternet:
		return fmt.Sprintf(`<ellipse cx="%.1f" cy="%.1f" rx="%.1f" ry="%.1f" fill="%s" %s/>`, bx.x+bx.w/2, bx.y+bx.h/2, bx.w/2, bx.h/2, fill, stroke)
	default:
		return fmt.Sprintf(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="3" fill="%s" %s/>`, bx.x, bx.y, bx.w, bx.h, fill, stroke)
	}
}

// esc escapes text for XML; characters XML cannot hold (terminal escapes
// in a hostile address) become U+FFFD.
func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
