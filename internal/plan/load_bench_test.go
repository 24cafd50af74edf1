package plan_test

import (
	"context"
	"os"
	"testing"

	"github.com/letsleep/letsleep/internal/plan"
	"github.com/letsleep/letsleep/internal/plangen"
)

// BenchmarkLoad times plan.Load (read, validate, typed decode) on generated
// plans. Compare with BenchmarkDecodeGeneric, the bare decode floor.
func BenchmarkLoad(b *testing.B) {
	for _, n := range plangen.BenchSizes {
		b.Run(plangen.SizeName(n), func(b *testing.B) {
			path, err := plangen.WriteBuiltin(b.TempDir(), n)
			if err != nil {
				b.Fatal(err)
			}
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
