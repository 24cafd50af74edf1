package awsbackend

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/letsleep/letsleep/internal/tftree"
)

func TestBuildProbeZip(t *testing.T) {
	root, err := tftree.RepoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.zip"), filepath.Join(dir, "b.zip")
	for _, out := range []string{a, b} {
		if err := BuildProbeZip(context.Background(), root, "arm64", out); err != nil {
			t.Fatal(err)
		}
	}
	za, _ := os.ReadFile(a)
	zb, _ := os.ReadFile(b)
	if !bytes.Equal(za, zb) {
		t.Fatal("two builds of the same tree gave different zips")
	}
	zr, err := zip.OpenReader(a)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	if len(zr.File) != 1 || zr.File[0].Name != "bootstrap" || zr.File[0].Mode().Perm() != 0o755 {
		t.Fatalf("zip holds %v, want only an executable bootstrap", zr.File)
	}
	f, _ := zr.File[0].Open()
	head := make([]byte, 20)
	f.Read(head)
	f.Close()
	// ELF, 64-bit, little endian, machine 0xB7 (aarch64) at offset 18.
	if string(head[1:4]) != "ELF" || head[18] != 0xB7 {
		t.Fatalf("bootstrap is not an arm64 ELF: % x", head)
	}
	if err := BuildProbeZip(context.Background(), root, "sparc", filepath.Join(dir, "c.zip")); err == nil {
		t.Fatal("unknown architecture accepted")
	}
}
