package cli

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/letsleep/letsleep/internal/engine"
	"github.com/letsleep/letsleep/internal/runner"
)

// NewRulesCommand builds `letsleep rules`, the catalogue of checks.
func NewRulesCommand() *cobra.Command {
	var dirs []string
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List the checks: id, category, severity, profiles",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			eng, err := engine.New(cmd.Context(), engine.Options{PolicyDirs: dirs, Profile: runner.ProfileSleepFirst})
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tCATEGORY\tSEVERITY\tPROFILES\tTITLE")
			for _, c := range eng.Catalogue() {
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
	return cmd
}
