package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// errLabMoved tells a person who still types `letsleep lab` where the lab
// went: the checker does not link it (no namespaces, pgx or nftables in a
// binary that runs on any OS).
var errLabMoved = errors.New("the lab is no longer part of letsleep: it is the Linux-only binary letsleep-lab " +
	"(`go build ./cmd/letsleep-lab`, or `make lab`); run `letsleep-lab up|down|status`")

// NewLabCommand is a hidden pointer from `letsleep lab ...` to letsleep-lab.
func NewLabCommand() *cobra.Command {
	return &cobra.Command{
		Use:                "lab",
		Short:              "Moved: the offline lab is the letsleep-lab binary (Linux)",
		Hidden:             true,
		DisableFlagParsing: true,
		RunE:               func(*cobra.Command, []string) error { return errLabMoved },
	}
}
