package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/letsleep/letsleep/internal/runner"
)

// checkOutput runs every --output check of a command that reads plans
// with opts: the path is none of the files it reads (plans, waivers,
// config, a policy file, extra such as --prices) and no file of a kind it
// reads from a folder (a .rego of --policy, a .tf of the sources or of a
// plan directory), which the report would overwrite, or join on the next run.
func checkOutput(path string, opts runner.Options, plans []string, extra ...string) error {
	inputs := append(append(append([]string{opts.WaiversFile, opts.ConfigFile}, plans...), opts.PolicyDirs...), extra...)
	if err := checkOutputPath(path, inputs...); err != nil {
		return err
	}
	return checkOutputOutside(path, readDirsOf(opts, plans)...)
}

// readDir is a folder a command reads files of some kinds from; what
// names it in a message.
type readDir struct {
	dir, what string
	exts      []string
}

var terraformExts = []string{".tf", ".tf.json", ".tfvars", ".tfvars.json"}

// readDirsOf lists the folders a run reads: each --policy folder (.rego),
// the --source folder, or by default each plan's folder and the working
// directory (.tf), and each plan given as a terraform directory.
func readDirsOf(opts runner.Options, plans []string) []readDir {
	var dirs []readDir
	for _, p := range opts.PolicyDirs {
		dirs = append(dirs, readDir{p, "--policy " + p, []string{".rego"}})
	}
	if opts.Source != "" {
		dirs = append(dirs, readDir{opts.Source, "--source " + opts.Source, terraformExts})
	}
	for _, p := range plans {
		if info, err := os.Stat(p); err == nil && info.IsDir() {
			dirs = append(dirs, readDir{p, "the terraform directory " + p, terraformExts})
		} else if opts.Source == "" && p != "-" {
			dirs = append(dirs, readDir{filepath.Dir(p), "the plan's folder " + filepath.Dir(p) + " (read for sources by default)", terraformExts})
		}
	}
	if opts.Source == "" {
		dirs = append(dirs, readDir{".", "the working directory (read for sources by default)", terraformExts})
	}
	return dirs
}

// checkOutputOutside refuses an --output path under one of dirs whose
// name ends in one of the extensions read there.
func checkOutputOutside(path string, dirs ...readDir) error {
	if path == "" || path == "-" {
		return nil
	}
	out := resolved(path)
	for _, d := range dirs {
		if info, err := os.Stat(d.dir); err != nil || !info.IsDir() {
			continue
		}
		rel, err := filepath.Rel(resolved(d.dir), out)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			continue
		}
		for _, e := range d.exts {
			if strings.HasSuffix(out, e) {
				return fmt.Errorf("--output %s is a %s file inside %s, which letsleep reads: the report would overwrite it or be read as input next time; write the report elsewhere", path, e, d.what)
			}
		}
	}
	return nil
}

// resolved is path made absolute with its symlinks followed, as far as
// it exists (a new output file does not).
func resolved(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		return r
	}
	if r, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		return filepath.Join(r, filepath.Base(abs))
	}
	return abs
}
