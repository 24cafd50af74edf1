package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/letsleep/letsleep/internal/runner"
)

func TestWriteTimingsListsStagesOutputAndTotal(t *testing.T) {
	var b bytes.Buffer
	stages := []runner.Timing{
		{Stage: "compile policies", Took: 120 * time.Millisecond},
		{Stage: "load plan", Path: "big.json", Took: 1500 * time.Millisecond},
	}
	if err := writeTimings(&b, stages, 40*time.Millisecond, 2*time.Second); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	want := [][]string{
		{"stage", "plan", "seconds"},
		{"compile", "policies", "0.120"},
		{"load", "plan", "big.json", "1.500"},
		{"write", "output", "0.040"},
		{"total", "(wall", "clock;", "stages", "may", "overlap)", "2.000"},
	}
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(want), b.String())
	}
	for i, w := range want {
		if got := strings.Fields(lines[i]); strings.Join(got, " ") != strings.Join(w, " ") {
			t.Errorf("line %d = %q, want fields %q", i, lines[i], w)
		}
	}
}

// --timings goes to the command's stderr, never into the report.
func TestCheckTimingsFlagWritesBesideTheReport(t *testing.T) {
	report := filepath.Join(t.TempDir(), "report.json")
	root := NewRootCommand()
	var errOut bytes.Buffer
	root.SetOut(io.Discard)
	root.SetErr(&errOut)
	root.SetArgs([]string{"check", "--timings", "--format", "json", "--fail-on", "none", "-o", report, stackPlan})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var rep map[string]any
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatalf("the report is not plain JSON: %v\n%s", err, data)
	}
	for _, stage := range []string{"compile policies", "load plan", "build model", "evaluate policies", "write output", "total"} {
		if !strings.Contains(errOut.String(), stage) {
			t.Errorf("--timings output lacks %q:\n%s", stage, errOut.String())
		}
	}
}
