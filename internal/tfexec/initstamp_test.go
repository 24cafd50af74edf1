package tfexec

import (
	"os"
	"path/filepath"
	"testing"
)

// initFixture lays out a root folder calling one local module, and a data
// directory as init leaves it (providers, modules.json), without terraform.
func initFixture(t *testing.T) (bin, dir, data, module string) {
	t.Helper()
	base := t.TempDir()
	t.Setenv("TF_CLI_CONFIG_FILE", "")
	bin = filepath.Join(base, "terraform")
	dir = filepath.Join(base, "root")
	module = filepath.Join(base, "modules", "net")
	data = filepath.Join(base, "data")
	for _, d := range []string{dir, module, filepath.Join(data, "providers"), filepath.Join(data, "modules")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write(t, bin, "#!/bin/sh\n")
	write(t, filepath.Join(dir, "main.tf"), `module "net" { source = "../modules/net" }`)
	write(t, filepath.Join(module, "main.tf"), `resource "aws_vpc" "x" {}`)
	write(t, filepath.Join(data, "modules", "modules.json"), `{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"net","Source":"../modules/net","Dir":"../modules/net"}]}`)
	// What init writes into the user's folder.
	write(t, filepath.Join(dir, ".terraform.lock.hcl"), "provider pins\n")
	return bin, dir, data, module
}

func write(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestInitSkippedOnlyWhileNothingChanged(t *testing.T) {
	bin, dir, data, module := initFixture(t)
	// The user had no lock file; init wrote one, the check removes it.
	recordInit(bin, dir, data, nil, false)
	os.Remove(filepath.Join(dir, ".terraform.lock.hcl"))

	if !initCurrent(bin, dir, data, nil, false) {
		t.Fatal("an unchanged configuration runs init again")
	}
	if b, err := os.ReadFile(filepath.Join(dir, ".terraform.lock.hcl")); err != nil || string(b) != "provider pins\n" {
		t.Fatalf("the lock file init wrote is not put back for plan: %q, %v", b, err)
	}
	os.Remove(filepath.Join(dir, ".terraform.lock.hcl"))

	cases := []struct {
		name   string
		change func()
		lock   []byte
	}{
		{"a changed module", func() { write(t, filepath.Join(module, "main.tf"), `module "x" { source = "../x" }`) }, nil},
		{"a new root file", func() { write(t, filepath.Join(dir, "extra.tf.json"), `{}`) }, nil},
		{"a user lock file", func() {}, []byte("user pins\n")},
		{"another terraform", func() { write(t, bin, "#!/bin/sh\n# a newer release\n") }, nil},
		{"providers removed", func() { os.RemoveAll(filepath.Join(data, "providers")) }, nil},
	}
	for _, c := range cases {
		bin, dir, data, module = initFixture(t)
		recordInit(bin, dir, data, nil, false)
		os.Remove(filepath.Join(dir, ".terraform.lock.hcl"))
		c.change()
		if initCurrent(bin, dir, data, c.lock, c.lock != nil) {
			t.Errorf("%s: init skipped", c.name)
		}
	}
}

func TestNoStampWithoutALockFile(t *testing.T) {
	bin, dir, data, _ := initFixture(t)
	os.Remove(filepath.Join(dir, ".terraform.lock.hcl"))
	recordInit(bin, dir, data, nil, false)
	if initCurrent(bin, dir, data, nil, false) {
		t.Error("init skipped although there is no lock file to plan with")
	}
}
