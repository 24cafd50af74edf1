package cli

import (
	"io"
	"os"

	"golang.org/x/term"
)

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// progressWriter shows step progress on a terminal, and stays quiet for
// machine formats so that piped JSON is never mixed with chatter.
func progressWriter(format string) io.Writer {
	if format == "json" || format == "sarif" || format == "junit" || !isTerminal(os.Stderr) {
		return nil
	}
	return os.Stderr
}
