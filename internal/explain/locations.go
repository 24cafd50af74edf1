package explain

import (
	"fmt"

	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/report"
)

// Locate records where each resource named by the explanation (finding
// resources and every step of every path) is declared in the Terraform
// sources. locate returns nil for what it cannot place.
func (e *Explanation) Locate(locate func(addr string) *report.Location) {
	if locate == nil {
		return
	}
	add := func(addr string) {
		if addr == "" {
			return
		}
		if _, done := e.Locations[addr]; done {
			return
		}
		if loc := locate(addr); loc != nil {
			if e.Locations == nil {
				e.Locations = map[string]*report.Location{}
			}
			e.Locations[addr] = loc
		}
	}
	for _, f := range e.Findings {
		add(f.Resource)
		for _, s := range f.Path {
			add(s.Address)
		}
	}
	if c := e.Function; c != nil {
		add(c.Address)
		for _, ps := range [][]model.Path{c.Egress, c.DataPaths} {
			for _, p := range ps {
				for _, s := range p.Steps {
					add(s.Address)
				}
			}
		}
	}
	for _, r := range e.ReachedBy {
		for _, s := range r.Path.Steps {
			add(s.Address)
		}
	}
}

// where renders the source location of addr for the text output, or "".
// A block inside the source root is shown at its lines, with the module
// call that brings it in; a block outside it (a registry module under
// .terraform/, a module folder above the repository) at the module call,
// with the module's source and the block's file in it, so every path shown
// opens from the repository root.
func (e *Explanation) where(addr string) string {
	loc := e.Locations[addr]
	if loc == nil {
		return ""
	}
	if in := loc.InModule(); in != "" {
		return fmt.Sprintf("  @ %s (module call; the block is %s)", loc.Call.Lines(), in)
	}
	out := "  @ " + loc.Lines()
	if loc.Call != nil {
		out += " (module call " + loc.Call.Lines() + ")"
	}
	return out
}
