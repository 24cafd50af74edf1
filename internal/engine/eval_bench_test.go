package engine

import (
	"context"
	"runtime"
	"testing"

	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/plangen"
)

// BenchmarkEval times one Eval of the built-in checks with one prepared
// engine, on models built from generated plans: the for_each plan (named
// by size alone) and the community stacks' plan, whose many unresolved
// references make three times the findings.
func BenchmarkEval(b *testing.B) {
	ctx := context.Background()
	e, err := New(ctx, Options{})
	if err != nil {
		b.Fatal(err)
	}
	benchModels(b, func(b *testing.B, m *model.Model) {
		for b.Loop() {
			fs, err := e.Eval(ctx, m, nil)
			if err != nil {
				b.Fatal(err)
			}
			if len(fs) == 0 {
				b.Fatal("no findings on a plan that has some")
			}
		}
	})
}

var benchShapes = []struct{ prefix, shape string }{
	{"", plangen.ShapeEach},
	{"community-", plangen.ShapeCommunity},
}

// benchModels runs body as one sub-benchmark per shape and size, on the
// model of that generated plan, with the setup's garbage collected first
// (it is not the stage's cost) and allocations reported.
func benchModels(b *testing.B, body func(*testing.B, *model.Model)) {
	for _, c := range benchShapes {
		for _, n := range plangen.BenchSizes {
			b.Run(c.prefix+plangen.SizeName(n), func(b *testing.B) {
				m := generatedModel(b, n, c.shape)
				runtime.GC()
				b.ReportAllocs()
				body(b, m)
			})
		}
	}
}

// BenchmarkModelInput times turning the model into the Rego input value,
// the part of Eval that is not policy evaluation.
func BenchmarkModelInput(b *testing.B) {
	benchModels(b, func(b *testing.B, m *model.Model) {
		cpu := cpuTime()
		for b.Loop() {
			if _, err := modelValue(m); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
	})
}

// BenchmarkNew times compiling the built-in policies and preparing the query
// (paid once per run).
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(context.Background(), Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
