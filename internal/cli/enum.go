package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/letsleep/letsleep/internal/report"
	"github.com/letsleep/letsleep/internal/runner"
)

var (
	failOnValues  = append(slices.Clone(report.Severities), runner.FailOnNone)
	profileValues = []string{runner.ProfileSleepFirst, runner.ProfileAlwaysOn}
)

// enumValue is a flag that takes one of a fixed set of words, in any case
// (--fail-on HIGH, --format SARIF), so that it is stored lower-case.
type enumValue struct {
	p      *string
	values []string
}

func (e *enumValue) String() string { return *e.p }
func (e *enumValue) Type() string   { return strings.Join(e.values, "|") }
func (e *enumValue) Set(s string) error {
	v := strings.ToLower(strings.TrimSpace(s))
	if !slices.Contains(e.values, v) {
		return fmt.Errorf("use one of %s", strings.Join(e.values, ", "))
	}
	*e.p = v
	return nil
}

// enumFlag defines a case-insensitive flag with fixed values, which shell
// completion offers.
func enumFlag(cmd *cobra.Command, p *string, name, def, usage string, values []string) {
	*p = def
	cmd.Flags().Var(&enumValue{p: p, values: values}, name, usage)
	_ = cmd.RegisterFlagCompletionFunc(name, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
}

// failOnFlag and profileFlag are the two enum flags several commands share.
func failOnFlag(cmd *cobra.Command, p *string) {
	enumFlag(cmd, p, "fail-on", "medium", "exit 1 when a finding is at or above this severity; none never fails on severity (soft fail)", failOnValues)
}

func profileFlag(cmd *cobra.Command, p *string) {
	enumFlag(cmd, p, "profile", runner.ProfileSleepFirst, "sleep-first, or always-on to turn off the sleep rules", profileValues)
}
