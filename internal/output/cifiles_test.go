package output

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The CI integration files live at the repository root; they consume the
// sarif, github and markdown formats of this package.
var repoRoot = filepath.Join("..", "..")

type actionStep struct {
	ID    string            `yaml:"id"`
	Name  string            `yaml:"name"`
	If    string            `yaml:"if"`
	Uses  string            `yaml:"uses"`
	Run   string            `yaml:"run"`
	Shell string            `yaml:"shell"`
	With  map[string]string `yaml:"with"`
	Env   map[string]string `yaml:"env"`
	WD    string            `yaml:"working-directory"`
}

type action struct {
	Name    string                       `yaml:"name"`
	Inputs  map[string]map[string]string `yaml:"inputs"`
	Outputs map[string]map[string]string `yaml:"outputs"`
	Runs    struct {
		Using string       `yaml:"using"`
		Steps []actionStep `yaml:"steps"`
	} `yaml:"runs"`
}

var (
	inputRef  = regexp.MustCompile(`inputs\.([A-Za-z0-9_-]+)`)
	outputRef = regexp.MustCompile(`steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)`)
	outputSet = regexp.MustCompile(`(?:echo "|\boutput )([A-Za-z0-9_-]+)[= ]`)
)

func TestActionYAML(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(repoRoot, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a action
	dec := yaml.NewDecoder(strings.NewReader(string(raw)))
	if err := dec.Decode(&a); err != nil {
		t.Fatalf("action.yml is not valid YAML for an action: %v", err)
	}
	if a.Runs.Using != "composite" || len(a.Runs.Steps) == 0 {
		t.Fatalf("want a composite action with steps, got %q", a.Runs.Using)
	}
	script, err := os.ReadFile(filepath.Join(repoRoot, "scripts", "action.sh"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"plan", "directory", "var-files", "workspace", "args", "fail-on", "strict", "policy", "waivers", "sarif", "comment"} {
		if _, ok := a.Inputs[want]; !ok {
			t.Errorf("input %q missing", want)
		}
	}

	used := map[string]bool{}
	setBy := map[string]map[string]bool{} // step id -> outputs it sets
	var all strings.Builder
	for i, s := range a.Runs.Steps {
		if (s.Run == "") == (s.Uses == "") {
			t.Errorf("step %d (%s) needs exactly one of run or uses", i, s.Name)
		}
		if s.Run != "" && s.Shell == "" {
			t.Errorf("step %d (%s) runs a script without shell (composite actions require it)", i, s.Name)
		}
		if s.ID != "" {
			setBy[s.ID] = map[string]bool{}
			run := s.Run
			if strings.Contains(run, "scripts/action.sh") {
				run += string(script)
			}
			if s.Uses != "" {
				setBy[s.ID]["cache-hit"] = true // actions/cache's own output
			}
			for _, m := range outputSet.FindAllStringSubmatch(run, -1) {
				setBy[s.ID][m[1]] = true
			}
		}
		text := s.If + s.Run + s.WD
		for _, v := range s.With {
			text += " " + v
		}
		for _, v := range s.Env {
			text += " " + v
		}
		all.WriteString(text + "\n")
		for _, m := range inputRef.FindAllStringSubmatch(text, -1) {
			if _, ok := a.Inputs[m[1]]; !ok {
				t.Errorf("step %q references undefined input %q", s.Name, m[1])
			}
			used[m[1]] = true
		}
	}
	for name := range a.Inputs {
		if !used[name] {
			t.Errorf("input %q is declared but no step uses it", name)
		}
	}
	for _, o := range a.Outputs {
		all.WriteString(o["value"] + "\n")
	}
	for _, m := range outputRef.FindAllStringSubmatch(all.String(), -1) {
		if !setBy[m[1]][m[2]] {
			t.Errorf("steps.%s.outputs.%s is read but never written", m[1], m[2])
		}
	}

	// The pipeline, in order: install, the script, the upload, the exit
	// code; in the script: plan a directory, one letsleep run writing every
	// format, the job summary, the comment.
	for file, order := range map[string][]string{
		"action.yml":        {"go install", "scripts/action.sh", "upload-sarif", `exit "$CODE"`},
		"scripts/action.sh": {"init -input=false", "show -json", `"sarif=`, `"markdown=`, `"github=-"`, "GITHUB_STEP_SUMMARY", "--method PATCH"},
	} {
		body := string(raw)
		if file != "action.yml" {
			body = string(script)
		}
		pos := 0
		for _, want := range order {
			i := strings.Index(body[pos:], want)
			if i < 0 {
				t.Errorf("%s lacks %q after position %d", file, want, pos)
				continue
			}
			pos += i
		}
	}
	// Every format the script asks for must exist, and letsleep runs once.
	for _, m := range regexp.MustCompile(`-o "([a-z]+)=`).FindAllStringSubmatch(string(script), -1) {
		if err := CheckFormat(m[1]); err != nil {
			t.Errorf("scripts/action.sh uses %v", err)
		}
	}
	if n := strings.Count(string(script), `letsleep "${args[@]}"`); n != 1 {
		t.Errorf("scripts/action.sh runs letsleep check %d times, want once", n)
	}
}

func TestPreCommitHooks(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(repoRoot, ".pre-commit-hooks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var hooks []struct {
		ID            string   `yaml:"id"`
		Name          string   `yaml:"name"`
		Language      string   `yaml:"language"`
		Entry         string   `yaml:"entry"`
		Files         string   `yaml:"files"`
		PassFilenames *bool    `yaml:"pass_filenames"`
		Args          []string `yaml:"args"`
	}
	if err := yaml.Unmarshal(raw, &hooks); err != nil {
		t.Fatalf(".pre-commit-hooks.yaml: %v", err)
	}
	var ids []string
	for _, h := range hooks {
		ids = append(ids, h.ID)
		if h.Language != "golang" || h.Entry != "letsleep check" || h.Name == "" {
			t.Errorf("hook %s: language %q entry %q", h.ID, h.Language, h.Entry)
		}
		re, err := regexp.Compile(h.Files)
		if err != nil || !re.MatchString("infra/main.tf") || re.MatchString("README.md") {
			t.Errorf("hook %s: files %q must match .tf files only (err %v)", h.ID, h.Files, err)
		}
		if h.PassFilenames == nil || *h.PassFilenames {
			t.Errorf("hook %s must set pass_filenames: false (letsleep checks a plan, not files)", h.ID)
		}
		if len(h.Args) == 0 {
			t.Errorf("hook %s needs a default PATH argument", h.ID)
		}
	}
	sort.Strings(ids)
	if strings.Join(ids, ",") != "letsleep,letsleep-dir" {
		t.Errorf("hook ids = %v", ids)
	}
}
