package cli

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	rulepages "github.com/letsleep/letsleep/docs/rules"
	"github.com/letsleep/letsleep/internal/membudget"
	"github.com/letsleep/letsleep/internal/output"
	"github.com/letsleep/letsleep/internal/runner"
	"github.com/letsleep/letsleep/internal/tfexec"
)

// NewCheckCommand builds `letsleep check`.
func NewCheckCommand() *cobra.Command {
	var (
		opts    runner.Options
		format  string
		outArgs []string
		timings bool
	)
	cmd := &cobra.Command{
		Use:   "check PATH [PATH...]",
		Short: "Check plans (plan JSON, binary plan, or terraform directory) for boundary violations",
		Long: `Check one or more plans. A PATH is a plan JSON file (terraform show -json),
a binary plan file (letsleep runs terraform show -json), or a terraform
directory (letsleep runs init, plan and show).

Exit codes: 0 no finding at or above --fail-on; 1 findings at or above it;
2 usage or input error.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return fmt.Errorf("no PATH given: pass a plan JSON (terraform show -json), a binary plan file or a terraform directory")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			pc, err := loadProjectConfig()
			if err != nil {
				return err
			}
			if err := applyProjectConfig(cmd, pc); err != nil {
				return err
			}
			if err := output.CheckFormat(format); err != nil {
				return err
			}
			targets, err := parseOutputs(format, outArgs)
			if err != nil {
				return err
			}
			for _, t := range targets {
				if err := checkOutput(t.path, opts, args); err != nil {
					return err
				}
			}
			opts.Paths = args
			opts.Progress = progressWriter(quietestFormat(targets))
			// Planning a directory takes a while: CI logs get terraform's
			// steps as whole lines even when stderr is not a terminal.
			opts.Plan.Progress = os.Stderr
			start := time.Now()
			// A big plan's check needs hundreds of MiB of heap: map it
			// in one call and let the collector wait until it is used.
			membudget.ForPlans(args)
			res, err := runner.Run(cmd.Context(), opts)
			if err != nil {
				return err
			}
			reportOverhead(os.Stderr, time.Since(start), tfexec.Spent())
			rep := res.Report
			written := time.Now()
			if err := writeOutputs(targets, rep, outputOptions(res)); err != nil {
				return err
			}
			if timings {
				now := time.Now()
				if err := writeTimings(cmd.ErrOrStderr(), res.Timings, now.Sub(written), now.Sub(start)); err != nil {
					return fmt.Errorf("write timings: %w", err)
				}
			}
			if rep.Summary.Failed {
				return exitError{ExitFindings}
			}
			return nil
		},
	}
	f := cmd.Flags()
	enumFlag(cmd, &format, "format", "table", "output format", output.Formats())
	f.StringArrayVarP(&outArgs, "output", "o", nil, "write the report to FILE instead of stdout (in --format), or FORMAT=FILE to write that format there; repeatable, so one run writes several formats (FORMAT=- is stdout)")
	failOnFlag(cmd, &opts.FailOn)
	profileFlag(cmd, &opts.Profile)
	f.StringArrayVar(&opts.PolicyDirs, "policy", nil, "directory of your own Rego checks (repeatable)")
	f.StringVar(&opts.WaiversFile, "waivers", "", "YAML file of waivers (rule, resource glob, reason, expires)")
	f.StringVar(&opts.ConfigFile, "config", "", "YAML boundary config mapping address patterns to function roles")
	f.BoolVar(&opts.Strict, "strict", false, "fail on anything letsleep could not analyse")
	f.StringSliceVar(&opts.Skip, "skip", nil, "rule ids or categories to leave out (repeatable, comma-separated)")
	f.StringSliceVar(&opts.Only, "only", nil, "run only these rule ids or categories (repeatable, comma-separated)")
	f.DurationVar(&opts.Timeout, "timeout", 60*time.Second, "bound on policy evaluation")
	f.BoolVar(&timings, "timings", false, "print how long each stage took (load, sources, model, policies, output) to stderr")
	addSourceFlags(f, &opts)
	return cmd
}

// reportOverhead says, when terraform ran, how the time split between
// terraform (init, plan, show) and letsleep's own analysis.
func reportOverhead(w io.Writer, total, terraform time.Duration) {
	if terraform <= 0 {
		return
	}
	fmt.Fprintf(w, "time: terraform %.1fs, letsleep's own analysis %.1fs\n", terraform.Seconds(), max(total-terraform, 0).Seconds())
}

// outputOptions hands the writers the catalogue (SARIF lists every rule,
// JUnit passes the clean ones) and, for a single plan, its model (the
// Markdown graph shows the whole stack, not only what failed).
func outputOptions(res *runner.Result) output.Options {
	var o output.Options
	for _, c := range res.Catalogue {
		if !c.Enabled || !res.Options.Selected(c.ID, c.Category) {
			continue
		}
		ru := output.Rule{ID: c.ID, Category: c.Category, Severity: c.Severity, Title: c.Title, Description: c.Description, Remediation: c.Remediation}
		if _, ok := rulepages.Page(c.ID); ok && c.Builtin {
			ru.HelpURI = output.RuleDocURL(c.ID)
		}
		o.Rules = append(o.Rules, ru)
	}
	if len(res.Models) == 1 {
		o.Model = res.Models[0]
	}
	o.ToolVersion = version()
	return o
}
