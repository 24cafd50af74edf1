//go:build linux

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
	"syscall"
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
	paths, err := EnsurePlans(ctx, name)
	if err != nil {
		return "", err
	}
	return paths[0], nil
}

// EnsurePlans is EnsurePlan for several names, planning the stale ones in
// one run of the script.
func EnsurePlans(ctx context.Context, names ...string) ([]string, error) {
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	var paths, stale []string
	for _, name := range names {
		path := filepath.Join(root, "build", "plans", name+".json")
		paths = append(paths, path)
		if fi, err := os.Stat(path); err != nil || newerTF(filepath.Join(root, "terraform"), fi.ModTime()) {
			stale = append(stale, name)
		}
	}
	if len(stale) == 0 {
		return paths, nil
	}
	// Planning every example (two at a time) takes a few minutes on an idle
	// 2-core machine and several times that under load.
	ctx, cancel := context.WithTimeout(ctx, 20*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(root, "scripts", "plan-fixtures.sh"), stale...)
	cmd.Dir = root
	// On cancel, stop the script's terraform processes too: killing the
	// script alone leaves them holding the output pipe, and Wait would
	// block until they end.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("plan %v with scripts/plan-fixtures.sh: %w\n%s", stale, err, tail(string(out), 2000))
	}
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			return nil, fmt.Errorf("scripts/plan-fixtures.sh wrote no %s", p)
		}
	}
	return paths, nil
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
