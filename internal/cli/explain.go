package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"github.com/letsleep/letsleep/internal/engine"
	"github.com/letsleep/letsleep/internal/explain"
	"github.com/letsleep/letsleep/internal/runner"
)

// NewExplainCommand builds `letsleep explain PLAN RESOURCE-OR-RULE`.
func NewExplainCommand() *cobra.Command {
	var (
		opts    runner.Options
		format  string
		outFile string
	)
	cmd := &cobra.Command{
		Use:   "explain PLAN RESOURCE-OR-RULE",
		Short: "Show the evidence chain of a finding, or what a function can reach",
		Long: `Explain a rule id or category (every finding with its full evidence chain),
a function address (its role, placement, egress, data paths and grants), or a
database or other resource (the paths that reach it and its findings).
Links resolved from values unknown at plan time are marked.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return fmt.Errorf("unknown --format %q: explain supports text and json", format)
			}
			if err := checkOutput(outFile, opts, args[:1]); err != nil {
				return err
			}
			opts.Progress = progressWriter(format)
			an, err := runner.Analyze(cmd.Context(), args[0], opts)
			if err != nil {
				return err
			}
			if err := knownRule(an.Catalogue, args[1]); err != nil {
				return err
			}
			ex, err := explain.Explain(an.Model, an.Findings, args[1])
			if err != nil {
				return err
			}
			if an.Sources != nil {
				ex.Locate(an.Sources.Locate)
			}
			return writeTo(outFile, func(f *os.File) error { return writeExplanation(f, format, ex) })
		},
	}
	f := cmd.Flags()
	enumFlag(cmd, &format, "format", "text", "output format", []string{"text", "json"})
	f.StringVarP(&outFile, "output", "o", "", "write to FILE instead of stdout")
	profileFlag(cmd, &opts.Profile)
	f.StringArrayVar(&opts.PolicyDirs, "policy", nil, "directory of your own Rego checks (repeatable)")
	f.StringVar(&opts.ConfigFile, "config", "", "YAML boundary config mapping address patterns to function roles")
	addSourceFlags(f, &opts)
	return cmd
}

func writeExplanation(w io.Writer, format string, ex *explain.Explanation) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(ex)
	}
	_, err := io.WriteString(w, ex.Text())
	return err
}

// ruleIDPattern is the shape of a rule id (LSL-001, or a user policy's
// TEAM-7): such a target is a rule, and an unknown one is a typo, not a
// rule that happens to have no findings.
var ruleIDPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*-[0-9]+$`)

func knownRule(catalogue []engine.Check, target string) error {
	if !ruleIDPattern.MatchString(target) {
		return nil
	}
	for _, c := range catalogue {
		if strings.EqualFold(c.ID, target) {
			return nil
		}
	}
	return fmt.Errorf("unknown rule %s: `letsleep rules` lists the rules (add --policy DIR for your own)", target)
}
