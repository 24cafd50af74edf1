package runner

import (
	"context"
	"fmt"
	"testing"

	"github.com/letsleep/letsleep/internal/plangen"
)

// BenchmarkCheck times the whole pipeline as `letsleep check` runs it:
// compile the policies, load the plan, build the model, evaluate, summarise.
// Sub-benchmarks: the for_each plan (named by size alone, e.g. 50k), the
// distinct-module-call plan, and the community stacks' plan without and
// with their generated sources (--source).
func BenchmarkCheck(b *testing.B) {
	cases := []struct {
		prefix, shape string
		source        bool
	}{
		{"", plangen.ShapeEach, false},
		{"distinct-", plangen.ShapeDistinct, false},
		{"community-", plangen.ShapeCommunity, false},
		{"community-source-", plangen.ShapeCommunity, true},
	}
	for _, c := range cases {
		for _, n := range plangen.BenchSizes {
			b.Run(fmt.Sprintf("%s%s", c.prefix, plangen.SizeName(n)), func(b *testing.B) {
				path, src, err := plangen.WriteShape(b.TempDir(), "../..", n, c.shape)
				if err != nil {
					b.Fatal(err)
				}
				opts := Options{Paths: []string{path}}
				if c.source {
					opts.Source = src
				}
				b.ReportAllocs()
				for b.Loop() {
					rep, err := Check(context.Background(), opts)
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
}
