package runner

import (
	"context"
	"testing"

	"github.com/letsleep/letsleep/internal/plangen"
)

// BenchmarkCheck times the whole pipeline as `letsleep check` runs it:
// compile the policies, load the plan, build the model, evaluate, summarise.
func BenchmarkCheck(b *testing.B) {
	for _, n := range plangen.BenchSizes {
		b.Run(plangen.SizeName(n), func(b *testing.B) {
			path, err := plangen.WriteBuiltin(b.TempDir(), n)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				rep, err := Check(context.Background(), Options{Paths: []string{path}})
				if err != nil {
					b.Fatal(err)
				}
				if len(rep.Findings) == 0 {
					b.Fatal("no findings on a plan that has some")
				}
			}
		})
	}
}
