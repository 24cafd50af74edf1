package source

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/zclconf/go-cty/cty"

	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/letsleep/letsleep/internal/readlimit"
)

// MaxFileBytes bounds one .tf file by default (readlimit.Source, raised by
// LETSLEEP_MAX_SOURCE_BYTES). Hand-written or generated Terraform is far
// below it; a larger file is refused as bad input rather than read into
// memory.
const MaxFileBytes = int(8 << 20)

// maxModuleDepth bounds module nesting, so a module that calls itself
// through a relative path cannot recurse forever.
const maxModuleDepth = 32

// ErrInput marks sources that cannot be read as Terraform (the CLI exits 2).
var ErrInput = errors.New("source input error")

// Notice is something the sources could not answer, e.g. a registry
// module without a manifest. The runner reports it as `unanalysed`.
type Notice struct {
	Module  string // module call path, e.g. module.db
	Message string
}

// Config is the configuration tree read from a root folder: every module
// by its call path ("" for the root, "vpc", "app.sg"), with modules sharing
// a source folder sharing one parsed *Module.
type Config struct {
	Dir     string
	modules map[string]*Module
	calls   map[string]*Call // call path → its module block
	Notices []Notice
	// Parsed counts the module folders parsed: one per folder, however
	// many calls or instances share it.
	Parsed int
	// itemsByKey indexes object literals by key (*hclsyntax.ObjectConsExpr
	// → map[string]int), so narrowing each of n instances into an n-key
	// for_each map stays linear.
	itemsByKey sync.Map
	// docs is what Document evaluated, shared by every document of the run
	// so that n instances reading one n-key locals map stay linear.
	docs docState
	// rootVars are the root module's variables as the plan holds them
	// (SetRootVariables).
	rootVars map[string]cty.Value
}

// Module returns the module at a call path ("" is the root).
func (c *Config) Module(path string) *Module {
	if c == nil {
		return nil
	}
	return c.modules[path]
}

// HasTerraform tells whether dir holds .tf files.
func HasTerraform(dir string) bool {
	m, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
	return len(m) > 0
}

// manifest is .terraform/modules/modules.json, written by terraform init.
type manifest struct {
	Modules []struct {
		Key    string `json:"Key"`
		Source string `json:"Source"`
		Dir    string `json:"Dir"`
	} `json:"Modules"`
}

// Load reads the root module in dir and every module it calls, finding
// module folders through the first module manifest that exists: dir's own
// .terraform/modules/modules.json, then each of fallbackManifests in order
// (terraform writes the manifest under TF_DATA_DIR, which a directory check
// keeps outside the user's folder). Empty fallbacks are skipped.
func Load(dir string, fallbackManifests ...string) (*Config, error) {
	if !HasTerraform(dir) {
		return nil, fmt.Errorf("%w: %s holds no .tf files; pass the root module folder with --source", ErrInput, dir)
	}
	l := &loader{parsed: map[string]*Module{}, cfg: &Config{Dir: dir, modules: map[string]*Module{}, calls: map[string]*Call{}}}
	for _, m := range append([]string{filepath.Join(dir, ".terraform", "modules", "modules.json")}, fallbackManifests...) {
		if m == "" {
			continue
		}
		found, err := l.readManifest(dir, m)
		if err != nil {
			return nil, err
		}
		if found {
			break
		}
	}
	root, err := l.parseDir(dir)
	if err != nil {
		return nil, err
	}
	if err := l.walk("", dir, root, 0); err != nil {
		return nil, err
	}
	sort.Slice(l.cfg.Notices, func(i, j int) bool { return l.cfg.Notices[i].Module < l.cfg.Notices[j].Module })
	return l.cfg, nil
}

type loader struct {
	parsed   map[string]*Module // absolute folder → parsed module (parse once)
	manifest map[string]string  // call path → folder, from modules.json
	cfg      *Config
}

