package engine

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/letsleep/letsleep/internal/report"
)

// Defaults for user checks without METADATA.
const (
	DefaultCategory = "custom"
	DefaultSeverity = "medium"
)

// check is a Check with the package ref the query reads.
type check struct {
	Check
	ref ast.Ref
}

// discoverChecks finds every package under letsleep.checks that defines deny
// and reads its package-scoped METADATA.
func discoverChecks(c *ast.Compiler, srcs []source) ([]check, error) {
	builtinFile := map[string]bool{}
	for _, s := range srcs {
		builtinFile[s.file] = s.builtin
	}
	byPkg := map[string]*check{}
	for _, name := range slices.Sorted(maps.Keys(c.Modules)) {
		m := c.Modules[name]
		pkg := packageName(m.Package.Path)
		if !strings.HasPrefix(pkg+".", checksPrefix+".") || !hasDeny(m) {
			continue
		}
		ch, ok := byPkg[pkg]
		if !ok {
			ch = &check{Check: Check{Package: pkg, File: name, Builtin: builtinFile[name]}, ref: m.Package.Path.Copy()}
			byPkg[pkg] = ch
		}
		for _, a := range m.Annotations {
			if a.Scope != "package" {
				continue
			}
			if err := ch.apply(name, a); err != nil {
				return nil, err
			}
		}
	}
	out := make([]check, 0, len(byPkg))
	seen := map[string]string{}
	for _, pkg := range slices.Sorted(maps.Keys(byPkg)) {
		ch := byPkg[pkg]
		ch.fillDefaults()
		if other, dup := seen[ch.ID]; dup {
			return nil, fmt.Errorf("%w: %s: check id %s is already used by package %s; ids must be unique", ErrPolicy, ch.File, ch.ID, other)
		}
		seen[ch.ID] = ch.Package
		out = append(out, *ch)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: no checks loaded (no package under %s defines deny)", ErrPolicy, checksPrefix)
	}
	return out, nil
}

func hasDeny(m *ast.Module) bool {
	for _, r := range m.Rules {
		if isDenyRule(r) {
			return true
		}
	}
	return false
}

// apply reads one package-scoped annotation into the check.
func (ch *check) apply(file string, a *ast.Annotations) error {
	loc := file
	if a.Location != nil {
		loc = fmt.Sprintf("%s:%d", file, a.Location.Row)
	}
	if a.Title != "" {
		ch.Title = a.Title
	}
	if a.Description != "" {
		ch.Description = strings.TrimSpace(a.Description)
	}
	for key, v := range a.Custom {
		switch key {
		case "id", "category", "severity", "recommended_action":
			s, ok := v.(string)
			if !ok || strings.TrimSpace(s) == "" {
				return fmt.Errorf("%w: %s: METADATA custom.%s must be a non-empty string", ErrPolicy, loc, key)
			}
			s = strings.TrimSpace(s)
			switch key {
			case "id":
				ch.ID = s
			case "category":
				ch.Category = s
			case "severity":
				if report.Rank(s) == 0 {
					return fmt.Errorf("%w: %s: METADATA custom.severity %q is not one of %s", ErrPolicy, loc, s, strings.Join(report.Severities, ", "))
				}
				ch.Severity = s
			case "recommended_action":
				ch.Remediation = s
			}
		case "profiles":
			ps, err := profileList(v)
			if err != nil {
				return fmt.Errorf("%w: %s: METADATA custom.profiles: %v", ErrPolicy, loc, err)
			}
			ch.Profiles = ps
		}
	}
	return nil
}

func profileList(v any) ([]string, error) {
	var raw []any
	switch x := v.(type) {
	case string:
		raw = []any{x}
	case []any:
		raw = x
	default:
		return nil, fmt.Errorf("want a list of profiles (%s)", strings.Join(Profiles, ", "))
	}
	out := make([]string, 0, len(raw))
	for _, r := range raw {
		s, ok := r.(string)
		if !ok || !validProfile(s) {
			return nil, fmt.Errorf("unknown profile %v (want %s)", r, strings.Join(Profiles, " or "))
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out, nil
}

func (ch *check) fillDefaults() {
	if ch.ID == "" {
		ch.ID = ch.Package
	}
	if ch.Category == "" {
		ch.Category = DefaultCategory
	}
	if ch.Severity == "" {
		ch.Severity = DefaultSeverity
	}
	if ch.Title == "" {
		ch.Title = ch.ID
	}
}
