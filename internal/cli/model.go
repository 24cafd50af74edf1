package cli

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/letsleep/letsleep/internal/runner"
)

// NewModelCommand builds `letsleep model`, which prints the boundary model
// that the policies and the suites reason over.
func NewModelCommand() *cobra.Command {
	var (
		opts    runner.Options
		format  string
		outFile string
	)
	cmd := &cobra.Command{
		Use:   "model PATH",
		Short: "Print the boundary model of a plan (functions, reach, databases, grants)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "json" {
				return fmt.Errorf("unknown --format %q: model supports json", format)
			}
			if err := checkOutput(outFile, opts, args[:1]); err != nil {
				return err
			}
			opts.Progress = progressWriter(format)
			m, err := runner.BuildModel(cmd.Context(), args[0], opts)
			if err != nil {
				return err
			}
			return writeTo(outFile, func(f *os.File) error {
				enc := json.NewEncoder(f)
				enc.SetIndent("", "  ")
				return enc.Encode(m)
			})
		},
	}
	enumFlag(cmd, &format, "format", "json", "output format", []string{"json"})
	cmd.Flags().StringVarP(&outFile, "output", "o", "", "write to FILE instead of stdout")
	cmd.Flags().StringVar(&opts.ConfigFile, "config", "", "YAML boundary config mapping address patterns to function roles")
	addSourceFlags(cmd.Flags(), &opts)
	return cmd
}
