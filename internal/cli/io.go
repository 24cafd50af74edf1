package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

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
	if err := checkOutputPath(path); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".letsleep-*")
	if err != nil {
		return fmt.Errorf("write %s: cannot create a file in %s: check that it is writable", path, filepath.Dir(path))
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

// checkOutputPath catches the usual --output mistakes with a message about
// the path the user gave; check calls it before the analysis starts.
func checkOutputPath(path string) error {
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		return fmt.Errorf("--output %s is a directory: pass a file path instead, e.g. letsleep.json inside it", path)
	}
	dir := filepath.Dir(path)
	info, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("--output %s: directory %s does not exist: create it first or write elsewhere", path, dir)
	}
	if !info.IsDir() {
		return fmt.Errorf("--output %s: %s is not a directory: give a file path in an existing directory", path, dir)
	}
	return nil
}
