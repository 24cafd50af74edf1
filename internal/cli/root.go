// Package cli holds the cobra commands, one NewXCommand per file. Commands
// only parse flags and call the runner; the work happens in other packages.
package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/letsleep/letsleep/internal/tfexec"
)

// Exit codes, a stable contract for CI.
const (
	ExitClean    = 0 // no finding at or above the threshold
	ExitFindings = 1 // findings at or above the threshold
	ExitError    = 2 // usage or input error: the check could not be completed
)

// exitError carries an exit code through cobra without printing twice.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// NewRootCommand builds the letsleep command tree.
func NewRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "letsleep",
		Short: "Prove an AWS sleep-first stack keeps its boundaries",
		Long: `letsleep checks that a function that can touch the data cannot go out,
that a function that can go out cannot touch the data, and that hot endpoints
cannot wake a paused Aurora Serverless v2 cluster.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version(),
	}
	root.SetVersionTemplate("letsleep {{.Version}}\n")
	// Flag mistakes get the same shape as every other error: what went wrong,
	// then what to do.
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return fmt.Errorf("%w; run '%s --help' to see the flags", err, cmd.CommandPath())
	})
	root.AddCommand(
		NewCheckCommand(),
		NewModelCommand(),
		NewRulesCommand(),
		NewVersionCommand(),
		NewExplainCommand(),
		NewGraphCommand(),
		NewCostCommand(),
		NewLabCommand(),
	)
	return root
}

// Execute runs the CLI and returns the process exit code. SIGINT and SIGTERM
// cancel the context, so terraform children are stopped and temp files removed
// before letsleep exits with code 2. A command that cannot notice the
// cancellation (blocked reading a pipe, deep in building a model) gets
// interruptGrace to finish its cleanup, then the process exits anyway.
func Execute() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cmd := NewRootCommand()
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		select {
		case err = <-done:
		case <-time.After(interruptGrace):
			// The command did not return in time: undo what a terraform
			// run still holds (temp folder, lock file) before exiting.
			tfexec.Abandon()
		}
	}
	if ctx.Err() != nil {
		// An interrupted run exits 2 even when its work happened to finish:
		// the caller asked it to stop and must not read its result as a verdict.
		fmt.Fprintln(os.Stderr, "letsleep: interrupted by a signal: stopped before the end; nothing was checked to completion")
		return ExitError
	}
	if err == nil {
		return ExitClean
	}
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	fmt.Fprintf(os.Stderr, "letsleep: %v\n", err)
	return ExitError
}

// interruptGrace bounds the wait for a cancelled command to stop; with
// terraform's own stop delay (tfexec) it keeps the exit within 2 s.
const interruptGrace = 1500 * time.Millisecond
