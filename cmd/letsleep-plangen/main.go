// Command letsleep-plangen writes synthetic Terraform plans for benchmarks
// and decodes plans bare, as the floor letsleep's time is compared with.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

func main() {
	root := &cobra.Command{
		Use:           "letsleep-plangen",
		Short:         "Synthetic Terraform plans for letsleep's benchmarks",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(NewGenerateCommand(), NewDecodeCommand(), NewScanCommand(), NewWildcardTenantsCommand())
	if err := root.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "letsleep-plangen:", err)
		os.Exit(2)
	}
}
