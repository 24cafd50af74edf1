package plangen

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// BenchSizes are the plan sizes the Go benchmarks use: 1k and 5k, or the
// comma-separated list in LETSLEEP_BENCH_SIZES (e.g. "20000,50000" to
// profile the sizes make bench times).
var BenchSizes = benchSizes(os.Getenv("LETSLEEP_BENCH_SIZES"))

func benchSizes(env string) []int {
	var out []int
	for _, f := range strings.Split(env, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(f)); err == nil && n > 0 {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return []int{1000, 5000}
	}
	return out
}

// WriteBuiltin generates a plan of at least resources resource changes from
// the embedded templates (seed 1) into dir and returns its path. Benchmarks
// in other packages call it from their setup.
func WriteBuiltin(dir string, resources int) (string, error) {
	ts, err := Builtin()
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, fmt.Sprintf("plan-%d.json", resources))
	f, err := os.Create(path)
	if err != nil {
		return "", fmt.Errorf("create plan: %w", err)
	}
	if _, err := Generate(f, ts, Options{Resources: resources, Seed: 1}); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("write plan: %w", err)
	}
	return path, nil
}

// SizeName is the sub-benchmark name of a size: 1000 → "1k".
func SizeName(n int) string {
	if n%1000 == 0 {
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}
