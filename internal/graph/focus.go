package graph

import (
	"fmt"
	"strings"

	"github.com/letsleep/letsleep/internal/report"
)

// Focus keeps the nodes that targets name and their neighbours (one edge
// away, either direction), with the edges among them. A target is a node's
// address, a module path (every node under it), or a rule id (the resources
// of that rule's findings). Focus is how a plan of thousands of functions is
// drawn a part at a time.
func (g *Graph) Focus(targets []string, findings []report.Finding) (*Graph, error) {
	keep := map[string]bool{}
	for _, t := range targets {
		n := g.match(t, findings, keep)
		if n == 0 {
			return nil, fmt.Errorf("--focus %s matches nothing in the picture: pass a function, database or resource address, a module path (module.NAME), or a rule id that has findings", t)
		}
	}
	centre := make(map[string]bool, len(keep))
	for id := range keep {
		centre[id] = true
	}
	via := map[string]bool{}
	for _, n := range g.Nodes {
		if isVia(n.Kind) && !centre[n.ID] {
			via[n.ID] = true
		}
	}
	// A neighbour that a path only passes through (a secret, a gateway, a
	// security group) is followed one edge further in the same direction,
	// so a focused function still shows the database or internet it reaches.
	ahead, behind := map[string]bool{}, map[string]bool{}
	for _, e := range g.Edges {
		if centre[e.From] || centre[e.To] {
			keep[e.From], keep[e.To] = true, true
		}
		if centre[e.From] && via[e.To] {
			ahead[e.To] = true
		}
		if centre[e.To] && via[e.From] {
			behind[e.From] = true
		}
	}
	for _, e := range g.Edges {
		if ahead[e.From] {
			keep[e.To] = true
		}
		if behind[e.To] {
			keep[e.From] = true
		}
	}
	out := &Graph{Nodes: []Node{}, Edges: []Edge{}}
	for _, n := range g.Nodes {
		if keep[n.ID] {
			out.Nodes = append(out.Nodes, n)
		}
	}
	for _, e := range g.Edges {
		if keep[e.From] && keep[e.To] {
			out.Edges = append(out.Edges, e)
		}
	}
	return out, nil
}

// match adds to keep the nodes target names and says how many it added.
func (g *Graph) match(target string, findings []report.Finding, keep map[string]bool) int {
	n := 0
	add := func(id string) {
		if !keep[id] {
			keep[id] = true
		}
		n++
	}
	ids := make(map[string]bool, len(g.Nodes))
	for _, node := range g.Nodes {
		ids[node.ID] = true
	}
	if ids[target] {
		add(target)
		return n
	}
	for _, f := range findings {
		if strings.EqualFold(f.Rule, target) && ids[f.Resource] {
			add(f.Resource)
		}
	}
	if n > 0 {
		return n
	}
	if strings.HasPrefix(target, "module.") {
		prefix := strings.TrimSuffix(target, ".") + "."
		for _, node := range g.Nodes {
			if strings.HasPrefix(node.ID, prefix) {
				add(node.ID)
			}
		}
	}
	return n
}

// BigPicture is the node count above which `graph` suggests --focus.
const BigPicture = 400

// Hint says how to draw part of a big picture, or "" for a small one.
func (g *Graph) Hint() string {
	if len(g.Nodes) <= BigPicture {
		return ""
	}
	ids := make([]string, len(g.Nodes))
	for i, n := range g.Nodes {
		ids[i] = n.ID
	}
	example := focusExample(ids)
	return fmt.Sprintf("the picture has %d nodes and %d edges, too many to read: draw part of it with --focus (a function, a database, a module such as %s, or a rule id)", len(g.Nodes), len(g.Edges), example)
}
