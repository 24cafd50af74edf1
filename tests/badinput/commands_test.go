package badinput

import (
	"path/filepath"
	"strings"
	"testing"
)

// readers are the commands besides check that load a plan.
var readers = []string{"model", "graph", "cost"}

// TestOtherCommandsOnBadInput: model, graph and cost load plans through the
// same loader and must fail the same clear way.
func TestOtherCommandsOnBadInput(t *testing.T) {
	t.Parallel()
	inputs := []struct {
		name, data, line string
	}{
		{"empty", "", "letsleep: {file}: empty file: pass the output of `terraform show -json tfplan`"},
		{"state", `{"format_version":"1.0","values":{"root_module":{}}}`, "letsleep: {file}: this is a state file, not a plan; " + howTo},
		{"truncated", `{"format_version":"1.2","planned_values":{"root_module":`, "letsleep: {file}: truncated JSON: the file ends before the plan is complete (was it cut off?); " + howTo + " again"},
	}
	for _, cmd := range readers {
		for _, in := range inputs {
			t.Run(cmd+"/"+in.name, func(t *testing.T) {
				t.Parallel()
				path := writeFile(t, "plan.json", []byte(in.data))
				res := run(t, runOpts{}, cmd, path)
				assertInputErr(t, res, path, inputErr{line: in.line})
			})
		}
	}
}

// TestOtherCommandsOnRealworldPlans: the reviewer tools read every shared
// real-world plan without crashing and print something.
func TestOtherCommandsOnRealworldPlans(t *testing.T) {
	t.Parallel()
	for _, file := range realworldFiles(t) {
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		for _, cmd := range readers {
			t.Run(cmd+"/"+name, func(t *testing.T) {
				t.Parallel()
				res := run(t, runOpts{}, cmd, file)
				if res.code != 0 {
					t.Fatalf("letsleep %s %s: exit %d\nstderr:\n%s", cmd, name, res.code, tail(res.stderr))
				}
				if strings.TrimSpace(res.stdout) == "" {
					t.Errorf("letsleep %s %s printed nothing", cmd, name)
				}
			})
		}
	}
}
