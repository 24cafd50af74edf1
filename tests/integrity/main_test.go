// Package integrity checks the letsleep binary's outputs as a CI system
// consumes them: SARIF validates against the SARIF 2.1.0 schema, JUnit is
// well-formed XML, and JSON is byte-identical across runs and GOMAXPROCS.
package integrity

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

var (
	bin      string // the letsleep binary, built once
	repoRoot string
)

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	wd, err := os.Getwd()
	if err != nil {
		fmt.Fprintln(os.Stderr, "integrity:", err)
		return 1
	}
	for d := wd; d != filepath.Dir(d); d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			repoRoot = d
			break
		}
	}
	if repoRoot == "" {
		fmt.Fprintln(os.Stderr, "integrity: no go.mod above", wd)
		return 1
	}
	tmp, err := os.MkdirTemp("", "letsleep-integrity-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "integrity:", err)
		return 1
	}
	defer os.RemoveAll(tmp)
	bin = filepath.Join(tmp, "letsleep")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/letsleep")
	build.Dir = repoRoot
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "integrity: go build ./cmd/letsleep failed: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// run executes letsleep with extra environment and returns stdout and the
// exit code; exit 2 or a hang fails the test.
func run(t *testing.T, env []string, args ...string) ([]byte, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(append(os.Environ(), "NO_COLOR=1"), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	_ = cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("letsleep %s hung", strings.Join(args, " "))
	}
	code := cmd.ProcessState.ExitCode()
	if code != 0 && code != 1 {
		t.Fatalf("letsleep %s: exit %d\nstderr:\n%s", strings.Join(args, " "), code, stderr.String())
	}
	return stdout.Bytes(), code
}

// realworldPlans lists the shared real-world plans; missing plans fail
// under CI=true and skip loudly otherwise.
func realworldPlans(t *testing.T) []string {
	t.Helper()
	dir := os.Getenv("LETSLEEP_REALWORLD_PLANS")
	if dir == "" {
		dir = filepath.Join(filepath.Dir(repoRoot), "shared", "realworld-plans")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) == 0 {
		if os.Getenv("CI") == "true" {
			t.Fatalf("no real-world plans in %s (set LETSLEEP_REALWORLD_PLANS)", dir)
		}
		t.Skipf("SKIP LOUDLY: no real-world plans in %s; set LETSLEEP_REALWORLD_PLANS to run this test", dir)
	}
	sort.Strings(files)
	return files
}

// inputs are the runs these tests check: each real-world plan alone, and
// one multi-plan run over all of them.
type input struct {
	name  string
	paths []string
}

func inputs(t *testing.T) []input {
	plans := realworldPlans(t)
	var out []input
	for _, p := range plans {
		out = append(out, input{name: strings.TrimSuffix(filepath.Base(p), ".json"), paths: []string{p}})
	}
	return append(out, input{name: "multi-plan", paths: plans})
}
