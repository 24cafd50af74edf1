//go:build linux

package labcli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/letsleep/letsleep/internal/lab"
)

// NewStatusCommand builds `letsleep-lab status`.
func NewStatusCommand() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the lab: namespaces, addresses, routes, nft rules, sentinel state",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := lab.ReadState("")
			if errors.Is(err, os.ErrNotExist) {
				fmt.Fprintln(cmd.OutOrStdout(), "lab: no lab is up (start one with `letsleep-lab up PLAN`)")
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
		fmt.Fprintf(w, "owner pid %d is gone: what follows are leftovers; remove them with `letsleep-lab down`\n", st.PID)
	}
	fmt.Fprintf(w, "database %s   canary %s\n\n", st.DBAddr, st.CanaryURL)
	namespaces := st.Topology.Namespaces()
	for _, ns := range namespaces {
		fmt.Fprintf(w, "== netns %s\n", ns)
		for _, args := range append([][]string{{"-n", ns, "-br", "-4", "addr"}, {"-n", ns, "-4", "route"}}, routerTables(st.Topology, ns)...) {
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
		if s.NeverPause != "" {
			fmt.Fprintf(w, "  refuses to pause: %s\n", s.NeverPause)
		}
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

// routerTables: for a VPC router, its policy rules and each subnet's
// route table (internal/lab/routes.go), both families.
func routerTables(t *lab.Topology, ns string) [][]string {
	for _, r := range t.Routers {
		if r.NS != ns {
			continue
		}
		out := [][]string{{"-n", ns, "-4", "rule"}, {"-n", ns, "-6", "rule"}}
		for _, tb := range r.Tables {
			// A family's table exists only once a route of it was added.
			fams := map[string]bool{}
			for _, l := range tb.Routes {
				fams[map[bool]string{true: "-6", false: "-4"}[strings.Contains(l.Dest, ":")]] = true
			}
			for _, f := range []string{"-4", "-6"} {
				if fams[f] {
					out = append(out, []string{"-n", ns, f, "route", "show", "table", strconv.Itoa(tb.ID)})
				}
			}
		}
		return out
	}
	return nil
}
