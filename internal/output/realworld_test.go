package output

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/letsleep/letsleep/internal/runner"
)

// realworldPlans finds ../shared/realworld-plans ($LETSLEEP_REALWORLD_PLANS
// overrides). Missing plans fail under CI=true and skip loudly otherwise.
func realworldPlans(t *testing.T) []string {
	t.Helper()
	dir := os.Getenv("LETSLEEP_REALWORLD_PLANS")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "realworld-plans")
	}
	plans, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(plans) == 0 {
		if os.Getenv("CI") == "true" {
			t.Fatalf("no real-world plans in %s (set LETSLEEP_REALWORLD_PLANS)", dir)
		}
		t.Skipf("SKIP LOUDLY: no real-world plans in %s; set LETSLEEP_REALWORLD_PLANS to run this test", dir)
	}
	return plans
}

// On plans letsleep did not write, which come without sources, the SARIF
// validates and no two results share a fingerprint (GitHub would merge them
// into one alert).
func TestSARIFOnRealWorldPlans(t *testing.T) {
	sch := compileSARIFSchema(t)
	plans := realworldPlans(t)
	if len(plans) < 15 {
		t.Errorf("found %d real-world plans, want the 15 of ../shared/realworld-plans", len(plans))
	}
	results := 0
	for _, p := range plans {
		res, err := runner.Run(context.Background(), runner.Options{Paths: []string{p}, FailOn: "info"})
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(p), err)
			continue
		}
		out := render(t, "sarif", res.Report, Options{})
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(inst); err != nil {
			t.Errorf("%s: SARIF does not validate: %v", filepath.Base(p), err)
		}
		log := parseSARIF(t, out)
		seen := map[string]int{}
		for i, r := range log.Runs[0].Results {
			fp := r.Fingerprints["letsleep/v2"]
			if fp == "" {
				t.Errorf("%s: result %d has no fingerprint", filepath.Base(p), i)
			}
			if j, dup := seen[fp]; dup {
				t.Errorf("%s: results %d and %d share fingerprint %s", filepath.Base(p), j, i, fp)
			}
			seen[fp] = i
			results++
		}
	}
	t.Logf("%d plans, %d results, every fingerprint distinct", len(plans), results)
	if results == 0 {
		t.Error("no results at all on the real-world plans: the check proves nothing")
	}
}
