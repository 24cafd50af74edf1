package cli

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/letsleep/letsleep/internal/graph"
	"github.com/letsleep/letsleep/internal/runner"
)

// NewGraphCommand builds `letsleep graph PLAN`.
func NewGraphCommand() *cobra.Command {
	var (
		opts     runner.Options
		format   string
		outFile  string
		focus    []string
		maxLinks int
		timeout  time.Duration
	)
	cmd := &cobra.Command{
		Use:   "graph PLAN",
		Short: "Draw the boundary: functions, databases, tables, S3 and the internet, violations in red",
		Long: `Draw what can reach what: functions grouped by role (hot, control, egress,
viewer, warmup, unassigned), the databases, DynamoDB tables, S3 and the
internet, with edges for network and IAM reach labelled by path kind. Paths
that break the boundary are red. SVG is laid out in columns by letsleep itself (no Graphviz needed); --focus
draws one resource, module or rule's findings and their neighbours.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "svg" && format != "dot" && format != "mermaid" {
				return fmt.Errorf("unknown --format %q: graph supports svg, dot and mermaid", format)
			}
			if err := checkOutput(outFile, opts, args[:1]); err != nil {
				return err
			}
			opts.Progress = progressWriter(format)
			opts.Timeout = timeout
			var out []byte
			err := withDeadline(cmd.Context(), timeout, "graph", func(ctx context.Context) error {
				an, err := runner.Analyze(ctx, args[0], opts)
				if err != nil {
					return err
				}
				if len(focus) == 0 {
					if err := graph.TooBig(an.Model, an.Findings, maxLinks); err != nil {
						return err
					}
				}
				g := graph.Build(an.Model, an.Findings)
				if len(focus) > 0 {
					if g, err = g.Focus(focus, an.Findings); err != nil {
						return err
					}
				} else if hint := g.Hint(); hint != "" {
					fmt.Fprintf(os.Stderr, "letsleep: note: %s\n", hint)
				}
				switch format {
				case "svg":
					out, err = g.SVG(ctx)
				case "dot":
					out = []byte(g.DOT())
				default:
					out = []byte(g.Mermaid())
				}
				return err
			})
			if err != nil {
				return err
			}
			return writeTo(outFile, func(f *os.File) error {
				_, err := f.Write(out)
				return err
			})
		},
	}
	f := cmd.Flags()
	enumFlag(cmd, &format, "format", "svg", "output format", []string{"svg", "dot", "mermaid"})
	f.StringVarP(&outFile, "output", "o", "", "write to FILE instead of stdout")
	profileFlag(cmd, &opts.Profile)
	f.StringArrayVar(&opts.PolicyDirs, "policy", nil, "directory of your own Rego checks (repeatable)")
	f.StringVar(&opts.ConfigFile, "config", "", "YAML boundary config mapping address patterns to function roles")
	addSourceFlags(f, &opts)
	f.StringArrayVar(&focus, "focus", nil, "draw only this resource, module (module.NAME) or rule id's findings, and their neighbours (repeatable)")
	f.DurationVar(&timeout, "timeout", 60*time.Second, "bound on the whole command: analysis and drawing")
	f.IntVar(&maxLinks, "max-links", graph.MaxLinks, "refuse a whole picture with more links than this (0: no bound); --focus draws part of a bigger one")
	return cmd
}
