package cli

import (
	"github.com/spf13/pflag"

	"github.com/letsleep/letsleep/internal/runner"
)

// addSourceFlags adds --source and --source-root, shared by the commands
// that read a plan.
func addSourceFlags(f *pflag.FlagSet, opts *runner.Options) {
	f.StringVar(&opts.Source, "source", "", "folder of the plan's Terraform sources (.tf), to resolve locals, dynamic blocks and module wiring and to place findings at file:line (default: the plan file's folder if it holds .tf files, else the working directory)")
	f.StringVar(&opts.SourceRoot, "source-root", "", "make finding locations relative to this folder (default: the git top level of the sources)")
}
