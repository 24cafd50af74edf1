package tfexec

import (
	"os"
	"path/filepath"
	"testing"
)

// The data dir's folders are made 0700, loosened ones are tightened, and a
// planted symlink is refused (the run then keeps terraform's data in its
// own temporary folder).
func TestPrivateDirRefusesWhatOthersCouldChange(t *testing.T) {
	cache := t.TempDir()
	d := filepath.Join(cache, "letsleep", "terraform", "abc")
	if !privateDir(cache, d) {
		t.Fatal("a fresh data dir was refused")
	}
	if err := os.Chmod(filepath.Join(cache, "letsleep"), 0o777); err != nil {
		t.Fatal(err)
	}
	if !privateDir(cache, d) {
		t.Fatal("a loosened folder of ours was refused instead of tightened")
	}
	for _, p := range []string{filepath.Join(cache, "letsleep"), d} {
		if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o700 {
			t.Errorf("%s has mode %v, want 0700", p, fi.Mode().Perm())
		}
	}
	elsewhere := t.TempDir()
	planted := filepath.Join(cache, "letsleep", "terraform", "planted")
	if err := os.Symlink(elsewhere, planted); err != nil {
		t.Fatal(err)
	}
	if privateDir(cache, planted) {
		t.Fatal("a symlinked data dir was accepted")
	}
	if privateDir(cache, filepath.Join(cache, "..", "outside")) {
		t.Fatal("a folder outside the cache was accepted")
	}
}

// A folder of another user in the path is refused (needs root to make one).
func TestPrivateDirRefusesAnotherUsersFolder(t *testing.T) {
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("making a folder of another user needs root, and CI=true forbids skipping")
		}
		t.Skip("SKIPPING LOUDLY: making a folder of another user needs root (make test runs as root in CI)")
	}
	cache := t.TempDir()
	d := filepath.Join(cache, "letsleep", "terraform", "abc")
	if err := os.MkdirAll(d, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(filepath.Join(cache, "letsleep", "terraform"), 65534, 65534); err != nil {
		t.Fatal(err)
	}
	if privateDir(cache, d) {
		t.Fatal("a folder owned by another user was accepted")
	}
}
