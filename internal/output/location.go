package output

import (
	"fmt"

	"github.com/letsleep/letsleep/internal/report"
)

// primaryLocation is where a finding is shown in the sources: the resource
// block, or, when that block is outside the repository (a module fetched
// into .terraform/ or above the source root), the module call that brings it
// in, which the author of the change can edit. Nil without sources.
func primaryLocation(f report.Finding) *report.Location {
	return f.Location.Primary()
}

// LocationString is "file:line" for the table and Markdown, or "" without
// sources; for a block outside the repository, the module call's line and
// where the block is in its module.
func LocationString(f report.Finding) string {
	loc := primaryLocation(f)
	if loc == nil {
		return ""
	}
	out := loc.File
	if loc.StartLine > 0 {
		out = fmt.Sprintf("%s:%d", loc.File, loc.StartLine)
	}
	if in := f.Location.InModule(); in != "" {
		out += " (module call; the block is " + in + ")"
	}
	return out
}

// moduleLine is the message line that names a block outside the
// repository, for formats whose file= or physicalLocation can only point at
// the module call: "" when the block itself is in the repository.
func moduleLine(f report.Finding) string {
	in := f.Location.InModule()
	if in == "" {
		return ""
	}
	return "\nDeclared " + in + ", instantiated by the module call at " + f.Location.Call.Lines()
}

// RuleDocURL is the page that documents a built-in rule (docs/rules/ID.md).
func RuleDocURL(id string) string {
	return infoURI + "/blob/main/docs/rules/" + id + ".md"
}

// waivedBy says where an in-source suppression is, or "" for a waiver from
// the waivers file.
func waivedBy(w report.Waiver) string {
	if w.Kind != report.KindInSource {
		return ""
	}
	return " [letsleep:ignore at " + w.Source + "]"
}

// waivedCount is "N waived", with how many of them by comments in the sources.
func waivedCount(s report.Summary) string {
	if s.Suppressed == 0 {
		return fmt.Sprintf("%d waived", s.Waived)
	}
	return fmt.Sprintf("%d waived (%d in source)", s.Waived, s.Suppressed)
}
