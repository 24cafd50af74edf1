package engine

import (
	"context"
	"maps"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/plangen"
)

// BenchmarkEvalGroups times the policy evaluation alone: the prepared
// queries on an input converted once, and their results read back into Go,
// without the model conversion that BenchmarkEval includes.
func BenchmarkEvalGroups(b *testing.B) {
	ctx := context.Background()
	e, err := New(ctx, Options{})
	if err != nil {
		b.Fatal(err)
	}
	benchModels(b, func(b *testing.B, m *model.Model) {
		input, err := e.input(m, nil)
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC() // the conversion's garbage is not the stage's cost
		cpu := cpuTime()
		for b.Loop() {
			if _, err := e.evalGroups(ctx, input); err != nil {
				b.Fatal(err)
			}
		}
		// The groups run on separate cores: their CPU, not the wall time,
		// is what a check pays.
		b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
	})
}

// BenchmarkEachCheck times each enabled check prepared and evaluated alone
// on the same input, the measure behind checkCost.
func BenchmarkEachCheck(b *testing.B) {
	ctx := context.Background()
	e, err := New(ctx, Options{})
	if err != nil {
		b.Fatal(err)
	}
	srcs, err := loadSources(nil)
	if err != nil {
		b.Fatal(err)
	}
	mods, err := parseSources(srcs)
	if err != nil {
		b.Fatal(err)
	}
	compiler, err := compile(mods)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range benchShapes {
		for _, n := range plangen.BenchSizes {
			input, err := e.input(generatedModel(b, n, c.shape), nil)
			if err != nil {
				b.Fatal(err)
			}
			for _, pkg := range slices.Sorted(maps.Keys(e.enabled)) {
				q, err := rego.New(rego.ParsedQuery(queryBody(map[string]check{pkg: e.enabled[pkg]})), rego.Compiler(compiler)).PrepareForEval(ctx)
				if err != nil {
					b.Fatal(err)
				}
				b.Run(c.prefix+plangen.SizeName(n)+"/"+strings.TrimPrefix(pkg, "letsleep.checks."), func(b *testing.B) {
					runtime.GC()
					b.ReportAllocs()
					for b.Loop() {
						if _, err := evalQuery(ctx, q, input); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		}
	}
}
