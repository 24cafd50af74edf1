// Package rules embeds the rule pages (docs/rules/LSL-NNN.md), so that
// `letsleep rules LSL-001` prints a rule's page offline and a test can prove
// that every built-in rule has one.
package rules

import "embed"

//go:embed LSL-*.md
var Pages embed.FS

// Page returns the Markdown page of a rule, or false when it has none.
func Page(id string) (string, bool) {
	b, err := Pages.ReadFile(id + ".md")
	if err != nil {
		return "", false
	}
	return string(b), true
}
