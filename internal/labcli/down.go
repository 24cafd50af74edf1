//go:build linux

package labcli

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/letsleep/letsleep/internal/lab"
)

// NewDownCommand builds `letsleep-lab down`.
func NewDownCommand() *cobra.Command {
	var id string
	cmd := &cobra.Command{
		Use:   "down",
		Short: "Tear the lab down (harmless when none is up)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if os.Geteuid() != 0 {
				return lab.ErrNotRoot
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), time.Minute)
			defer cancel()
			res, err := lab.Down(ctx, "", id)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if res.Stopped != "" {
				fmt.Fprintf(out, "lab: stopped lab %s (pid %d)\n", res.Stopped, res.PID)
			}
			if len(res.Removed) > 0 {
				fmt.Fprintf(out, "lab: removed leftover namespaces %s\n", strings.Join(res.Removed, " "))
			}
			if res.Stopped == "" && len(res.Removed) == 0 {
				fmt.Fprintln(out, "lab: nothing to tear down")
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&id, "id", "", "stop only the lab with this id (letsleep-lab status shows it)")
	return cmd
}
