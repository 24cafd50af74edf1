package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/letsleep/letsleep/policies"

	"github.com/letsleep/letsleep/internal/readlimit"
)

// source is one Rego file to load.
type source struct {
	file    string // name used in error locations
	text    string
	builtin bool
}

// builtinPrefix names embedded files in error locations.
const builtinPrefix = "policies/"

// loadSources reads the embedded modules, then every .rego file (not
// _test.rego) under each user directory, in a stable order.
func loadSources(dirs []string) ([]source, error) {
	embedded, err := policies.Modules()
	if err != nil {
		return nil, fmt.Errorf("read embedded policies: %w", err)
	}
	var out []source
	for name, text := range embedded {
		out = append(out, source{file: builtinPrefix + name, text: text, builtin: true})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].file < out[j].file })
	for _, dir := range dirs {
		user, err := loadDir(dir)
		if err != nil {
			return nil, err
		}
		out = append(out, user...)
	}
	return out, nil
}

func loadDir(dir string) ([]source, error) {
	info, err := os.Stat(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: --policy %s does not exist: pass a directory of .rego files or a .rego file", ErrPolicy, dir)
		}
		return nil, fmt.Errorf("%w: --policy %s cannot be read (%v): check its permissions", ErrPolicy, dir, errors.Unwrap(err))
	}
	var files []string
	if !info.IsDir() {
		if !strings.HasSuffix(dir, ".rego") {
			return nil, fmt.Errorf("%w: --policy %s is not a directory or a .rego file: pass a directory of .rego files", ErrPolicy, dir)
		}
		files = []string{dir}
	} else {
		err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && path != dir && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			if !d.IsDir() && strings.HasSuffix(path, ".rego") && !policies.IsTest(path) {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("%w: read policy dir %s: %v", ErrPolicy, dir, err)
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%w: policy dir %s holds no .rego files (test files *_test.rego are not loaded); pass the directory that holds your checks", ErrPolicy, dir)
	}
	sort.Strings(files)
	out := make([]source, 0, len(files))
	for _, f := range files {
		b, err := readlimit.ReadFile(f, readlimit.Policy)
		if errors.Is(err, readlimit.ErrTooLarge) {
			return nil, fmt.Errorf("%w: %w", ErrPolicy, err)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: read policy %s: %v", ErrPolicy, f, err)
		}
		if b, err = readlimit.UTF8(f, b); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrPolicy, err)
		}
		out = append(out, source{file: f, text: string(b)})
	}
	return out, nil
}

// parsedModule is a parsed source.
type parsedModule struct {
	source
	module *ast.Module
}

func parseSources(srcs []source) ([]parsedModule, error) {
	out := make([]parsedModule, 0, len(srcs))
	builtinPkgs := map[string]bool{}
	for _, s := range srcs {
		m, err := ast.ParseModuleWithOpts(s.file, s.text, ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
		if err != nil {
			return nil, fmt.Errorf("%w: %s (policies use OPA v1 syntax: `deny contains x if { ... }`)", ErrPolicy, formatErrors(err))
		}
		if m == nil {
			return nil, fmt.Errorf("%w: %s: empty module; a policy file needs a package line", ErrPolicy, s.file)
		}
		pkg := packageName(m.Package.Path)
		if s.builtin {
			builtinPkgs[pkg] = true
		} else if err := checkUserPackage(s.file, m, pkg, builtinPkgs); err != nil {
			return nil, err
		}
		out = append(out, parsedModule{source: s, module: m})
	}
	return out, nil
}

// checkUserPackage keeps user modules from merging into built-in packages and
// from defining checks that would never run.
func checkUserPackage(file string, m *ast.Module, pkg string, builtin map[string]bool) error {
	row := m.Package.Location.Row
	if builtin[pkg] {
		return fmt.Errorf("%w: %s:%d: package %s is a built-in letsleep package; give your module its own package, e.g. letsleep.checks.<team>_<check>", ErrPolicy, file, row, pkg)
	}
	if strings.HasPrefix(pkg+".", checksPrefix+".") {
		return nil
	}
	for _, r := range m.Rules {
		if isDenyRule(r) {
			return fmt.Errorf("%w: %s:%d: package %s defines deny but is not under %s, so it would never run; rename it to package %s.<name>", ErrPolicy, file, row, pkg, checksPrefix, checksPrefix)
		}
	}
	return nil
}

const checksPrefix = "letsleep.checks"

// packageName turns data.letsleep.checks.x into letsleep.checks.x.
func packageName(path ast.Ref) string {
	return strings.TrimPrefix(path.String(), "data.")
}

func isDenyRule(r *ast.Rule) bool {
	ref := r.Head.Ref()
	return len(ref) >= 1 && ref[0].Value.Compare(ast.Var("deny")) == 0
}

func formatErrors(err error) string {
	errs, ok := err.(ast.Errors)
	if !ok {
		return err.Error()
	}
	lines := make([]string, 0, len(errs))
	for _, e := range errs {
		loc := "?"
		if e.Location != nil {
			loc = fmt.Sprintf("%s:%d", e.Location.File, e.Location.Row)
		}
		lines = append(lines, fmt.Sprintf("%s: %s", loc, e.Message))
	}
	return strings.Join(lines, "; ")
}

// compile compiles every module once, with network builtins removed: a policy
// must not reach out while checking a plan.
func compile(mods []parsedModule) (*ast.Compiler, error) {
	byName := make(map[string]*ast.Module, len(mods))
	for _, m := range mods {
		byName[m.file] = m.module
	}
	c := ast.NewCompiler().WithCapabilities(capabilities()).WithEnablePrintStatements(false)
	c.Compile(byName)
	if c.Failed() {
		msg := formatErrors(c.Errors)
		for name := range deniedBuiltins {
			if strings.Contains(msg, "undefined function "+name) {
				msg += " (letsleep disables network builtins in policies: http.send, net.lookup_ip_addr)"
				break
			}
		}
		return nil, fmt.Errorf("%w: compile: %s", ErrPolicy, msg)
	}
	return c, nil
}

var deniedBuiltins = map[string]bool{
	"http.send":          true,
	"net.lookup_ip_addr": true,
}

func capabilities() *ast.Capabilities {
	caps := ast.CapabilitiesForThisVersion()
	kept := caps.Builtins[:0:0]
	for _, b := range caps.Builtins {
		if !deniedBuiltins[b.Name] {
			kept = append(kept, b)
		}
	}
	caps.Builtins = kept
	caps.AllowNet = []string{}
	return caps
}
