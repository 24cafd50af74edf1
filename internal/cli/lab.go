package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/letsleep/letsleep/internal/lab"
	"github.com/letsleep/letsleep/internal/model"
)

// NewLabCommand builds `letsleep lab up|down|status`: the offline network
// twin of a stack, for inspecting by hand what the lab suites run.
func NewLabCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "lab",
		Short: "Run the offline lab: namespaces, nftables, PostgreSQL behind the sleep sentinel (root)",
	}
	cmd.AddCommand(newLabUpCommand(), newLabDownCommand(), newLabStatusCommand())
	return cmd
}

func newLabUpCommand() *cobra.Command {
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
				fmt.Fprintln(out, "lab is up; inspect it with `letsleep lab status`; Ctrl-C (or `letsleep lab down`) tears it down")
			}
			<-ctx.Done()
			return nil
		},
	}
	cmd.Flags().DurationVar(&opts.IdleAfter, "idle", 2*time.Second, "sentinel: pause the DB after this long with no connection")
	cmd.Flags().DurationVar(&opts.ResumeDelay, "resume-delay", 300*time.Millisecond, "sentinel: hold a waking connection this long")
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
		if n.Kind == lab.KindDB {
			role = "database"
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
}

func newLabDownCommand() *cobra.Command {
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
	cmd.Flags().StringVar(&id, "id", "", "stop only the lab with this id (letsleep lab status shows it)")
	return cmd
}

func newLabStatusCommand() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the lab: namespaces, addresses, routes, nft rules, sentinel state",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := lab.ReadState("")
			if errors.Is(err, os.ErrNotExist) {
				fmt.Fprintln(cmd.OutOrStdout(), "lab: no lab is up (start one with `letsleep lab up PLAN`)")
				return nil
			}
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), 10*time.Second)
			defer cancel()
			live, apiErr := lab.QueryStatus(ctx, st.API)
			if format == "json" {
				return json.NewEncoder(cmd.OutOrStdout()).Encode(map[string]any{"state": st, "live": live})
			}
			writeLabStatus(ctx, cmd.OutOrStdout(), st, live, apiErr)
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output: text or json")
	return cmd
}

func writeLabStatus(ctx context.Context, w io.Writer, st *lab.State, live *lab.Status, apiErr error) {
	fmt.Fprintf(w, "lab %s (pid %d, up since %s) from %s\n", st.ID, st.PID, st.Started.Format(time.RFC3339), st.Source)
	if !st.OwnerAlive() {
		fmt.Fprintf(w, "owner pid %d is gone: what follows are leftovers; remove them with `letsleep lab down`\n", st.PID)
	}
	fmt.Fprintf(w, "database %s   canary %s\n\n", st.DBAddr, st.CanaryURL)
	namespaces := st.Topology.Namespaces()
	for _, ns := range namespaces {
		fmt.Fprintf(w, "== netns %s\n", ns)
		for _, args := range [][]string{{"-n", ns, "-br", "-4", "addr"}, {"-n", ns, "-4", "route"}} {
			out, err := exec.CommandContext(ctx, "ip", args...).CombinedOutput()
			if err != nil {
				fmt.Fprintf(w, "  (ip %s: %v)\n", strings.Join(args, " "), err)
				continue
			}
			fmt.Fprint(w, indent(string(out)))
		}
		if rs, ok := st.Rulesets[ns]; ok {
			// The generated ruleset keeps the comments naming each SG rule;
			// nft list would strip them, so it only confirms the load.
			loaded := "loaded"
			if err := exec.CommandContext(ctx, "ip", "netns", "exec", ns, "nft", "list", "table", "inet", "lsl").Run(); err != nil {
				loaded = "NOT LOADED"
			}
			fmt.Fprintf(w, "  nft (%s):\n%s", loaded, indent(rs))
		}
	}
	if apiErr != nil {
		fmt.Fprintf(w, "\nsentinel: unreachable: %v\n", apiErr)
		return
	}
	for _, a := range slices.Sorted(maps.Keys(live.Sentinels)) {
		s := live.Sentinels[a]
		state := "awake"
		if s.Paused {
			state = "PAUSED"
		}
		fmt.Fprintf(w, "\nsentinel %s: %s, %d open, %d attempts, idle-after %s, wakes %v\n", a, state, s.Active, s.Attempts, s.IdleAfter, s.Wakes)
		for _, e := range s.Events {
			fmt.Fprintf(w, "  %s %-8s %s %s\n", e.At.Format("15:04:05.000"), e.Kind, e.Source, e.Client)
		}
	}
	fmt.Fprintf(w, "canary hits: %v\n", live.Canary)
}

func indent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return "    " + strings.Join(lines, "\n    ") + "\n"
}
