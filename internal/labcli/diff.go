//go:build linux

package labcli

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/letsleep/letsleep/internal/labdiff"
)

// errDisagree makes lab diff exit 1: the run worked and found disagreements.
type errDisagree struct{ n int }

func (e errDisagree) Error() string {
	return fmt.Sprintf("%d disagreements between the model and the lab", e.n)
}

// NewDiffCommand builds `letsleep-lab diff`: random stacks judged by the
// checker's model and by packets in the lab.
func NewDiffCommand() *cobra.Command {
	var (
		n         int
		seed      uint64
		dir       string
		cliConfig string
		planFile  string
		keep      string
		why       string
		stack     int
	)
	cmd := &cobra.Command{
		Use:   "diff",
		Short: "Generate random stacks, plan them offline, and compare the model's verdicts with the lab's probes",
		Long: `diff writes N random stacks (one VPC each) into one Terraform root, plans it
offline with the real AWS provider, and judges every function → database and
function → internet cell twice: by the checker's model, and by real TCP
connections in the lab. It prints every cell where the two disagree and exits
1 when there is one. The seed is printed; the same seed gives the same stacks.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if n < 1 {
				return fmt.Errorf("--n must be at least 1")
			}
			if seed == 0 {
				seed = uint64(time.Now().UnixNano())
			}
			if dir == "" {
				dir = filepath.Join(os.TempDir(), fmt.Sprintf("letsleep-lab-diff-%d", seed))
			}
			if cliConfig == "" {
				cliConfig = os.Getenv("TF_CLI_CONFIG_FILE")
			}
			if keep != "" {
				if stack < 0 || why == "" || seed == 0 {
					return fmt.Errorf("--keep needs --seed, --stack and --why")
				}
				if err := labdiff.KeepFixture(cmd.Context(), seed, stack, keep, why, cliConfig, labdiff.LabOptions{Progress: cmd.ErrOrStderr()}); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "lab-diff: kept stack %d of seed %d as %s\n", stack, seed, keep)
				return nil
			}
			rep, err := labdiff.Run(cmd.Context(), labdiff.RunOptions{N: n, Seed: seed, Dir: dir, CLIConfig: cliConfig, Plan: planFile,
				Out: cmd.OutOrStdout(), Progress: cmd.ErrOrStderr()})
			if err != nil {
				return err
			}
			if len(rep.Disagreements) > 0 {
				return errDisagree{len(rep.Disagreements)}
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&n, "n", 20, "number of random stacks")
	cmd.Flags().Uint64Var(&seed, "seed", 0, "generator seed (0: from the clock, printed)")
	cmd.Flags().StringVar(&dir, "dir", "", "where the Terraform root, plan.json and report.json go (default a temp folder named by the seed)")
	cmd.Flags().StringVar(&cliConfig, "terraformrc", "", "terraform CLI config for the offline provider mirror (default $TF_CLI_CONFIG_FILE)")
	cmd.Flags().StringVar(&keep, "keep", "", "keep one stack (--seed, --stack) as a fixture in this folder: main.tf, plan.json, expected.json")
	cmd.Flags().IntVar(&stack, "stack", -1, "with --keep: the stack number (s007 is 7)")
	cmd.Flags().StringVar(&why, "why", "", "with --keep: the disagreement the fixture keeps and which side was fixed")
	cmd.Flags().StringVar(&planFile, "plan", "", "judge this plan.json of an earlier run again instead of generating")
	return cmd
}
