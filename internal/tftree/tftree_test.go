package tftree

import (
	"os"
	"path/filepath"
	"testing"
)

func TestCopyTerraformLeavesOutLocalState(t *testing.T) {
	src, dst := t.TempDir(), filepath.Join(t.TempDir(), "copy")
	files := map[string]string{
		"main.tf":                       "# root",
		"modules/fn/main.tf":            "# module",
		".terraform/providers/x":        "cache",
		"terraform.tfstate":             "{}",
		"terraform.tfstate.backup":      "{}",
		"tfplan":                        "plan",
		".terraform.lock.hcl":           "lock",
		"modules/fn/.terraform/junk.tf": "cache",
	}
	for rel, body := range files {
		p := filepath.Join(src, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := CopyTerraform(src, dst); err != nil {
		t.Fatal(err)
	}
	for rel, body := range files {
		got, err := os.ReadFile(filepath.Join(dst, rel))
		kept := rel == "main.tf" || rel == "modules/fn/main.tf"
		switch {
		case kept && (err != nil || string(got) != body):
			t.Errorf("%s: got %q, %v; want %q copied", rel, got, err, body)
		case !kept && err == nil:
			t.Errorf("%s was copied; want it left out", rel)
		}
	}
}
