package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/letsleep/letsleep/internal/plangen"
)

// NewWildcardTenantsCommand builds `letsleep-plangen wildcard-tenants N`.
func NewWildcardTenantsCommand() *cobra.Command {
	var (
		out  string
		seed uint64
	)
	cmd := &cobra.Command{
		Use:   "wildcard-tenants N",
		Short: "Write a plan of N tenants whose functions are granted \"*\" (every tenant's data)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var n int
			if _, err := fmt.Sscan(args[0], &n); err != nil || n <= 0 {
				return fmt.Errorf("N %q: give a positive tenant count", args[0])
			}
			w := os.Stdout
			if out != "" {
				f, err := os.Create(out)
				if err != nil {
					return err
				}
				defer f.Close()
				w = f
			}
			st, err := plangen.WriteWildcardTenants(w, n, seed)
			if err != nil {
				return err
			}
			fmt.Fprintf(os.Stderr, "%d tenants, %d resource changes, %d bytes\n", st.Replicas, st.ResourceChanges, st.Bytes)
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "", "output file (default stdout)")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "seed of the tenant keys")
	return cmd
}
