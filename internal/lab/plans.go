package lab

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// RepoRoot walks up from the working directory to the letsleep module root.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.Contains(string(b), "module github.com/letsleep/letsleep\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the letsleep repository (no go.mod of github.com/letsleep/letsleep above the working directory)")
		}
		dir = parent
	}
}

// EnsurePlan returns build/plans/<name>.json for the reference stack
// ("reference") or an example, planning it offline with
// scripts/plan-fixtures.sh when it is missing or older than any .tf file
// under terraform/.
func EnsurePlan(ctx context.Context, name string) (string, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	path := filepath.Join(root, "build", "plans", name+".json")
	if fi, err := os.Stat(path); err == nil && !newerTF(filepath.Join(root, "terraform"), fi.ModTime()) {
		return path, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(root, "scripts", "plan-fixtures.sh"), name)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("plan %s with scripts/plan-fixtures.sh: %w\n%s", name, err, tail(string(out), 2000))
	}
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("scripts/plan-fixtures.sh %s wrote no %s", name, path)
	}
	return path, nil
}

// newerTF reports whether any .tf file under dir changed after t.
func newerTF(dir string, t time.Time) bool {
	newer := false
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || newer {
			return nil
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".tf") {
			if fi, err := d.Info(); err == nil && fi.ModTime().After(t) {
				newer = true
			}
		}
		return nil
	})
	return newer
}
