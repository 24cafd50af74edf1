package cli

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func writeString(s string) func(*os.File) error {
	return func(f *os.File) error {
		_, err := f.WriteString(s)
		return err
	}
}

func TestWriteToNewFileUsesUmask(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.json")
	if err := writeTo(path, writeString("new")); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if string(got) != "new" {
		t.Fatalf("content %q", got)
	}
	info, _ := os.Stat(path)
	if want := 0o666 &^ umask(t); runtime.GOOS != "windows" && info.Mode().Perm() != want {
		t.Errorf("new file mode %v, want %v (0666 through the umask)", info.Mode().Perm(), want)
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*letsleep-*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}
}

func TestWriteToKeepsModeOfExistingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.json")
	os.WriteFile(path, []byte("old report, longer than the new one"), 0o640)
	os.Chmod(path, 0o640)
	if err := writeTo(path, writeString("new")); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	info, _ := os.Stat(path)
	if string(got) != "new" {
		t.Errorf("content %q", got)
	}
	if runtime.GOOS != "windows" && info.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want the existing 0640 kept", info.Mode().Perm())
	}
}

func TestWriteToFailedWriteKeepsOldFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.json")
	os.WriteFile(path, []byte("old"), 0o644)
	boom := errors.New("renderer failed")
	err := writeTo(path, func(f *os.File) error {
		f.WriteString("half a rep")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err %v", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Errorf("a failed write changed the file: %q", got)
	}
}

func TestWriteToErrorNamesUserPathNotTemp(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.json")
	err := writeTo(path, func(f *os.File) error {
		f.Close() // the next write fails with an error naming f
		_, err := f.WriteString("x")
		return err
	})
	if err == nil || !strings.Contains(err.Error(), path) || strings.Contains(err.Error(), ".letsleep-") {
		t.Errorf("error should name %s and no temporary file: %v", path, err)
	}
}

func TestWriteToRefusesReadOnlyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.json")
	os.WriteFile(path, []byte("keep me"), 0o444)
	err := writeTo(path, writeString("new"))
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "read-only") {
		t.Errorf("read-only file: %v", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "keep me" {
		t.Errorf("read-only file replaced: %q", got)
	}
	if err := checkOutputPath(path); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Errorf("checkOutputPath lets a read-only file through: %v", err)
	}
}

func TestWriteToSymlinkWritesThrough(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SKIP: symlinks need privileges on windows")
	}
	dir := t.TempDir()
	target := filepath.Join(dir, "real.json")
	link := filepath.Join(dir, "link.json")
	os.WriteFile(target, []byte("old content that is longer"), 0o600)
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if err := writeTo(link, writeString("via link")); err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Lstat(link); info.Mode()&fs.ModeSymlink == 0 {
		t.Fatal("the symlink was replaced by a regular file")
	}
	if got, _ := os.ReadFile(target); string(got) != "via link" {
		t.Errorf("target holds %q", got)
	}
}

func TestCheckOutputPathRefusesInput(t *testing.T) {
	dir := t.TempDir()
	plan := filepath.Join(dir, "plan.json")
	os.WriteFile(plan, []byte("{}"), 0o644)
	// A different spelling of the same file is caught too.
	same := filepath.Join(dir, ".", "plan.json")
	if err := checkOutputPath(same, "", plan); err == nil || !strings.Contains(err.Error(), "also an input") || !strings.Contains(err.Error(), same) {
		t.Errorf("output over the input: %v", err)
	}
	if err := checkOutputPath(filepath.Join(dir, "other.json"), plan); err != nil {
		t.Errorf("a different path refused: %v", err)
	}
}

func TestCheckOutputOverPlanLeavesPlan(t *testing.T) {
	plan := filepath.Join(t.TempDir(), "plan.json")
	orig, err := os.ReadFile(referencePlan)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(plan, orig, 0o644)
	cmd := NewCheckCommand()
	cmd.SetArgs([]string{plan, "-o", plan, "--format", "json"})
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	if err := cmd.Execute(); err == nil || !strings.Contains(err.Error(), "also an input") {
		t.Fatalf("check -o plan.json plan.json: %v", err)
	}
	if got, _ := os.ReadFile(plan); string(got) != string(orig) {
		t.Error("the plan was overwritten")
	}
}
