package runner

import (
	"slices"
	"strings"

	"github.com/letsleep/letsleep/internal/engine"
	"github.com/letsleep/letsleep/internal/report"
)

// Selected reports whether a check runs under --skip and --only, which name
// rule ids or categories (case-insensitive): a skipped check never reports,
// and with --only nothing else does.
func (o Options) Selected(rule, category string) bool {
	named := func(list []string) bool {
		return slices.ContainsFunc(list, func(s string) bool {
			return strings.EqualFold(s, rule) || strings.EqualFold(s, category)
		})
	}
	if named(o.Skip) {
		return false
	}
	return len(o.Only) == 0 || named(o.Only)
}

// checkSelection refuses a --skip or --only entry that names no check, so a
// typo cannot silently turn the whole run off (or on).
func checkSelection(o Options, catalogue []engine.Check) error {
	known := waivable(catalogue)
	for _, list := range []struct {
		flag  string
		names []string
	}{{"--skip", o.Skip}, {"--only", o.Only}} {
		for _, n := range list.names {
			if !slices.ContainsFunc(known, func(k string) bool { return strings.EqualFold(k, n) }) {
				return usageErrorf("%s %s names no check: use a rule id or a category from `letsleep rules`", list.flag, n)
			}
		}
	}
	return nil
}

// selectFindings keeps the findings of the selected checks.
func selectFindings(o Options, fs []report.Finding) []report.Finding {
	if len(o.Skip) == 0 && len(o.Only) == 0 {
		return fs
	}
	out := fs[:0:0]
	for _, f := range fs {
		if o.Selected(f.Rule, f.Category) {
			out = append(out, f)
		}
	}
	return out
}
