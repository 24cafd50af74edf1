package badinput

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

func realworldFiles(t *testing.T) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(realworldDir(t), "*.json"))
	if len(files) == 0 {
		t.Fatalf("no *.json in %s", realworldDir(t))
	}
	sort.Strings(files)
	return files
}

// TestRealworldPlansDamaged: each real-world plan, cut in half, is reported
// as truncated; its prior_state, passed alone, is reported as a state file.
func TestRealworldPlansDamaged(t *testing.T) {
	t.Parallel()
	for _, file := range realworldFiles(t) {
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(name+"/truncated", func(t *testing.T) {
			t.Parallel()
			path := writeFile(t, name+".json", data[:len(data)/2])
			res := run(t, runOpts{}, "check", path)
			assertInputErr(t, res, path, inputErr{
				line: "letsleep: {file}: truncated JSON: the file ends before the plan is complete (was it cut off?); " + howTo + " again"})
		})
		var doc struct {
			PriorState json.RawMessage `json:"prior_state"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		if len(doc.PriorState) == 0 {
			continue
		}
		t.Run(name+"/prior state as a plan", func(t *testing.T) {
			t.Parallel()
			path := writeFile(t, name+"-state.json", doc.PriorState)
			res := run(t, runOpts{}, "check", path)
			assertInputErr(t, res, path, inputErr{line: "letsleep: {file}: this is a state file, not a plan; " + howTo})
		})
	}
}
