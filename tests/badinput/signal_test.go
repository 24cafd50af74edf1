package badinput

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestInterruptDuringTerraform: a CI runner that cancels a job sends
// SIGTERM (a terminal sends SIGINT). letsleep, busy running terraform on a
// directory, must stop terraform, remove its temporary plan directory (a
// plan can hold secrets) and exit promptly with a non-zero code.
func TestInterruptDuringTerraform(t *testing.T) {
	t.Parallel()
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			fakeBin := t.TempDir()
			pidFile := filepath.Join(t.TempDir(), "terraform.pid")
			// A terraform that records its pid and hangs, as one stuck on a
			// provider would.
			script := "#!/bin/sh\necho $$ > " + pidFile + "\nexec sleep 120\n"
			if err := os.WriteFile(filepath.Join(fakeBin, "terraform"), []byte(script), 0o755); err != nil {
				t.Fatal(err)
			}
			tmp := t.TempDir()
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte("output \"x\" {\n  value = 1\n}\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(bin, "check", dir)
			path := fakeBin + ":/usr/bin:/bin"
			cmd.Env = childEnv(runOpts{path: &path, env: map[string]string{"TMPDIR": tmp}})
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			tfPid := waitForPid(t, pidFile, 30*time.Second)
			defer syscall.Kill(tfPid, syscall.SIGKILL)

			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(15 * time.Second):
				t.Fatalf("letsleep still running 15s after %s", sig)
			}
			t.Logf("exit: %v; stderr: %s", cmd.ProcessState, strings.TrimSpace(stderr.String()))
			if cmd.ProcessState.Success() {
				t.Errorf("letsleep exited 0 after %s: an interrupted check must not look like a clean one", sig)
			}
			// terraform must not outlive letsleep.
			gone := false
			for i := 0; i < 50 && !gone; i++ {
				gone = syscall.Kill(tfPid, 0) != nil
				if !gone {
					time.Sleep(100 * time.Millisecond)
				}
			}
			if !gone {
				t.Errorf("terraform (pid %d) still runs 5s after letsleep exited on %s", tfPid, sig)
			}
			left, _ := filepath.Glob(filepath.Join(tmp, "letsleep-*"))
			if len(left) > 0 {
				t.Errorf("letsleep left its temporary plan directory behind after %s: %v", sig, left)
			}
		})
	}
}

func waitForPid(t *testing.T, file string, limit time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(file); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
				return pid
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the fake terraform never started (no %s)", file)
	return 0
}
