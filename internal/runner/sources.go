package runner

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/plan"
	"github.com/letsleep/letsleep/internal/report"
	"github.com/letsleep/letsleep/internal/source"
	"github.com/letsleep/letsleep/internal/tfexec"
)

// Sources is the Terraform configuration read for one PATH, and the root
// that finding locations are made relative to.
type Sources struct {
	Config *source.Config
	Root   string
}

// readSources finds and reads the .tf sources of one PATH: the directory
// itself for a directory check (dirCheck); for a plan file, --source, else
// the plan file's folder when it holds .tf files, else the working
// directory when it does. Sources found by default that cannot be read are
// a warning, not an error: the plan alone is still checked. It returns nil
// when there are none.
func readSources(path string, opts Options, dirCheck bool) (*Sources, []string, error) {
	dir, explicit := opts.Source, opts.Source != ""
	if dirCheck {
		dir, explicit = path, true
	}
	if dir == "" {
		for _, d := range []string{filepath.Dir(path), "."} {
			if source.HasTerraform(d) {
				dir = d
				break
			}
		}
	}
	if dir == "" {
		return nil, nil, nil
	}
	// A directory check's terraform init wrote the manifest, and installed
	// the registry modules, in letsleep's terraform data folder.
	cfg, err := source.Load(dir, tfexec.ModulesManifest(dir))
	if err != nil {
		if explicit {
			return nil, nil, fmt.Errorf("read sources: %w", err)
		}
		return nil, []string{fmt.Sprintf("Terraform sources in %s not read (%v); the plan alone is checked", dir, err)}, nil
	}
	root := opts.SourceRoot
	if root == "" {
		root = gitTop(dir)
	}
	return &Sources{Config: cfg, Root: root}, nil, nil
}

// isDirCheck tells whether path is a folder that letsleep plans itself and
// whose sources are therefore that folder.
func isDirCheck(path string, opts Options) bool {
	info, err := os.Stat(path)
	return err == nil && info.IsDir() && opts.Source == ""
}

// gitTop is the nearest folder at or above dir holding .git, or dir.
func gitTop(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return dir
	}
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return abs
		}
	}
}

// withPlanVariables gives the sources the root variables' values the plan
// was made with, which decide conditionals such as
// `var.private ? module.vpc.private_subnets : module.vpc.public_subnets`.
func (s *Sources) withPlanVariables(p *plan.Plan) {
	if s == nil || p == nil || p.Doc == nil {
		return
	}
	values := make(map[string]any, len(p.Doc.Variables))
	for name, v := range p.Doc.Variables {
		if v != nil {
			values[name] = v.Value
		}
	}
	s.Config.SetRootVariables(values)
}

// refs is the model's resolver input, nil without sources.
func (s *Sources) refs() model.Sources {
	if s == nil {
		return nil
	}
	return s.Config
}

// Locate places a resource address in the sources, with File relative to
// the source root.
func (s *Sources) Locate(addr string) *report.Location {
	if s == nil {
		return nil
	}
	p, ok := s.Config.Locate(addr)
	if !ok {
		return nil
	}
	loc := s.location(p.Block)
	if p.Call != nil {
		loc.Call = s.location(*p.Call)
	}
	loc.ModuleSource, loc.ModuleFile, loc.ModuleVersion = p.ModuleSource, p.ModuleFile, p.ModuleVersion
	return loc
}

func (s *Sources) location(r source.Range) *report.Location {
	file := r.File
	if abs, err := filepath.Abs(file); err == nil {
		if rel, err := filepath.Rel(s.Root, abs); err == nil {
			file = rel
		}
	}
	return &report.Location{File: filepath.ToSlash(file), StartLine: r.StartLine, EndLine: r.EndLine}
}

// sourceWarnings turns what the sources could not answer (a registry
// module without a manifest) into model warnings, so each becomes one
// unanalysed finding.
// A module with no resource in the plan (count = 0, as the acm module
// inside apigateway-v2 usually is) changes nothing and gets no warning.
func (s *Sources) warnings(p *plan.Plan) []model.Warning {
	if s == nil || len(s.Config.Notices) == 0 {
		return nil
	}
	inPlan := planModules(p)
	var out []model.Warning
	for _, n := range s.Config.Notices {
		if inPlan == nil || inPlan[n.Module] {
			out = append(out, model.Warning{Kind: "source", Address: n.Module, Message: n.Message})
		}
	}
	return out
}

// planModules is every module call path (module.a.module.b, instance keys
// dropped) that holds a resource change, directly or through a child
// call, and every dot-separated prefix of one; nil when the plan has no
// document to tell, which counts every module as present. It is built in
// one pass, once per plan: a scan of all resource changes per notice cost
// most of a second at 50k resources.
func planModules(p *plan.Plan) map[string]bool {
	if p == nil || p.Doc == nil {
		return nil
	}
	paths := map[string]bool{}
	seen := map[string]bool{}
	for _, rc := range p.Doc.ResourceChanges {
		if rc == nil || seen[rc.ModuleAddress] {
			continue
		}
		seen[rc.ModuleAddress] = true
		path := moduleCallPath(rc.ModuleAddress)
		paths[path] = true
		for i := 0; i < len(path); i++ {
			if path[i] == '.' {
				paths[path[:i]] = true
			}
		}
	}
	return paths
}

// moduleCallPath drops instance keys: module.a["x"].module.b[0] → module.a.module.b.
func moduleCallPath(addr string) string {
	var b strings.Builder
	depth := 0
	inQuote := false
	for i := 0; i < len(addr); i++ {
		c := addr[i]
		switch {
		case inQuote && c == '\\':
			i++
			continue
		case c == '"' && depth > 0:
			inQuote = !inQuote
			continue
		case !inQuote && c == '[':
			depth++
			continue
		case !inQuote && c == ']':
			depth--
			continue
		}
		if depth == 0 {
			b.WriteByte(c)
		}
	}
	return b.String()
}
