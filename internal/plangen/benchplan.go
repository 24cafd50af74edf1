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

// Bench shapes: the plan layouts the Go benchmarks and make bench time.
const (
	ShapeEach      = "each"      // replicas of the builtin templates under one for_each call
	ShapeDistinct  = "distinct"  // every replica its own module call
	ShapeCommunity = "community" // the terraform/community stacks, with their sources
)

// WriteShape generates a plan of at least resources resource changes in
// one of the bench shapes into dir and returns its path and, for the
// community shape, the folder of its generated sources (for --source).
// repoRoot is the letsleep checkout (the community stacks are read from
// repoRoot/terraform/community).
func WriteShape(dir, repoRoot string, resources int, shape string) (planPath, sourceDir string, err error) {
	opts := Options{Resources: resources, Seed: 1}
	var ts []*Template
	sources := map[string]string{}
	switch shape {
	case ShapeEach, ShapeDistinct:
		if ts, err = Builtin(); err != nil {
			return "", "", err
		}
		opts.Distinct = shape == ShapeDistinct
	case ShapeCommunity:
		if ts, sources, err = communityStacks(filepath.Join(repoRoot, "terraform", "community")); err != nil {
			return "", "", err
		}
		sourceDir = filepath.Join(dir, "src")
	default:
		return "", "", fmt.Errorf("unknown bench shape %q", shape)
	}
	planPath = filepath.Join(dir, fmt.Sprintf("plan-%s-%d.json", shape, resources))
	f, err := os.Create(planPath)
	if err != nil {
		return "", "", fmt.Errorf("create plan: %w", err)
	}
	if _, err := Generate(f, ts, opts); err != nil {
		f.Close()
		return "", "", err
	}
	if err := f.Close(); err != nil {
		return "", "", fmt.Errorf("write plan: %w", err)
	}
	if sourceDir != "" {
		if err := WriteSource(sourceDir, ts, sources, opts); err != nil {
			return "", "", fmt.Errorf("write sources: %w", err)
		}
	}
	return planPath, sourceDir, nil
}

// communityStacks loads every stack folder under dir that has a plan.json
// as a template, with the folder as its source.
func communityStacks(dir string) ([]*Template, map[string]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("community stacks: %w", err)
	}
	var ts []*Template
	sources := map[string]string{}
	for _, e := range entries {
		path := filepath.Join(dir, e.Name(), "plan.json")
		f, err := os.Open(path)
		if err != nil {
			continue // a stack without a committed plan
		}
		t, err := LoadTemplate(e.Name(), f)
		f.Close()
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		ts = append(ts, t)
		sources[e.Name()] = filepath.Join(dir, e.Name())
	}
	if len(ts) == 0 {
		return nil, nil, fmt.Errorf("no stack with a plan.json under %s", dir)
	}
	return ts, sources, nil
}
