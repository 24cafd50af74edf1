package runner

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/letsleep/letsleep/internal/source"
	"github.com/letsleep/letsleep/internal/tfexec"
)

// A directory check keeps terraform's data, and so the registry modules
// init installs, in letsleep's cache; the source reader must find them
// there, not report them as unread.
func TestDirectoryCheckReadsModulesFromTheDataDirManifest(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("HOME", cache) // darwin's UserCacheDir
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "main.tf"), "module \"remote\" {\n  source = \"terraform-aws-modules/x/aws\"\n}\n")

	cfg := dirCheckSources(t, dir)
	if len(cfg.Notices) != 1 {
		t.Fatalf("before init: notices = %+v, want the one registry-module notice", cfg.Notices)
	}

	// What terraform init leaves under TF_DATA_DIR: the manifest names the
	// module folder inside the data dir.
	if m := tfexec.ModulesManifest(dir); m != "" {
		t.Fatalf("manifest %s before any init", m)
	}
	data, ok := tfexec.CacheDataDir(dir)
	if !ok {
		t.Fatal("no cache data dir")
	}
	mod := filepath.Join(data, "modules", "remote")
	mustWrite(t, filepath.Join(mod, "main.tf"), "locals {\n  a = aws_vpc.this.id\n}\n")
	mustWrite(t, filepath.Join(data, "modules", "modules.json"),
		`{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"remote","Source":"registry.terraform.io/terraform-aws-modules/x/aws","Dir":"`+mod+`"}]}`)

	cfg = dirCheckSources(t, dir)
	if len(cfg.Notices) != 0 {
		t.Fatalf("after init: notices = %+v, want none", cfg.Notices)
	}
	if _, ok := cfg.Local("remote", "a"); !ok {
		t.Fatal("the module installed in the data dir was not read")
	}
}

// dirCheckSources reads dir's sources as a directory check does.
func dirCheckSources(t *testing.T, dir string) *source.Config {
	t.Helper()
	src, notes, err := readSources(dir, Options{}, true)
	if err != nil || len(notes) > 0 || src == nil {
		t.Fatalf("read sources of %s: %v %q", dir, err, notes)
	}
	return src.Config
}

func mustWrite(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
