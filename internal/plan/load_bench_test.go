package plan_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/letsleep/letsleep/internal/plan"
	"github.com/letsleep/letsleep/internal/plangen"
)

// BenchmarkLoad times plan.Load (read, validate, typed decode) on generated
// plans: the for_each plans (one module call, many instances) and the
// distinct ones (a module call and its configuration per replica). Compare
// with BenchmarkGeneric, the decode a policy reading input.plan adds.
func BenchmarkLoad(b *testing.B) {
	for _, distinct := range []bool{false, true} {
		for _, n := range plangen.BenchSizes {
			name := plangen.SizeName(n)
			if distinct {
				name += "-distinct"
			}
			b.Run(name, func(b *testing.B) {
				path := writeBenchPlan(b, n, distinct)
				setBytes(b, path)
				b.ReportAllocs()
				for b.Loop() {
					if _, err := plan.Load(context.Background(), path, plan.Options{}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func writeBenchPlan(b *testing.B, resources int, distinct bool) string {
	b.Helper()
	ts, err := plangen.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "plan.json")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if _, err := plangen.Generate(f, ts, plangen.Options{Resources: resources, Seed: 1, Distinct: distinct}); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkGeneric times (*Plan).Generic, the raw decode made only when a
// policy reads input.plan.
func BenchmarkGeneric(b *testing.B) {
	for _, n := range plangen.BenchSizes {
		b.Run(plangen.SizeName(n), func(b *testing.B) {
			path, err := plangen.WriteBuiltin(b.TempDir(), n)
			if err != nil {
				b.Fatal(err)
			}
			setBytes(b, path)
			b.ReportAllocs()
			for b.Loop() {
				p, err := plan.Load(context.Background(), path, plan.Options{})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := p.Generic(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func setBytes(b *testing.B, path string) {
	b.Helper()
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(info.Size())
}
