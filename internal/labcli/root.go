//go:build linux

// Package labcli holds the cobra commands of letsleep-lab, the Linux-only
// binary of the offline lab (one NewXCommand per file). The checker binary
// (cmd/letsleep) does not link the lab.
package labcli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// NewRootCommand builds `letsleep-lab up|down|status`: the offline network
// twin of a stack, for inspecting by hand what the lab suites run.
func NewRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "letsleep-lab",
		Short:         "Run the offline lab: namespaces, nftables, PostgreSQL behind the sleep sentinel (Linux, root)",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return fmt.Errorf("%w; run '%s --help' to see the flags", err, cmd.CommandPath())
	})
	root.AddCommand(NewUpCommand(), NewDownCommand(), NewStatusCommand(), NewDiffCommand())
	return root
}

// Execute runs the command tree and returns the exit code: 0 done, 1
// disagreements (diff), 2 usage or lab error.
func Execute() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := NewRootCommand().ExecuteContext(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "letsleep-lab: %v\n", err)
		if errors.As(err, new(errDisagree)) {
			return 1
		}
		return 2
	}
	return 0
}

// progressWriter shows step progress on a terminal and nothing with
// --format json, so piped JSON is never mixed with chatter.
func progressWriter(format string) io.Writer {
	if format == "json" || !term.IsTerminal(int(os.Stderr.Fd())) {
		return nil
	}
	return os.Stderr
}
