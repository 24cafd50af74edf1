package cli

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/letsleep/letsleep/internal/runner"
)

// writeTimings prints how long each stage took, for --timings. The stages
// are listed in the order they finished; a plan file's sources parse
// while it loads, so they can add up to more than the total.
func writeTimings(w io.Writer, stages []runner.Timing, output, total time.Duration) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "stage\tplan\tseconds")
	for _, s := range stages {
		fmt.Fprintf(tw, "%s\t%s\t%.3f\n", s.Stage, s.Path, s.Took.Seconds())
	}
	fmt.Fprintf(tw, "write output\t\t%.3f\n", output.Seconds())
	fmt.Fprintf(tw, "total (wall clock; stages may overlap)\t\t%.3f\n", total.Seconds())
	return tw.Flush()
}