// readManifest reads the manifest at path, telling whether it exists; its
// folders are relative to the root module, where terraform ran.
func (l *loader) readManifest(root, path string) (bool, error) {
	data, err := readBounded(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	var mf manifest
	if err := json.Unmarshal(data, &mf); err != nil {
		return false, fmt.Errorf("%w: %s: %v; run terraform init again", ErrInput, path, err)
	}
	l.manifest = map[string]string{}
	for _, m := range mf.Modules {
		if m.Key == "" {
			continue
		}
		d := m.Dir
		if !filepath.IsAbs(d) {
			d = filepath.Join(root, d)
		}
		l.manifest[m.Key] = d
	}
	return true, nil
}

func (l *loader) walk(path, dir string, m *Module, depth int) error {
	l.cfg.modules[path] = m
	if depth >= maxModuleDepth {
		return fmt.Errorf("%w: module nesting deeper than %d at module.%s", ErrInput, maxModuleDepth, path)
	}
	for _, name := range sortedKeys(m.Calls) {
		call := m.Calls[name]
		child := name
		if path != "" {
			child = path + "." + name
		}
		l.cfg.calls[child] = call
		cdir, ok := l.manifest[child]
		if !ok {
			if !isLocal(call.Source) {
				l.cfg.Notices = append(l.cfg.Notices, Notice{Module: "module." + strings.ReplaceAll(child, ".", ".module."),
					Message: fmt.Sprintf("module source %q is not a local path and %s has no .terraform/modules/modules.json: its locals and dynamic blocks are not read; run terraform init in the root module first", call.Source, l.cfg.Dir)})
				continue
			}
			cdir = filepath.Join(dir, filepath.FromSlash(call.Source))
		}
		cm, err := l.parseDir(cdir)
		if err != nil {
			return fmt.Errorf("module.%s: %w", child, err)
		}
		if err := l.walk(child, cdir, cm, depth+1); err != nil {
			return err
		}
	}
	return nil
}

func isLocal(src string) bool {
	return strings.HasPrefix(src, "./") || strings.HasPrefix(src, "../")
}

// parseDir parses every .tf file of a folder once; later calls of the same
// folder share the result.
func (l *loader) parseDir(dir string) (*Module, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrInput, dir, err)
	}
	if m, ok := l.parsed[abs]; ok {
		return m, nil
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrInput, dir, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%w: module folder %s holds no .tf files; run terraform init or fix the module source", ErrInput, dir)
	}
	sort.Strings(files)
	m := newModule(dir)
	p := hclparse.NewParser()
	for _, f := range files {
		if strings.HasSuffix(f, "_override.tf") || filepath.Base(f) == "override.tf" {
			continue // overrides merge into other blocks; the plan already has their effect
		}
		data, err := readBounded(f)
		if err != nil {
			return nil, err
		}
		file, diags := p.ParseHCL(data, f)
		if diags.HasErrors() {
			return nil, fmt.Errorf("%w: %s", ErrInput, diags.Error())
		}
		body, ok := file.Body.(*hclsyntax.Body)
		if !ok {
			continue
		}
		m.addFile(body, fileComments(data, f), f)
	}
	l.parsed[abs] = m
	l.cfg.Parsed++
	return m, nil
}

// readBounded reads a .tf file or module manifest of at most
// readlimit.Source (MaxFileBytes unless LETSLEEP_MAX_SOURCE_BYTES says
// otherwise); a FIFO or device counts the bytes it gives. UTF-16 is named.
func readBounded(path string) ([]byte, error) {
	data, err := readlimit.ReadFile(path, readlimit.Source)
	if errors.Is(err, readlimit.ErrTooLarge) {
		return nil, fmt.Errorf("%w: %v (or check the plan without --source)", ErrInput, err)
	}
	if err != nil {
		return nil, err
	}
	if data, err = readlimit.UTF8(path, data); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInput, err)
	}
	return data, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
