package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	rulepages "github.com/letsleep/letsleep/docs/rules"
	"github.com/letsleep/letsleep/internal/engine"
	"github.com/letsleep/letsleep/internal/runner"
)

// stackPlan has findings of every severity from critical down.
// (absolute: some tests change the working directory).
var stackPlan, _ = filepath.Abs(filepath.Join("..", "model", "testdata", "stack", "plan.json"))

// execRoot runs the whole command tree as main does and returns stdout,
// stderr-free, and the exit code.
func execRoot(t *testing.T, args ...string) (string, int) {
	t.Helper()
	root := NewRootCommand()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(io.Discard)
	root.SetArgs(args)
	err := root.Execute()
	var ee exitError
	switch {
	case err == nil:
		return out.String(), ExitClean
	case errors.As(err, &ee):
		return out.String(), ee.code
	default:
		return out.String() + err.Error(), ExitError
	}
}

func TestVersionFlag(t *testing.T) {
	out, code := execRoot(t, "--version")
	if code != 0 || out != "letsleep "+version()+"\n" {
		t.Errorf("--version: %d %q", code, out)
	}
}

func TestEnumFlagsIgnoreCase(t *testing.T) {
	out := filepath.Join(t.TempDir(), "r.json")
	if _, code := execRoot(t, "check", stackPlan, "--fail-on", "HIGH", "--format", "JSON", "--profile", "Sleep-First", "-o", out); code != ExitFindings {
		t.Fatalf("exit %d, want 1 (findings at or above high)", code)
	}
	var rep struct {
		Summary struct {
			FailOn  string `json:"fail_on"`
			Profile string
		}
	}
	b, _ := os.ReadFile(out)
	if err := json.Unmarshal(b, &rep); err != nil || rep.Summary.FailOn != "high" || rep.Summary.Profile != "sleep-first" {
		t.Errorf("summary %+v (%v)", rep.Summary, err)
	}
	msg, code := execRoot(t, "check", stackPlan, "--fail-on", "severe")
	if code != ExitError || !strings.Contains(msg, "use one of critical, high, medium, low, info, none") {
		t.Errorf("--fail-on severe: %d %s", code, msg)
	}
}

func TestFailOnNoneIsASoftFail(t *testing.T) {
	out := filepath.Join(t.TempDir(), "r.json")
	if _, code := execRoot(t, "check", stackPlan, "--fail-on", "none", "--format", "json", "-o", out); code != ExitClean {
		t.Fatalf("--fail-on none: exit %d, want 0", code)
	}
	var rep struct{ Summary struct{ Total int } }
	b, _ := os.ReadFile(out)
	if json.Unmarshal(b, &rep); rep.Summary.Total == 0 {
		t.Error("the plan has findings, yet the report shows none: --fail-on none must still report them")
	}
}

func TestExplainUnknownRuleExits2(t *testing.T) {
	msg, code := execRoot(t, "explain", referencePlan, "LSL-999")
	if code != ExitError || !strings.Contains(msg, "unknown rule LSL-999") {
		t.Errorf("explain LSL-999: %d %s", code, msg)
	}
	// A known rule without findings in this plan is fine.
	if _, code := execRoot(t, "explain", referencePlan, "LSL-004", "-o", filepath.Join(t.TempDir(), "x")); code != ExitClean {
		t.Errorf("explain LSL-004: exit %d", code)
	}
}

func TestCompletionOffersFlagValues(t *testing.T) {
	for flag, want := range map[string][]string{
		"--format":  {"table", "json", "sarif", "junit", "markdown", "github"},
		"--fail-on": {"critical", "high", "medium", "low", "info", "none"},
		"--profile": {"sleep-first", "always-on"},
	} {
		out, _ := execRoot(t, cobra.ShellCompRequestCmd, "check", flag, "")
		for _, v := range want {
			if !strings.Contains(out, v+"\n") {
				t.Errorf("completion of check %s lacks %s:\n%s", flag, v, out)
			}
		}
	}
}

func TestRulesJSONAndOneRule(t *testing.T) {
	out, code := execRoot(t, "rules", "--format", "json")
	var checks []engine.Check
	if code != 0 || json.Unmarshal([]byte(out), &checks) != nil || len(checks) < 15 {
		t.Fatalf("rules --format json: %d, %d checks:\n%s", code, len(checks), out)
	}
	page, code := execRoot(t, "rules", "lsl-001")
	if code != 0 || !strings.HasPrefix(page, "# LSL-001: ") || !strings.Contains(page, "## Fix") {
		t.Errorf("rules LSL-001: %d\n%s", code, page)
	}
	js, _ := execRoot(t, "rules", "LSL-004", "--format", "json")
	var doc struct {
		ID      string
		HelpURI string `json:"help_uri"`
	}
	if json.Unmarshal([]byte(js), &doc); doc.ID != "LSL-004" || !strings.HasSuffix(doc.HelpURI, "/docs/rules/LSL-004.md") {
		t.Errorf("rules LSL-004 --format json: %+v", doc)
	}
	if msg, code := execRoot(t, "rules", "LSL-999"); code != ExitError || !strings.Contains(msg, "unknown rule") {
		t.Errorf("rules LSL-999: %d %s", code, msg)
	}
}

// Every built-in rule has its page, with the four sections SARIF's helpUri
// promises, and there is no page for a rule that does not exist.
func TestEveryRuleHasItsPage(t *testing.T) {
	eng, err := engine.New(t.Context(), engine.Options{Profile: runner.ProfileSleepFirst})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, c := range eng.Catalogue() {
		ids[c.ID] = true
		page, ok := rulepages.Page(c.ID)
		if !ok {
			t.Errorf("%s has no page docs/rules/%s.md", c.ID, c.ID)
			continue
		}
		for _, want := range []string{"# " + c.ID + ": " + c.Title + "\n", "## What it catches", "## Why it matters", "## Example", "## Fix", "Severity **" + c.Severity + "**", "`" + c.Category + "`"} {
			if !strings.Contains(page, want) {
				t.Errorf("docs/rules/%s.md lacks %q", c.ID, want)
			}
		}
	}
	entries, _ := rulepages.Pages.ReadDir(".")
	for _, e := range entries {
		if id := strings.TrimSuffix(e.Name(), ".md"); !ids[id] {
			t.Errorf("docs/rules/%s is the page of no rule", e.Name())
		}
	}
}

func TestReportOverhead(t *testing.T) {
	var b bytes.Buffer
	reportOverhead(&b, 0, 0)
	if b.Len() != 0 {
		t.Errorf("a plan JSON check (no terraform) printed %q", b.String())
	}
	reportOverhead(&b, 9500*time.Millisecond, 9*time.Second)
	if b.String() != "time: terraform 9.0s, letsleep's own analysis 0.5s\n" {
		t.Errorf("overhead line %q", b.String())
	}
}
