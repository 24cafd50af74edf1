package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/term"

	"github.com/letsleep/letsleep/internal/output"
	"github.com/letsleep/letsleep/internal/report"
)

// outputTarget is one report to write: a format and where ("" or "-" is stdout).
type outputTarget struct {
	format string
	path   string
}

// parseOutputs reads the repeatable --output flag. A value FORMAT=PATH writes
// that format to PATH (checkov's -o with --output-file-path, in one flag); a
// plain PATH writes --format there. With no --output, --format goes to stdout.
func parseOutputs(format string, args []string) ([]outputTarget, error) {
	if len(args) == 0 {
		return []outputTarget{{format: format}}, nil
	}
	var targets []outputTarget
	seen := map[string]string{}
	plain := 0
	for _, a := range args {
		t := outputTarget{format: format, path: a}
		if name, path, ok := strings.Cut(a, "="); ok && output.CheckFormat(strings.ToLower(name)) == nil {
			t = outputTarget{format: strings.ToLower(name), path: path}
		} else {
			plain++
		}
		if t.path == "" {
			return nil, fmt.Errorf("--output %s: no path after '=': give FORMAT=FILE, or FORMAT=- for stdout", a)
		}
		key := t.path
		if key != "-" {
			if abs, err := filepath.Abs(key); err == nil {
				key = abs
			}
		}
		if prev, dup := seen[key]; dup {
			return nil, fmt.Errorf("--output %s and --output %s write to the same place: give each format its own file", prev, a)
		}
		seen[key] = a
		targets = append(targets, t)
	}
	if plain > 1 {
		return nil, fmt.Errorf("--output was given %d plain paths: only one may use --format, write the others as FORMAT=FILE (formats: %s)", plain, strings.Join(output.Formats(), ", "))
	}
	return targets, nil
}

// quietestFormat picks the format that decides whether progress is shown:
// any machine format on stdout must not be mixed with chatter.
func quietestFormat(targets []outputTarget) string {
	for _, t := range targets {
		if t.path == "" || t.path == "-" {
			return t.format
		}
	}
	return targets[0].format
}

// writeOutputs renders the one report in every requested format. A failed
// target does not stop the others; the errors are returned together.
func writeOutputs(targets []outputTarget, rep *report.Report, opts output.Options) error {
	var errs []error
	for _, t := range targets {
		o := opts
		o.Color = (t.path == "" || t.path == "-") && isTerminal(os.Stdout)
		if o.Color {
			// The table wraps to the terminal; files and pipes get 80 columns.
			if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil && w > 20 {
				o.Width = w
			}
		}
		errs = append(errs, writeTo(t.path, func(f *os.File) error {
			return output.Write(f, t.format, rep, o)
		}))
	}
	return errors.Join(errs...)
}
