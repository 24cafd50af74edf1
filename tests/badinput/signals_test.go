package badinput

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// stopBudget is how soon after SIGINT or SIGTERM letsleep must be gone:
// 2 s, plus one for a loaded 2-CPU machine; the figures are logged.
const stopBudget = 3 * time.Second

// TestSignalStopsEveryStage: SIGINT and SIGTERM stop any command, whatever
// it is doing, within the budget: blocked reading stdin or a FIFO,
// building the model and evaluating a large plan, evaluating a user policy
// that loops, drawing a graph, pricing, and running a terraform that
// ignores SIGTERM. Each exits 2, says it was interrupted, and leaves
// nothing in TMPDIR.
func TestSignalStopsEveryStage(t *testing.T) {
	t.Parallel()
	// About 5 s of CPU on an idle machine (load, model, policies): long
	// enough to be caught mid-way.
	big := busyPlan(t)
	fifo := filepath.Join(t.TempDir(), "plan.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	slow := policyDir(t, map[string]string{"slow.rego": `package letsleep.checks.team_slow

deny contains {"resource": "x", "message": "never"} if {
  xs := numbers.range(1, 2000)
  some a in xs
  some b in xs
  some c in xs
  a + b + c < 0
}
`})
	hangTF := t.TempDir()
	// A terraform that ignores SIGTERM, as one stuck in a provider may.
	if err := os.WriteFile(filepath.Join(hangTF, "terraform"), []byte("#!/bin/sh\ntrap '' TERM\nexec sleep 60\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	tfDir := t.TempDir()
	os.WriteFile(filepath.Join(tfDir, "main.tf"), []byte("output \"x\" {\n  value = 1\n}\n"), 0o644)
	tfPath := hangTF + ":/usr/bin:/bin"

	cases := []struct {
		name    string
		args    []string
		after   time.Duration
		path    *string
		blocked bool // the stage waits on input, using no CPU
	}{
		{"stdin", []string{"check", "/dev/stdin"}, 200 * time.Millisecond, nil, true},
		{"fifo", []string{"check", fifo}, 200 * time.Millisecond, nil, true},
		{"check", []string{"check", "--format", "json", big}, 300 * time.Millisecond, nil, false},
		{"policy", []string{"check", "--timeout", "10m", "--policy", slow, cleanPlan(t)}, time.Second, nil, false},
		{"graph", []string{"graph", "--format", "svg", big}, 300 * time.Millisecond, nil, false},
		{"cost", []string{"cost", big}, 300 * time.Millisecond, nil, false},
		{"terraform", []string{"check", tfDir}, 0, &tfPath, true},
	}
	for _, tc := range cases {
		for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
			t.Run(tc.name+"/"+sig.String(), func(t *testing.T) {
				t.Parallel()
				tmp := t.TempDir()
				cmd := exec.Command(bin, tc.args...)
				cmd.Env = childEnv(runOpts{path: tc.path, env: map[string]string{"TMPDIR": tmp}})
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				// stdin stays open and silent: `check /dev/stdin` blocks
				// reading it.
				pr, pw, err := os.Pipe()
				if err != nil {
					t.Fatal(err)
				}
				defer pw.Close()
				cmd.Stdin = pr
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				pr.Close()
				defer cmd.Process.Kill()
				done := make(chan struct{})
				go func() { cmd.Wait(); close(done) }()
				// A signal that lands before start-up is over kills any
				// program; wait for the stage, then a little more.
				waitStage(t, cmd.Process.Pid, done, tc.blocked, 50)
				select {
				case <-done:
					t.Fatalf("finished before the signal (exit %v): the case does not test a stage\n%s", cmd.ProcessState, tail(stderr.String()))
				case <-time.After(tc.after):
				}
				sent := time.Now()
				if err := cmd.Process.Signal(sig); err != nil {
					t.Fatal(err)
				}
				select {
				case <-done:
				case <-time.After(20 * time.Second):
					t.Fatalf("still running 20 s after %s", sig)
				}
				took := time.Since(sent)
				t.Logf("%s %s: stopped %v after the signal", tc.name, sig, took.Round(10*time.Millisecond))
				if took > stopBudget {
					t.Errorf("stopped %v after %s, want within 2 s (budget %v on a loaded machine)", took, sig, stopBudget)
				}
				if code := cmd.ProcessState.ExitCode(); code != 2 {
					t.Errorf("exit %d after %s, want 2\n%s", code, sig, tail(stderr.String()))
				}
				if !strings.Contains(stderr.String(), "letsleep: interrupted by a signal") {
					t.Errorf("stderr does not say it was interrupted:\n%s", tail(stderr.String()))
				}
				if strings.Contains(stderr.String(), "goroutine ") {
					t.Errorf("a stack dump on %s:\n%s", sig, tail(stderr.String()))
				}
				// The terraform child may take its SIGKILL a moment later.
				time.Sleep(200 * time.Millisecond)
				if left := listTree(t, tmp); len(left) > 0 {
					t.Errorf("left in TMPDIR after %s: %v", sig, left)
				}
			})
		}
	}
}

// cpuTicks is the CPU time the process has used, in clock ticks.
func cpuTicks(pid int) (int64, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	// Fields after the command name, which sits in parentheses.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0, false
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return u + s, true
}

// waitStage waits until the process is at the stage under test: for a
// blocked read, until it has stopped using CPU (started up and waiting on
// its input); for work, until it has used busyTicks of CPU (well past
// start-up, when a signal would kill any program, Go's or not).
func waitStage(t *testing.T, pid int, done <-chan struct{}, blocked bool, busyTicks int64) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	last, still := int64(-1), 0
	for time.Now().Before(deadline) {
		select {
		case <-done:
			return
		case <-time.After(100 * time.Millisecond):
		}
		ticks, ok := cpuTicks(pid)
		if !ok {
			t.Skipf("SKIP: cannot read /proc/%d/stat", pid)
		}
		if !blocked && ticks >= busyTicks {
			return
		}
		if blocked && ticks > 5 && ticks == last {
			if still++; still >= 3 {
				return
			}
		} else {
			still = 0
		}
		last = ticks
	}
	t.Fatalf("process %d did not reach the stage within 60 s", pid)
}
