// Package tftree finds the letsleep repository and copies Terraform trees.
// The AWS backend and the test suites share it, so no runtime package
// imports a test-suite package.
package tftree

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// CopyTerraform copies the regular files of a Terraform tree, leaving out
// dot-folders (.terraform), state and plan files a person may have left
// behind, so a plan of the copy never touches the working tree.
func CopyTerraform(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && rel != "." {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		name := d.Name()
		if !d.Type().IsRegular() || strings.HasPrefix(name, ".") || strings.Contains(name, "tfstate") || name == "tfplan" {
			return nil
		}
		body, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), body, 0o644)
	})
}

// RepoRoot walks up from dir to the folder holding go.mod.
func RepoRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("repo root: %w", err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("repo root: no go.mod above %s", dir)
		}
	}
}

// IsCleanExample reports whether a terraform/examples folder is a clean stack:
// one named clean-* that looks wrong but is fine by AWS semantics. It must
// report nothing at medium or above, and it is no lab mutation case.
func IsCleanExample(name string) bool { return strings.HasPrefix(name, "clean-") }
