package badinput

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestOutputInStickyDirectory: in a sticky shared folder (/tmp), --output
// onto another user's file that the caller may write is written in place
// (the folder refuses to replace it), and onto one the caller may not write
// is refused with the user's path and what to do; no temporary file is
// left behind or named. It runs the binary as nobody, so it needs root.
func TestOutputInStickyDirectory(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("SKIP LOUDLY: needs root to run letsleep as another user (nobody)")
	}
	base, err := os.MkdirTemp("", "letsleep-sticky-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(base, "letsleep")
	shared := filepath.Join(base, "shared")
	plan := filepath.Join(base, "plan.json")
	theirs := filepath.Join(shared, "theirs.json")
	locked := filepath.Join(shared, "locked.json")
	for _, err := range []error{
		os.Chmod(base, 0o755), os.WriteFile(exe, data, 0o755), os.Mkdir(shared, 0o777), os.Chmod(shared, 0o777|os.ModeSticky),
		os.WriteFile(plan, mustJSON(t, planDoc(tfRes{Addr: "aws_s3_bucket.b", Values: map[string]any{"bucket": "b"}})), 0o644),
		os.WriteFile(theirs, []byte("old"), 0o666), os.Chmod(theirs, 0o666), os.WriteFile(locked, []byte("old"), 0o644),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	asNobody := func(out string) (int, string) {
		cmd := exec.Command(exe, "check", "--format", "json", "--output", out, plan)
		cmd.Dir = shared
		cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + shared, "TMPDIR=" + shared}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), stderr.String()
		} else if err != nil {
			t.Fatalf("run as nobody: %v", err)
		}
		return 0, stderr.String()
	}
	if code, stderr := asNobody(theirs); code != 0 {
		t.Errorf("writable file of another user in a sticky folder: exit %d, want 0 (written in place)\n%s", code, stderr)
	} else if got, _ := os.ReadFile(theirs); !strings.HasPrefix(string(got), "{") {
		t.Errorf("%s holds %q, want the JSON report", theirs, got)
	}
	code, stderr := asNobody(locked)
	res := result{code: code, stderr: stderr}
	assertInputErr(t, res, locked, inputErr{contains: []string{"letsleep: write " + locked + ": permission denied"}})
	if got, _ := os.ReadFile(locked); string(got) != "old" {
		t.Errorf("%s changed to %q", locked, got)
	}
	entries, _ := os.ReadDir(shared)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".letsleep-") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}
