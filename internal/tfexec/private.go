package tfexec

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// privateDir makes dir under the user's cache folder cache and reports
// whether each folder letsleep owns there (cache/letsleep down to dir) is
// a real directory of this user that no one else may write. Terraform
// installs provider binaries under its data dir and runs them, so a folder
// someone else could change (a cache on a shared volume, a planted
// symlink) must not hold them: the caller then uses its own temporary
// folder. A folder of ours with looser bits is made 0700.
func privateDir(cache, dir string) bool {
	rel, err := filepath.Rel(cache, dir)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return false
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return false
	}
	path := cache
	for _, part := range strings.Split(rel, string(filepath.Separator)) {
		path = filepath.Join(path, part)
		fi, err := os.Lstat(path)
		if err != nil || fi.Mode()&fs.ModeSymlink != 0 || !fi.IsDir() || !ownedByMe(fi) {
			return false
		}
		if fi.Mode().Perm()&0o077 != 0 && os.Chmod(path, 0o700) != nil {
			return false
		}
	}
	return true
}
