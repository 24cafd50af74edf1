package output

import (
	"fmt"
	"strings"

	"github.com/letsleep/letsleep/internal/report"
)

// primaryLocation is where a finding is shown in the sources: the resource
// block, or, when that block is outside the repository (a module fetched
// into .terraform/ or above the source root), the module call that brings it
// in, which the author of the change can edit. Nil without sources.
func primaryLocation(f report.Finding) *report.Location {
	loc := f.Location
	if loc == nil || loc.File == "" {
		return nil
	}
	if outsideRoot(loc.File) && loc.Call != nil && loc.Call.File != "" {
		return loc.Call
	}
	return loc
}

func outsideRoot(file string) bool {
	return strings.HasPrefix(file, "../") || strings.HasPrefix(file, ".terraform/") || strings.Contains(file, "/.terraform/")
}

// LocationString is "file:line" for the table and Markdown, or "" without sources.
func LocationString(f report.Finding) string {
	loc := primaryLocation(f)
	if loc == nil {
		return ""
	}
	if loc.StartLine <= 0 {
		return loc.File
	}
	return fmt.Sprintf("%s:%d", loc.File, loc.StartLine)
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
