package cli

import (
	"fmt"
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

// writeTo runs write against FILE, or stdout when path is empty. The file is
// replaced only after a complete write, so a failed run leaves no half report.
func writeTo(path string, write func(*os.File) error) error {
	if path == "" {
		return write(os.Stdout)
	}
	tmp, err := os.CreateTemp(dirOf(path), ".letsleep-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func dirOf(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if path[i] == '/' {
			return path[:i+1]
		}
	}
	return "."
}
