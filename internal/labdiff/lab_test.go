//go:build linux

package labdiff

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/letsleep/letsleep/internal/lab"
	"github.com/letsleep/letsleep/internal/testtier"
)

// The lab side of every fixture: real probes give the kept matrix.
func TestFixturesLabSide(t *testing.T) {
	testtier.Require(t, testtier.Lab)
	fixtures, err := LoadFixtures("testdata/fixtures")
	if err != nil {
		t.Fatal(err)
	}
	for _, fx := range fixtures {
		t.Run(fx.Name, func(t *testing.T) {
			raw, err := fx.Plan()
			if err != nil {
				t.Fatal(err)
			}
			m, err := BuildModel(raw)
			if err != nil {
				t.Fatal(err)
			}
			in, err := ReadLab(raw, m)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			v, _, err := LabVerdicts(ctx, in, LabOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for _, mm := range fx.Mismatches(v) {
				t.Errorf("%s (fixture: %s)", mm, fx.Why)
			}
		})
	}
}

// A small random run in the lab tier (make test, CI): generate, plan
// offline, judge every cell both ways, expect no disagreement. By default
// it runs ciStacks stacks of ciSeed, whose stacks write every form the
// generator knows (TestCISeedCoversEveryForm checks that in plain go
// test); LETSLEEP_LABDIFF_SEED (a number, or "clock") and
// LETSLEEP_LABDIFF_N change them. make lab-diff runs N=200.
func TestRandomStacksAgree(t *testing.T) {
	testtier.Require(t, testtier.Lab)
	testtier.Require(t, testtier.Terraform)
	n := envInt(t, "LETSLEEP_LABDIFF_N", ciStacks)
	seed := ciSeed
	if s := os.Getenv("LETSLEEP_LABDIFF_SEED"); s == "clock" {
		seed = uint64(time.Now().UnixNano())
	} else if s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("LETSLEEP_LABDIFF_SEED: %v", err)
		}
		seed = v
	}
	root, err := lab.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("lab-diff seed %d, %d stacks (replay: make lab-diff N=%d SEED=%d)", seed, n, n, seed)
	out := testWriter{t}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	rep, err := Run(ctx, RunOptions{N: n, Seed: seed, Dir: t.TempDir(), CLIConfig: filepath.Join(root, "build", "terraformrc"), Out: out})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Cells == 0 {
		t.Fatal("no cell judged")
	}
	if len(rep.Disagreements) > 0 {
		t.Fatalf("%d disagreements with seed %d (printed above)", len(rep.Disagreements), seed)
	}
}

func envInt(t *testing.T, key string, def int) int {
	s := os.Getenv(key)
	if s == "" {
		return def
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 1 {
		t.Fatalf("%s=%q: want a positive number", key, s)
	}
	return v
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}
