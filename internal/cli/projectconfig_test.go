package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// inProject makes root/.letsleep.yaml with body, copies the stack plan to
// root/plan.json, and runs the test from root/a/b (the file is found by
// walking up).
func inProject(t *testing.T, body string) (root string) {
	t.Helper()
	root = t.TempDir()
	os.MkdirAll(filepath.Join(root, "a", "b"), 0o755)
	os.WriteFile(filepath.Join(root, projectConfigName), []byte(body), 0o644)
	plan, err := os.ReadFile(stackPlan)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(root, "plan.json"), plan, 0o644)
	t.Chdir(filepath.Join(root, "a", "b"))
	return root
}

type summary struct {
	Findings []struct{ Rule, Category string }
	Summary  struct {
		FailOn  string `json:"fail_on"`
		Profile string
	}
}

func checkJSON(t *testing.T, root string, args ...string) (summary, int, string) {
	t.Helper()
	out := filepath.Join(root, "r.json")
	os.Remove(out)
	msg, code := execRoot(t, append([]string{"check", filepath.Join(root, "plan.json"), "--format", "json", "-o", out}, args...)...)
	var s summary
	if b, err := os.ReadFile(out); err == nil {
		json.Unmarshal(b, &s)
	}
	return s, code, msg
}

func TestProjectConfigIsFoundAndFlagsWin(t *testing.T) {
	root := inProject(t, "fail-on: none\nprofile: always-on\nskip: [LSL-015, open-ingress]\n")
	s, code, msg := checkJSON(t, root)
	if code != ExitClean || s.Summary.FailOn != "none" || s.Summary.Profile != "always-on" {
		t.Fatalf("with .letsleep.yaml: exit %d, summary %+v %s", code, s.Summary, msg)
	}
	if len(s.Findings) == 0 {
		t.Fatal("no findings left: the test proves nothing")
	}
	for _, f := range s.Findings {
		if f.Rule == "LSL-015" || f.Category == "open-ingress" {
			t.Errorf("skipped %s (%s) still reported", f.Rule, f.Category)
		}
	}
	// A flag overrides the file.
	s, code, _ = checkJSON(t, root, "--fail-on", "high", "--skip", "LSL-012")
	if code != ExitFindings || s.Summary.FailOn != "high" {
		t.Errorf("--fail-on high over the file's none: exit %d, %+v", code, s.Summary)
	}
	for _, f := range s.Findings {
		if f.Rule == "LSL-012" {
			t.Error("--skip LSL-012 on the command line ignored")
		}
	}
	if !strings.Contains(strings.Join(rulesOf(s), ","), "LSL-015") {
		t.Errorf("--skip on the command line should replace the file's list, LSL-015 is missing: %v", rulesOf(s))
	}
}

func rulesOf(s summary) []string {
	var out []string
	for _, f := range s.Findings {
		out = append(out, f.Rule)
	}
	return out
}

func TestOnlyKeepsTheNamedChecks(t *testing.T) {
	root := inProject(t, "")
	s, _, msg := checkJSON(t, root, "--only", "lsl-007,db-never-sleeps", "--fail-on", "none")
	if len(s.Findings) == 0 {
		t.Fatalf("--only left nothing: %s", msg)
	}
	for _, f := range s.Findings {
		if f.Rule != "LSL-007" && f.Category != "db-never-sleeps" {
			t.Errorf("--only let %s (%s) through", f.Rule, f.Category)
		}
	}
	if msg, code := execRoot(t, "check", filepath.Join(root, "plan.json"), "--skip", "LSL-0O1"); code != ExitError || !strings.Contains(msg, "--skip LSL-0O1 names no check") {
		t.Errorf("misspelt --skip: %d %s", code, msg)
	}
}

func TestProjectConfigErrorsNameTheFile(t *testing.T) {
	root := inProject(t, "fail-on: high\nfailon: none\n")
	msg, code := execRoot(t, "check", filepath.Join(root, "plan.json"))
	if code != ExitError || !strings.Contains(msg, filepath.Join(root, projectConfigName)) || !strings.Contains(msg, "line 2") {
		t.Errorf("unknown key: %d %s", code, msg)
	}
	root = inProject(t, "profile: always-off\n")
	msg, code = execRoot(t, "check", filepath.Join(root, "plan.json"))
	if code != ExitError || !strings.Contains(msg, projectConfigName) || !strings.Contains(msg, "use one of sleep-first, always-on") {
		t.Errorf("bad profile in the file: %d %s", code, msg)
	}
}
