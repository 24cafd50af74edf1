package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	rulepages "github.com/letsleep/letsleep/docs/rules"
	"github.com/letsleep/letsleep/internal/engine"
	"github.com/letsleep/letsleep/internal/output"
	"github.com/letsleep/letsleep/internal/runner"
)

// NewRulesCommand builds `letsleep rules [RULE]`, the catalogue of checks.
func NewRulesCommand() *cobra.Command {
	var (
		dirs   []string
		format string
	)
	cmd := &cobra.Command{
		Use:   "rules [RULE]",
		Short: "List the checks (id, category, severity, profiles), or show one rule's page",
		Long: `Without RULE, list every check. With RULE (an id such as LSL-001), print
its page: what it catches, why, an example and the fix (docs/rules/ID.md).
--format json prints the catalogue, or the one rule, as JSON.`,
		Args: cobra.MaximumNArgs(1),
		ValidArgsFunction: func(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			var ids []string
			for _, c := range builtinCatalogue(cmd) {
				ids = append(ids, c.ID+"\t"+c.Title)
			}
			return ids, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := engine.New(cmd.Context(), engine.Options{PolicyDirs: dirs, Profile: runner.ProfileSleepFirst})
			if err != nil {
				return err
			}
			checks := eng.Catalogue()
			if len(args) == 1 {
				c, ok := findCheck(checks, args[0])
				if !ok {
					return fmt.Errorf("unknown rule %s: `letsleep rules` lists the rules (add --policy DIR for your own)", args[0])
				}
				return writeRule(cmd.OutOrStdout(), format, c)
			}
			if format == "json" {
				return writeJSON(cmd.OutOrStdout(), checks)
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tCATEGORY\tSEVERITY\tPROFILES\tTITLE")
			for _, c := range checks {
				profiles := "all"
				if len(c.Profiles) > 0 {
					profiles = strings.Join(c.Profiles, ",")
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.ID, c.Category, c.Severity, profiles, c.Title)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringArrayVar(&dirs, "policy", nil, "also list the checks in this directory of your own Rego")
	enumFlag(cmd, &format, "format", "table", "output format", []string{"table", "json"})
	return cmd
}

func builtinCatalogue(cmd *cobra.Command) []engine.Check {
	eng, err := engine.New(cmd.Context(), engine.Options{Profile: runner.ProfileSleepFirst})
	if err != nil {
		return nil
	}
	return eng.Catalogue()
}

func findCheck(checks []engine.Check, id string) (engine.Check, bool) {
	for _, c := range checks {
		if strings.EqualFold(c.ID, id) {
			return c, true
		}
	}
	return engine.Check{}, false
}

// ruleDoc is one rule in JSON: the catalogue entry and its page.
type ruleDoc struct {
	engine.Check
	HelpURI string `json:"help_uri,omitempty"`
	Page    string `json:"page,omitempty"`
}

// writeRule prints a built-in rule's page, or, for a user policy without a
// page, what its metadata says.
func writeRule(w io.Writer, format string, c engine.Check) error {
	doc := ruleDoc{Check: c}
	if c.Builtin {
		doc.Page, _ = rulepages.Page(c.ID)
		doc.HelpURI = output.RuleDocURL(c.ID)
	}
	if format == "json" {
		return writeJSON(w, doc)
	}
	if doc.Page != "" {
		_, err := io.WriteString(w, doc.Page)
		return err
	}
	_, err := fmt.Fprintf(w, "# %s: %s\n\nSeverity %s, category %s (%s).\n\n%s\n\nFix: %s\n",
		c.ID, c.Title, c.Severity, c.Category, c.File, c.Description, c.Remediation)
	return err
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
