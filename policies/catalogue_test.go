package policies_test

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/format"

	"github.com/letsleep/letsleep/policies"
)

// documented is one row of the rule catalogue in docs/ARCHITECTURE.md.
type documented struct {
	id, file, category, severity string
	profiles                     []string
}

// readCatalogue parses the "Rule catalogue" table of docs/ARCHITECTURE.md.
func readCatalogue(t *testing.T) map[string]documented {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "docs", "ARCHITECTURE.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	row := regexp.MustCompile(`^\|\s*(LSL-\d{3})\s*\|`)
	out := map[string]documented{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !row.MatchString(line) {
			continue
		}
		cells := strings.Split(strings.Trim(line, "| "), "|")
		if len(cells) != 5 {
			t.Fatalf("ARCHITECTURE.md catalogue row has %d cells, want 5: %s", len(cells), line)
		}
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		d := documented{id: cells[0], file: cells[1], category: firstWord(cells[2]), severity: firstWord(cells[3])}
		if cells[4] != "all" {
			d.profiles = strings.Split(cells[4], ",")
		}
		out[d.id] = d
	}
	if len(out) == 0 {
		t.Fatal("no catalogue rows found in docs/ARCHITECTURE.md")
	}
	return out
}

func firstWord(s string) string { return strings.Fields(s)[0] }

var validSeverities = map[string]bool{"critical": true, "high": true, "medium": true, "low": true, "info": true}

var validProfiles = map[string]bool{"sleep-first": true, "always-on": true}

var testName = regexp.MustCompile(`^test_(deny|allow)_[a-z0-9_]+$`)

// TestCatalogue checks every built-in check against the conventions and
// against the catalogue table in docs/ARCHITECTURE.md.
func TestCatalogue(t *testing.T) {
	doc := readCatalogue(t)
	all, err := policies.All()
	if err != nil {
		t.Fatal(err)
	}
	files, err := policies.CheckFiles()
	if err != nil {
		t.Fatal(err)
	}
	documentedCategories := map[string]bool{}
	for _, d := range doc {
		documentedCategories[d.category] = true
	}
	seen := map[string]string{}
	for _, file := range files {
		name := strings.TrimSuffix(file, ".rego")
		t.Run(name, func(t *testing.T) {
			m, err := ast.ParseModuleWithOpts(file, all[file], ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := m.Package.Path.String(), "data.letsleep.checks."+name; got != want {
				t.Errorf("package %s, want %s", got, want)
			}
			a := packageAnnotation(m)
			if a == nil {
				t.Fatal("no package-scoped METADATA")
			}
			if a.Title == "" {
				t.Error("METADATA title is empty")
			}
			if !strings.Contains(a.Description, "https://") {
				t.Error("METADATA description must cite its AWS source URL")
			}
			custom := func(k string) string {
				s, _ := a.Custom[k].(string)
				return strings.TrimSpace(s)
			}
			id, category, severity := custom("id"), custom("category"), custom("severity")
			if custom("recommended_action") == "" {
				t.Error("METADATA custom.recommended_action is empty")
			}
			if !regexp.MustCompile(`^LSL-\d{3}$`).MatchString(id) {
				t.Errorf("id %q is not LSL-NNN", id)
			}
			if other, dup := seen[id]; dup {
				t.Errorf("id %s also used by %s", id, other)
			}
			seen[id] = file
			if !validSeverities[severity] {
				t.Errorf("severity %q is not valid", severity)
			}
			if !documentedCategories[category] {
				t.Errorf("category %q is not in the documented set", category)
			}
			var profiles []string
			if raw, ok := a.Custom["profiles"]; ok {
				list, _ := raw.([]any)
				if len(list) == 0 {
					t.Errorf("profiles must be a non-empty list, got %v", raw)
				}
				for _, p := range list {
					s, _ := p.(string)
					if !validProfiles[s] {
						t.Errorf("unknown profile %v", p)
					}
					profiles = append(profiles, s)
				}
			}
			d, ok := doc[id]
			if !ok {
				t.Fatalf("%s is missing from the ARCHITECTURE.md catalogue", id)
			}
			if d.file != name || d.category != category || d.severity != severity || strings.Join(d.profiles, ",") != strings.Join(profiles, ",") {
				t.Errorf("ARCHITECTURE.md says %s %s %s %v; the policy says %s %s %s %v", d.file, d.category, d.severity, d.profiles, name, category, severity, profiles)
			}
			checkTests(t, name+"_test.rego", all)
		})
	}
	for id, d := range doc {
		if _, ok := seen[id]; !ok {
			t.Errorf("ARCHITECTURE.md lists %s (%s) but no policy has that id", id, d.file)
		}
	}
}

// checkTests requires a sibling test module with deny and allow tests, all
// named test_<outcome>_<condition>.
func checkTests(t *testing.T, file string, all map[string]string) {
	src, ok := all[file]
	if !ok {
		t.Fatalf("no sibling %s", file)
	}
	m, err := ast.ParseModuleWithOpts(file, src, ast.ParserOptions{RegoVersion: ast.RegoV1})
	if err != nil {
		t.Fatal(err)
	}
	var deny, allow int
	for _, r := range m.Rules {
		n := r.Head.Name.String()
		if !strings.HasPrefix(n, "test_") {
			continue
		}
		if !testName.MatchString(n) {
			t.Errorf("%s: test %s is not named test_<deny|allow>_<condition>", file, n)
		}
		switch {
		case strings.HasPrefix(n, "test_deny_"):
			deny++
		case strings.HasPrefix(n, "test_allow_"):
			allow++
		}
	}
	if deny == 0 || allow == 0 {
		t.Errorf("%s has %d test_deny_ and %d test_allow_ tests; want at least one of each", file, deny, allow)
	}
}

func packageAnnotation(m *ast.Module) *ast.Annotations {
	for _, a := range m.Annotations {
		if a.Scope == "package" {
			return a
		}
	}
	return nil
}

// TestFormatted keeps every Rego file in `opa fmt` form.
func TestFormatted(t *testing.T) {
	all, err := policies.All()
	if err != nil {
		t.Fatal(err)
	}
	for name, src := range all {
		got, err := format.SourceWithOpts(name, []byte(src), format.Opts{RegoVersion: ast.RegoV1})
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if string(got) != src {
			t.Errorf("%s is not opa-fmt formatted (run: go run ./policies/internal/regofmt policies/*.rego policies/lib/*.rego)", name)
		}
	}
}

// TestNoVariableKeyedRules keeps multi-value and partial object rules keyed
// by a variable (`p[k] contains v`, `p[k] := v`) out of the built-in modules:
// OPA checks every new key against all earlier keys, which is quadratic on
// large plans. Build indexes with comprehensions or model.group instead.
func TestNoVariableKeyedRules(t *testing.T) {
	mods, err := policies.Modules()
	if err != nil {
		t.Fatal(err)
	}
	for name, src := range mods {
		m, err := ast.ParseModuleWithOpts(name, src, ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range m.Rules {
			ref := r.Head.Ref()
			for _, term := range ref[1:] {
				if term.IsGround() {
					continue
				}
				t.Errorf("%s:%d: rule %s is keyed by a variable; use an object comprehension or model.group", name, r.Location.Row, ref)
				break
			}
		}
	}
}
