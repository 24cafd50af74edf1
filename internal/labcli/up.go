//go:build linux

package labcli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/letsleep/letsleep/internal/lab"
	"github.com/letsleep/letsleep/internal/model"
)

// NewUpCommand builds `letsleep-lab up PLAN|DIR`.
func NewUpCommand() *cobra.Command {
	var (
		opts       lab.Options
		format     string
		configFile string
	)
	cmd := &cobra.Command{
		Use:   "up PLAN|DIR",
		Short: "Build the lab twin of a plan and keep it up until Ctrl-C",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) (err error) {
			if format != "text" && format != "json" {
				return fmt.Errorf("unknown --format %q: lab up supports text and json", format)
			}
			cfg := model.Config{}
			if configFile != "" {
				c, err := model.LoadConfig(configFile)
				if err != nil {
					return fmt.Errorf("load config: %w", err)
				}
				cfg = *c
			}
			opts.Progress = progressWriter(format)
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			l, err := lab.UpFromPlan(ctx, args[0], cfg, opts)
			if err != nil {
				return err
			}
			// Teardown on return, error or panic alike.
			defer func() {
				if r := recover(); r != nil {
					_ = l.Close()
					panic(r)
				}
				if cerr := l.Close(); cerr != nil && err == nil {
					err = fmt.Errorf("lab teardown: %w", cerr)
				}
			}()
			out := cmd.OutOrStdout()
			if format == "json" {
				st, rerr := lab.ReadState("")
				if rerr != nil {
					return rerr
				}
				if err := json.NewEncoder(out).Encode(st); err != nil {
					return err
				}
			} else {
				writeLabSummary(out, l)
				fmt.Fprintln(out, "lab is up; inspect it with `letsleep-lab status`; Ctrl-C (or `letsleep-lab down`) tears it down")
			}
			<-ctx.Done()
			return nil
		},
	}
	cmd.Flags().DurationVar(&opts.IdleAfter, "idle", 2*time.Second, "pause delay: the sentinel stops PostgreSQL after this long with no connection (Aurora: 300s at least)")
	cmd.Flags().StringVar(&format, "format", "text", "output: text or json")
	cmd.Flags().StringVar(&configFile, "config", "", "YAML boundary config mapping address patterns to function roles")
	cmd.Flags().StringVar(&opts.ProbeBin, "probe-bin", "", "probe binary to run in the namespaces (default: $LETSLEEP_PROBE_BIN, else this binary)")
	cmd.Flags().DurationVar(&opts.LockWait, "wait", 30*time.Second, "how long to wait while another lab is up")
	return cmd
}

func writeLabSummary(w io.Writer, l *lab.Lab) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NODE\tROLE\tNETNS\tADDRESS\tVIA\tVPC")
	for _, n := range l.Topo.Nodes {
		role := n.Role
		switch n.Kind {
		case lab.KindDB:
			role = "database"
		case lab.KindProxy:
			role = "rds proxy (pool)"
		case lab.KindEndpoint:
			role = "vpc endpoint (" + n.Service + ")"
		}
		vpc := n.VPC
		if vpc == "" {
			vpc = "- (internet)"
		} else if n.NAT {
			vpc += " +nat"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", n.Address, role, n.NS, n.IP, n.PeerNS, vpc)
	}
	_ = tw.Flush()
	db := l.DBEndpoint()
	fmt.Fprintf(w, "database %s:%d (sentinel → PostgreSQL), canary %s\n", db.Host, db.Port, l.Canary().URL)
	fmt.Fprintf(w, "pause delay %s (scaled down; Aurora: seconds_until_auto_pause, 300s at least): the sentinel then stops PostgreSQL, and the next connection attempt starts it\n", l.PauseDelay())
}
