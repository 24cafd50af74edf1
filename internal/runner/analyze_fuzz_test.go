package runner_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/letsleep/letsleep/internal/plan"
	"github.com/letsleep/letsleep/internal/report"
	"github.com/letsleep/letsleep/internal/runner"
	"github.com/letsleep/letsleep/internal/tfexec"
)

// FuzzAnalyze runs the whole pipeline (load, model, every built-in policy)
// on arbitrary plan JSON. A plan the loader accepts must be analysed to the
// end: an error after loading would make the gate exit 2 on a plan terraform
// could have written. Every finding must carry a known severity, a rule and
// a resource, and be in the contract's order.
func FuzzAnalyze(f *testing.F) {
	for _, seed := range analyzeFuzzSeeds() {
		f.Add(seed)
	}
	tfexec.Binary = "letsleep-fuzz-no-terraform"
	ctx := context.Background()
	a, err := runner.NewAnalyzer(ctx, runner.Options{Paths: []string{"fuzz.json"}, Timeout: 20 * time.Second, Plan: plan.Options{MaxBytes: 1 << 20}})
	if err != nil {
		f.Fatalf("compile the built-in policies: %v", err)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "fuzz.json")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		an, err := a.Analyze(ctx, path)
		if err != nil {
			if errors.Is(err, plan.ErrInput) {
				return // rejected by the loader, with its own fuzz target
			}
			t.Fatalf("a plan the loader accepted could not be analysed: %v", err)
		}
		for i, fd := range an.Findings {
			if report.Rank(fd.Severity) == 0 || fd.Rule == "" || fd.Category == "" {
				t.Fatalf("finding without a known severity, rule or category: %+v", fd)
			}
			if i > 0 && report.Less(fd, an.Findings[i-1]) {
				t.Fatalf("findings out of order at %d", i)
			}
		}
	})
}

// analyzeFuzzSeeds: small plans in terraform's shapes plus the small shared
// real-world plans and the project's plan fixtures, when present.
func analyzeFuzzSeeds() [][]byte {
	seeds := [][]byte{
		[]byte(`{"format_version":"1.2","planned_values":{"root_module":{}}}`),
		[]byte(`{"format_version":"1.2","resource_changes":[{"address":"aws_nat_gateway.n","mode":"managed","type":"aws_nat_gateway","name":"n","change":{"actions":["create"],"after":{"subnet_id":"s"}}}]}`),
		[]byte(`{"format_version":"1.2","resource_changes":[{"address":"aws_iam_policy.p","mode":"managed","type":"aws_iam_policy","name":"p","change":{"actions":["create"],"after":{"policy":"{\"Statement\":{\"Effect\":\"Allow\",\"NotAction\":\"iam:*\",\"Resource\":\"*\"}}"}}}]}`),
		[]byte(`{"format_version":"1.2","resource_changes":[{"address":"aws_rds_cluster.db","mode":"managed","type":"aws_rds_cluster","name":"db","change":{"actions":["create"],"after":{"engine":"aurora-postgresql","engine_version":"16.1","serverlessv2_scaling_configuration":[{"min_capacity":0.5,"max_capacity":4}],"enable_http_endpoint":true}}},{"address":"aws_lambda_function_url.u","mode":"managed","type":"aws_lambda_function_url","name":"u","change":{"actions":["create"],"after":{"authorization_type":"NONE"}}}]}`),
	}
	wd, _ := os.Getwd()
	root := ""
	for d := wd; d != filepath.Dir(d); d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			root = d
			break
		}
	}
	if root == "" {
		return seeds
	}
	shared := os.Getenv("LETSLEEP_REALWORLD_PLANS")
	if shared == "" {
		shared = filepath.Join(filepath.Dir(root), "shared", "realworld-plans")
	}
	for _, g := range []string{filepath.Join(shared, "*.json"), filepath.Join(root, "build", "plans", "*.json")} {
		files, _ := filepath.Glob(g)
		sort.Strings(files)
		for _, file := range files {
			if data, err := os.ReadFile(file); err == nil && len(data) <= 32<<10 {
				seeds = append(seeds, data)
			}
		}
	}
	return seeds
}
