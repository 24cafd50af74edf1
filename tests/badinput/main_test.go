// Package badinput runs the real letsleep binary against hostile and broken
// input and asserts the exact exit code and a clear message: letsleep never
// crashes, never hangs, and never passes silently.
package badinput

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// bin is the letsleep binary built once for the whole package.
var bin string

// binDir holds bin and the shared busy plan; removed when the tests end.
var binDir string

// repoRoot is the module root (where go.mod lives).
var repoRoot string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	root, err := findRepoRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "badinput:", err)
		return 1
	}
	repoRoot = root
	tmp, err := os.MkdirTemp("", "letsleep-badinput-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "badinput:", err)
		return 1
	}
	defer os.RemoveAll(tmp)
	binDir = tmp
	bin = filepath.Join(tmp, "letsleep")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/letsleep")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "badinput: go build ./cmd/letsleep failed: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

func findRepoRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; d != filepath.Dir(d); d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
	}
	return "", fmt.Errorf("no go.mod above %s", wd)
}

// result is what one letsleep run produced.
type result struct {
	code     int
	stdout   string
	stderr   string
	elapsed  time.Duration
	cpu      time.Duration // user + system CPU time of the child
	maxRSSKB int64         // peak resident set size of the child, in KiB
}

// runOpts tunes one run of the binary.
type runOpts struct {
	timeout time.Duration     // default 60s; a hang fails the test
	env     map[string]string // added to (or overriding) the environment
	path    *string           // when set, replaces PATH
	dir     string            // working directory
}

// run executes letsleep with args and fails the test on a hang or a crash
// (a signal, or Go's panic exit code 2 with a goroutine dump).
func run(t *testing.T, o runOpts, args ...string) result {
	t.Helper()
	if o.timeout == 0 {
		o.timeout = 60 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = o.dir
	cmd.Env = childEnv(o)
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	res := result{stdout: stdout.String(), stderr: stderr.String(), elapsed: time.Since(start)}
	if ctx.Err() != nil {
		t.Fatalf("letsleep %s hung: killed after %s\nstderr:\n%s", strings.Join(args, " "), o.timeout, tail(res.stderr))
	}
	if cmd.ProcessState == nil {
		t.Fatalf("letsleep %s did not start: %v", strings.Join(args, " "), err)
	}
	res.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		res.maxRSSKB = ru.Maxrss // Linux reports KiB
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		t.Fatalf("letsleep %s died from signal %v\nstderr:\n%s", strings.Join(args, " "), ws.Signal(), tail(res.stderr))
	}
	res.code = cmd.ProcessState.ExitCode()
	if strings.Contains(res.stderr, "panic:") || strings.Contains(res.stderr, "goroutine ") && strings.Contains(res.stderr, "[running]") {
		t.Fatalf("letsleep %s panicked (exit %d):\n%s", strings.Join(args, " "), res.code, tail(res.stderr))
	}
	return res
}

func childEnv(o runOpts) []string {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	// Keep the child quiet and offline: no colour, no checkpoint calls.
	env["NO_COLOR"] = "1"
	env["CHECKPOINT_DISABLE"] = "1"
	for k, v := range o.env {
		env[k] = v
	}
	if o.path != nil {
		env["PATH"] = *o.path
	}
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}

func tail(s string) string {
	const max = 4000
	if len(s) > max {
		return "…" + s[len(s)-max:]
	}
	return s
}

// writeFile writes data under t.TempDir() and returns its path.
func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// realworldDir finds the shared real-world plans: $LETSLEEP_REALWORLD_PLANS,
// else ../shared/realworld-plans next to the repository. Missing plans fail
// under CI=true and skip loudly otherwise.
func realworldDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("LETSLEEP_REALWORLD_PLANS")
	if dir == "" {
		dir = filepath.Join(filepath.Dir(repoRoot), "shared", "realworld-plans")
	}
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("real-world plans not found at %s (set LETSLEEP_REALWORLD_PLANS): %v", dir, err)
		}
		t.Skipf("SKIP LOUDLY: real-world plans not found at %s; set LETSLEEP_REALWORLD_PLANS to run this test", dir)
	}
	return dir
}
