package runner

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every stage of a run with sources is timed, on the plan it worked on,
// and the progress writer names each stage that finished.
func TestRunTimesEveryStage(t *testing.T) {
	needCommunity(t)
	path := filepath.Join(dynvpc, "plan.json")
	var progress bytes.Buffer
	res, err := Run(context.Background(), Options{Paths: []string{path}, Progress: &progress})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"compile policies":  "",
		"load plan":         path,
		"read sources":      path,
		"build model":       path,
		"match sources":     path,
		"evaluate policies": path,
	}
	seen := map[string]int{}
	for _, tm := range res.Timings {
		seen[tm.Stage]++
		p, ok := want[tm.Stage]
		if !ok {
			t.Errorf("unexpected stage %+v", tm)
			continue
		}
		if tm.Path != p {
			t.Errorf("%s: path %q, want %q", tm.Stage, tm.Path, p)
		}
		if tm.Took <= 0 {
			t.Errorf("%s: took %v", tm.Stage, tm.Took)
		}
		if !strings.Contains(progress.String(), tm.Stage) {
			t.Errorf("progress does not name %q:\n%s", tm.Stage, progress.String())
		}
	}
	for stage := range want {
		if seen[stage] != 1 {
			t.Errorf("stage %q recorded %d times, want once: %+v", stage, seen[stage], res.Timings)
		}
	}
}

// A policy, --only or waiver error is reported before the plan is read
// (a usage error must not wait for a big plan or a terraform run); with a
// good setup the plan's own error is reported.
func TestRunErrorOrderWithEarlyLoad(t *testing.T) {
	dir := t.TempDir()
	badPlan := filepath.Join(dir, "plan.json")
	badPolicy := filepath.Join(dir, "policy")
	badWaivers := filepath.Join(dir, "waivers.yaml")
	for name, body := range map[string]string{
		badPlan:                              `{"format_version": "1.2", "resource_changes": [`,
		filepath.Join(badPolicy, "bad.rego"): "package letsleep.checks.team_bad\n\ndeny contains x if {\n",
		badWaivers:                           "waivers: [[[\n",
	} {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name string
		opts Options
		want string
	}{
		{"policy", Options{PolicyDirs: []string{badPolicy}}, "load policies"},
		{"only", Options{Only: []string{"LSL-NOPE"}}, "LSL-NOPE"},
		{"waivers", Options{WaiversFile: badWaivers}, "load waivers"},
		{"plan", Options{}, badPlan},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Paths = []string{badPlan}
			_, err := Run(context.Background(), tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want one naming %q", err, tc.want)
			}
			if tc.name != "plan" && strings.Contains(err.Error(), badPlan) {
				t.Errorf("the plan was read before the setup was checked: %v", err)
			}
		})
	}
}
