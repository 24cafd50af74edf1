package source

import (
	"os"
	"path/filepath"
	"testing"
)

func writeFiles(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// A reviewer sees the root module's call: a block inside a registry module
// is named by that call's source and pinned version, and a block in a
// module nested inside it by its path from that module's folder, not by
// the nested call's "./modules/..." that only makes sense inside it.
func TestLocateNamesTheModuleByTheRootCall(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"main.tf": `module "lam" {
  source  = "terraform-aws-modules/lambda/aws"
  version = "7.20.1"
}

module "local" {
  source = "./modules/app"
}
`,
		".terraform/modules/modules.json": `{"Modules":[{"Key":"","Source":"","Dir":"."},` +
			`{"Key":"lam","Source":"registry.terraform.io/terraform-aws-modules/lambda/aws","Version":"7.20.1","Dir":".terraform/modules/lam"},` +
			`{"Key":"lam.inner","Source":"./modules/inner","Dir":".terraform/modules/lam/modules/inner"}]}`,
		".terraform/modules/lam/main.tf": `resource "aws_lambda_function" "this" {}

module "inner" {
  source = "./modules/inner"
}
`,
		".terraform/modules/lam/modules/inner/main.tf": `resource "aws_iam_role" "r" {}
`,
		"modules/app/main.tf": `resource "aws_sqs_queue" "q" {}
`,
	})
	c, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ addr, src, version, file string }{
		{"module.lam.aws_lambda_function.this[0]", "terraform-aws-modules/lambda/aws", "7.20.1", "main.tf"},
		{"module.lam.module.inner.aws_iam_role.r", "terraform-aws-modules/lambda/aws", "7.20.1", "modules/inner/main.tf"},
		{"module.local.aws_sqs_queue.q", "./modules/app", "", "main.tf"},
	} {
		p, ok := c.Locate(tc.addr)
		if !ok {
			t.Errorf("%s not located", tc.addr)
			continue
		}
		if p.ModuleSource != tc.src || p.ModuleVersion != tc.version || p.ModuleFile != tc.file {
			t.Errorf("%s: module %q version %q file %q, want %q %q %q", tc.addr, p.ModuleSource, p.ModuleVersion, p.ModuleFile, tc.src, tc.version, tc.file)
		}
		if p.Call == nil || p.Call.StartLine == 0 {
			t.Errorf("%s: no module call in the root", tc.addr)
		}
	}
}
