package main

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/pprof/profile"
)

// TestDefaultPGOProfile checks the profile that go build optimises the
// binary with (default.pgo, written by scripts/pgo.sh) is a CPU profile of
// a check: it parses, it is long enough to weigh call sites, and every
// stage of a check is in it. A profile of something else (a test run, a
// truncated file) would make the build optimise the wrong code.
func TestDefaultPGOProfile(t *testing.T) {
	f, err := os.Open("default.pgo")
	if err != nil {
		t.Fatalf("open: %v (regenerate it with make pgo)", err)
	}
	defer f.Close()
	p, err := profile.Parse(f)
	if err != nil {
		t.Fatalf("default.pgo is not a pprof profile: %v (regenerate it with make pgo)", err)
	}
	if len(p.SampleType) < 2 || p.SampleType[1].Type != "cpu" {
		t.Fatalf("default.pgo is not a CPU profile: sample types %v", p.SampleType)
	}
	var total time.Duration
	for _, s := range p.Sample {
		total += time.Duration(s.Value[1])
	}
	if total < 5*time.Second {
		t.Errorf("default.pgo holds %v of samples; scripts/pgo.sh records about a minute", total)
	}
	stages := map[string]string{
		"load plan":         "letsleep/internal/plan.Load",
		"read sources":      "letsleep/internal/source.Load",
		"build model":       "letsleep/internal/model.BuildWithSources",
		"convert the model": "letsleep/internal/engine.modelValue",
		"compile policies":  "letsleep/internal/engine.New",
		"evaluate policies": "opa/v1/topdown.(*eval).eval",
		"run a check":       "letsleep/internal/runner.Check",
	}
	seen := map[string]bool{}
	for _, fn := range p.Function {
		for stage, name := range stages {
			if strings.HasSuffix(fn.Name, name) {
				seen[stage] = true
			}
		}
	}
	for stage, name := range stages {
		if !seen[stage] {
			t.Errorf("default.pgo has no sample in %s (%s): regenerate it with make pgo", stage, name)
		}
	}
}
