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
func (e *Explanation) where(addr string) string {
	loc := e.Locations[addr]
	if loc == nil {
		return ""
	}
	out := fmt.Sprintf("  @ %s:%d-%d", loc.File, loc.StartLine, loc.EndLine)
	if loc.Call != nil {
		out += fmt.Sprintf(" (module call %s:%d)", loc.Call.File, loc.Call.StartLine)
	}
	return out
}
