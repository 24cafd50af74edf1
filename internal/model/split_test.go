package model

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/letsleep/letsleep/internal/plan"
	"github.com/letsleep/letsleep/internal/plangen"
	"github.com/letsleep/letsleep/internal/source"
)

// buildJSON builds a plan's model with the network facts built beside the
// roles (split) or after them, as JSON.
func buildJSON(t *testing.T, p *plan.Plan, src Sources, split bool) string {
	t.Helper()
	old := splitMinResources
	defer func() { splitMinResources = old }()
	splitMinResources = 1 << 30
	if split {
		splitMinResources = 0
	}
	m, err := BuildWithSources(p, Config{}, src)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The split normalise stage gives the same model as the sequential one,
// warnings included, on the test stacks, the committed community stacks
// with and without their sources, and generated plans of each shape (run
// it with -race: the two goroutines must share nothing they write).
func TestSplitNormaliseGivesTheSameModel(t *testing.T) {
	type input struct {
		name string
		p    *plan.Plan
		src  Sources
	}
	var inputs []input
	fixtures, _ := filepath.Glob(filepath.Join("testdata", "*", "plan.json"))
	for _, f := range fixtures {
		p, err := plan.Load(context.Background(), f, plan.Options{})
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, input{f, p, nil})
	}
	stacks, _ := filepath.Glob(filepath.Join("..", "..", "terraform", "community", "*", "plan.json"))
	stacks = append(stacks, filepath.Join("testdata", "community", "dynvpc", "plan.json"))
	for _, f := range stacks {
		p, c := communityInputs(t, filepath.Dir(f), true)
		inputs = append(inputs, input{f + " with sources", p, c})
	}
	for _, shape := range []string{plangen.ShapeEach, plangen.ShapeDistinct, plangen.ShapeCommunity} {
		path, srcDir, err := plangen.WriteShape(t.TempDir(), "../..", 300, shape)
		if err != nil {
			t.Fatal(err)
		}
		p, err := plan.Load(context.Background(), path, plan.Options{})
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, input{"generated " + shape, p, nil})
		if srcDir != "" {
			c, err := source.Load(srcDir)
			if err != nil {
				t.Fatal(err)
			}
			inputs = append(inputs, input{"generated " + shape + " with sources", p, c})
		}
	}
	if len(inputs) < 30 {
		t.Fatalf("only %d plans found: the comparison would prove little", len(inputs))
	}
	for _, in := range inputs {
		seq := buildJSON(t, in.p, in.src, false)
		par := buildJSON(t, in.p, in.src, true)
		if seq != par {
			t.Errorf("%s: the split normalise stage changed the model:\nsequential %s\nsplit      %s", in.name, seq, par)
		}
	}
}

// BenchmarkNormaliseSplit times the normalise stage alone on the 50k
// for_each plan (LETSLEEP_BENCH_SIZES), sequential and split, so the two
// can be alternated in one process (-count).
func BenchmarkNormaliseSplit(b *testing.B) {
	for _, n := range plangen.BenchSizes {
		p := loadBenchPlan(b, n)
		for _, split := range []bool{false, true} {
			name := plangen.SizeName(n) + "/sequential"
			if split {
				name = plangen.SizeName(n) + "/split"
			}
			b.Run(name, func(b *testing.B) {
				old := splitMinResources
				defer func() { splitMinResources = old }()
				splitMinResources = 1 << 30
				if split {
					splitMinResources = 0
				}
				b.ReportAllocs()
				for b.Loop() {
					b.StopTimer()
					rx := resolve(p, nil)
					b.StartTimer()
					normalise(rx, Config{})
				}
			})
		}
	}
}
