package model

import (
	"context"
	"runtime"
	"testing"

	"github.com/letsleep/letsleep/internal/plan"
	"github.com/letsleep/letsleep/internal/plangen"
)

func loadBenchPlan(b *testing.B, n int) *plan.Plan {
	b.Helper()
	path, err := plangen.WriteBuiltin(b.TempDir(), n)
	if err != nil {
		b.Fatal(err)
	}
	p, err := plan.Load(context.Background(), path, plan.Options{})
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkBuild times model.Build on a loaded plan (the plan is decoded
// once in setup): the for_each plan (named by size alone, e.g. 50k), the
// distinct module calls and the community stacks (without their sources),
// as BenchmarkCheck in internal/runner names them.
func BenchmarkBuild(b *testing.B) {
	for _, c := range []struct{ prefix, shape string }{
		{"", plangen.ShapeEach},
		{"distinct-", plangen.ShapeDistinct},
		{"community-", plangen.ShapeCommunity},
	} {
		for _, n := range plangen.BenchSizes {
			b.Run(c.prefix+plangen.SizeName(n), func(b *testing.B) {
				path, _, err := plangen.WriteShape(b.TempDir(), "../..", n, c.shape)
				if err != nil {
					b.Fatal(err)
				}
				p, err := plan.Load(context.Background(), path, plan.Options{})
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC() // setup garbage is not the stage's cost
				b.ReportAllocs()
				for b.Loop() {
					if _, err := Build(p, Config{}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkResolve times reference resolution alone: every configuration
// reference of every resource instance, resolved from its module instance
// through module outputs and input variables. The index is built in setup
// the way Build builds it.
func BenchmarkResolve(b *testing.B) {
	for _, n := range plangen.BenchSizes {
		b.Run(plangen.SizeName(n), func(b *testing.B) {
			p := loadBenchPlan(b, n)
			bl := resolve(p, nil)
			type job struct {
				mod  string
				refs []string
			}
			var jobs []job
			for _, r := range bl.ix.byAddr {
				if r.Config == nil {
					continue
				}
				for _, e := range r.Config.Expressions {
					if e != nil && e.ExpressionData != nil && len(e.References) > 0 {
						jobs = append(jobs, job{r.Module, e.References})
					}
				}
			}
			if len(jobs) < n/4 {
				b.Fatalf("only %d reference lists in a %d-resource plan", len(jobs), n)
			}
			b.ReportMetric(float64(len(jobs)), "reflists/op")
			runtime.GC()
			b.ReportAllocs()
			for b.Loop() {
				found := 0
				for _, j := range jobs {
					ts, _ := bl.ix.resolve(j.mod, j.refs)
					found += len(ts)
				}
				if found == 0 {
					b.Fatal("no reference resolved")
				}
			}
		})
	}
}
