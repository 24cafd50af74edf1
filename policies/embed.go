// Package policies embeds the built-in Rego checks and their tests.
//
// Each check lives in its own file, `<check>.rego`, with package
// `letsleep.checks.<check>` and a sibling `<check>_test.rego`. Shared helpers
// live under lib/. The engine loads only the non-test modules (see Modules);
// the Rego unit tests are run from Go by policies_test.go.
package policies

import (
	"embed"
	"io/fs"
	"sort"
	"strings"
)

// FS holds every built-in Rego file, tests included.
//
//go:embed *.rego lib/*.rego
var FS embed.FS

// IsTest reports whether a Rego file name is a unit-test module.
func IsTest(name string) bool {
	return strings.HasSuffix(name, "_test.rego")
}

// Modules returns the source of every non-test module keyed by its path in
// FS (for example "egress_reaches_db.rego"), which the engine uses as the file
// name in error locations.
func Modules() (map[string]string, error) {
	return read(func(name string) bool { return !IsTest(name) })
}

// All returns every module, tests included, keyed by path.
func All() (map[string]string, error) {
	return read(func(string) bool { return true })
}

// CheckFiles lists the check files (non-test, outside lib/), sorted.
func CheckFiles() ([]string, error) {
	mods, err := Modules()
	if err != nil {
		return nil, err
	}
	var out []string
	for name := range mods {
		if !strings.Contains(name, "/") {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out, nil
}

func read(keep func(string) bool) (map[string]string, error) {
	out := map[string]string{}
	err := fs.WalkDir(FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(path, ".rego") || !keep(path) {
			return nil
		}
		b, err := FS.ReadFile(path)
		if err != nil {
			return err
		}
		out[path] = string(b)
		return nil
	})
	return out, err
}
