package plangen

import (
	"fmt"
	"os"
	"path/filepath"
)

// BenchSizes are the plan sizes the Go benchmarks use; make bench adds
// 20k and 50k.
var BenchSizes = []int{1000, 5000}

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
