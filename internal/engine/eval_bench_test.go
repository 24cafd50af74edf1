package engine

import (
	"context"
	"runtime"
	"testing"

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
	for _, c := range benchShapes {
		for _, n := range plangen.BenchSizes {
			b.Run(c.prefix+plangen.SizeName(n), func(b *testing.B) {
				m := generatedModel(b, n, c.shape)
				runtime.GC() // setup garbage is not the stage's cost
				b.ReportAllocs()
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
	}
}

var benchShapes = []struct{ prefix, shape string }{
	{"", plangen.ShapeEach},
	{"community-", plangen.ShapeCommunity},
}

// BenchmarkModelInput times turning the model into the Rego input value,
// the part of Eval that is not policy evaluation.
func BenchmarkModelInput(b *testing.B) {
	for _, c := range benchShapes {
		for _, n := range plangen.BenchSizes {
			b.Run(c.prefix+plangen.SizeName(n), func(b *testing.B) {
				m := generatedModel(b, n, c.shape)
				runtime.GC()
				b.ReportAllocs()
				cpu := processCPU()
				for b.Loop() {
					if _, err := modelValue(m); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
			})
		}
	}
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
