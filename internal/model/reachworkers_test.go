package model

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/letsleep/letsleep/internal/plan"
	"github.com/letsleep/letsleep/internal/plangen"
	"github.com/letsleep/letsleep/internal/source"
)

// The function paths derived on several workers give the same model, byte
// for byte, as on one goroutine: on the generated shapes (for_each,
// distinct calls, the community stacks with their sources, wildcard
// tenants whose grants meet target sets) and on every test plan. Run with
// -race, it also shows the workers share nothing they write.
func TestReachWorkersMatchOneGoroutine(t *testing.T) {
	type planCase struct {
		name, path, src string
	}
	dir := t.TempDir()
	var cases []planCase
	for _, shape := range []string{plangen.ShapeEach, plangen.ShapeDistinct, plangen.ShapeCommunity} {
		p, src, err := plangen.WriteShape(t.TempDir(), "../..", 2000, shape)
		if err != nil {
			t.Fatalf("generate %s: %v", shape, err)
		}
		cases = append(cases, planCase{shape, p, ""})
		if src != "" {
			cases = append(cases, planCase{shape + " with sources", p, src})
		}
	}
	wild := filepath.Join(dir, "wildcard.json")
	wf, err := os.Create(wild)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := plangen.WriteWildcardTenants(wf, 120, 1); err != nil {
		t.Fatalf("generate wildcard tenants: %v", err)
	}
	if err := wf.Close(); err != nil {
		t.Fatal(err)
	}
	cases = append(cases, planCase{"wildcard tenants", wild, ""})
	cases = append(cases, planCase{"functions the plan does not place", writeUnplacedFunctions(t, dir, 3*functionChunk), ""})
	fixtures, _ := filepath.Glob("testdata/*/*/plan.json")
	more, _ := filepath.Glob("testdata/*/plan.json")
	for _, p := range append(fixtures, more...) {
		cases = append(cases, planCase{p, p, ""})
	}
	if len(cases) < 10 {
		t.Fatalf("only %d plans to compare", len(cases))
	}
	oldMin, oldWorkers := parallelFunctions, reachWorkers
	t.Cleanup(func() { parallelFunctions, reachWorkers = oldMin, oldWorkers })
	parallel := 0
	for _, c := range cases {
		p, err := plan.Load(context.Background(), c.path, plan.Options{})
		if err != nil {
			t.Fatalf("%s: load: %v", c.name, err)
		}
		var src Sources
		if c.src != "" {
			cfg, err := source.Load(c.src, "")
			if err != nil {
				t.Fatalf("%s: sources: %v", c.name, err)
			}
			src = cfg
		}
		build := func(minFunctions, workers int) []byte {
			parallelFunctions, reachWorkers = minFunctions, func() int { return workers }
			m, err := BuildWithSources(p, Config{}, src)
			if err != nil {
				t.Fatalf("%s: build: %v", c.name, err)
			}
			b, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		one := build(1<<30, 1)
		// Fixtures with fewer than two chunks of functions stay on one
		// goroutine; the count below makes sure enough plans do not.
		for _, workers := range []int{2, 3} {
			got := build(1, workers)
			if string(got) != string(one) {
				t.Errorf("%s: model on %d workers differs from one goroutine (%d vs %d bytes)", c.name, workers, len(got), len(one))
			}
		}
		if n := countFunctions(one); n >= 2*functionChunk {
			parallel++
		}
	}
	if parallel < 4 {
		t.Errorf("only %d plans had functions enough for two workers", parallel)
	}
}

func countFunctions(model []byte) int {
	var m struct{ Functions []json.RawMessage }
	_ = json.Unmarshal(model, &m)
	return len(m.Functions)
}

// writeUnplacedFunctions writes a plan of n functions in subnets the plan
// does not hold, each with a security group whose egress names something
// that is not a CIDR block: the workers warn about both.
func writeUnplacedFunctions(t *testing.T, dir string, n int) string {
	t.Helper()
	var changes []any
	add := func(typ, name string, i int, after map[string]any) {
		changes = append(changes, map[string]any{"address": fmt.Sprintf("%s.%s[%d]", typ, name, i), "mode": "managed", "type": typ, "name": name, "index": i,
			"change": map[string]any{"actions": []string{"create"}, "after": after, "after_unknown": map[string]any{}}})
	}
	for i := range n {
		sg := fmt.Sprintf("sg-%04d", i)
		add("aws_security_group", "fn", i, map[string]any{"id": sg, "vpc_id": "vpc-1",
			"egress": []any{map[string]any{"cidr_blocks": []any{fmt.Sprintf("bogus-%d", i%7)}, "from_port": 0, "to_port": 0, "protocol": "-1"}}})
		add("aws_lambda_function", "fn", i, map[string]any{"function_name": fmt.Sprintf("fn-%d", i), "role": "arn:aws:iam::123456789012:role/app",
			"vpc_config": []any{map[string]any{"subnet_ids": []any{fmt.Sprintf("subnet-gone-%d", i)}, "security_group_ids": []any{sg}}}})
	}
	data, err := json.Marshal(map[string]any{"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": changes})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "unplaced.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
