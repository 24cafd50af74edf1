package source

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/letsleep/letsleep/internal/readlimit"
)

func load(t *testing.T, dir string) *Config {
	t.Helper()
	c, err := Load(dir)
	if err != nil {
		t.Fatalf("Load(%s): %v", dir, err)
	}
	return c
}

func TestLocalsResolveRecursivelyToValueReferences(t *testing.T) {
	c := load(t, "testdata/basic")
	refs, ok := c.Local("fn_sg", "this_id")
	if !ok {
		t.Fatal("local.this_id not found in module fn_sg")
	}
	// The condition (var.create) decides between values and names nothing.
	want := []string{"aws_security_group.this", "var.existing_id"}
	if !slices.Equal(refs, want) {
		t.Fatalf("local.this_id refs = %q, want %q", refs, want)
	}
	refs, _ = c.Local("fn_sg", "id")
	if !slices.Equal(refs, []string{"local.this_id"}) {
		t.Fatalf("local.id refs = %q (locals are followed by the caller, one level at a time)", refs)
	}
	if _, ok := c.Local("fn_sg", "missing"); ok {
		t.Fatal("an undeclared local must not be found")
	}
}

func TestDynamicBlockContentIsReadAndIteratorStandsForForEach(t *testing.T) {
	c := load(t, "testdata/basic")
	refs, ok := c.Block("fn", "aws_lambda_function.this", "vpc_config", "subnet_ids")
	if !ok || !slices.Equal(refs, []string{"var.subnet_ids"}) {
		t.Fatalf("vpc_config.subnet_ids = %q, %v", refs, ok)
	}
	refs, _ = c.Block("fn", "aws_lambda_function.this", "vpc_config", "security_group_ids")
	if !slices.Equal(refs, []string{"var.sg_ids"}) {
		t.Fatalf("vpc_config.security_group_ids = %q", refs)
	}
	refs, ok = c.Block("fn", "data.aws_iam_policy_document.doc", "statement", "resources")
	if !ok || !slices.Equal(refs, []string{"var.statements"}) {
		t.Fatalf("statement.resources through the iterator st = %q, %v", refs, ok)
	}
	if _, ok := c.Block("fn", "aws_lambda_function.this", "vpc_config", "nope"); ok {
		t.Fatal("an absent attribute must not be found")
	}
}

func TestRootCallArgumentsAndSplats(t *testing.T) {
	c := load(t, "testdata/basic")
	root := c.Module("")
	got := valueRefs(root.Calls["fn"].Args["subnet_ids"], nil)
	if !slices.Equal(got, []string{"aws_subnet.private"}) {
		t.Fatalf("splat refs = %q", got)
	}
	got = valueRefs(root.Locals["fn_sgs"], nil)
	if !slices.Equal(got, []string{"module.fn_sg.id"}) {
		t.Fatalf("tuple refs = %q", got)
	}
}

func TestEachModuleSourceIsParsedOnce(t *testing.T) {
	c := load(t, "testdata/basic")
	if c.Module("fn_sg") == nil || c.Module("fn_sg") != c.Module("db_sg") {
		t.Fatal("two calls of ./modules/sg must share one parsed module")
	}
}

func TestRegistryModuleWithoutManifestGetsOneNotice(t *testing.T) {
	c := load(t, "testdata/basic")
	if len(c.Notices) != 1 || c.Notices[0].Module != "module.remote" || !strings.Contains(c.Notices[0].Message, "terraform init") {
		t.Fatalf("notices = %+v", c.Notices)
	}
}

func TestManifestNamesModuleFolders(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "main.tf"), `module "remote" {
  source = "terraform-aws-modules/x/aws"
}
`)
	write(t, filepath.Join(dir, ".terraform/modules/remote/main.tf"), `locals {
  a = aws_vpc.this.id
}
`)
	write(t, filepath.Join(dir, ".terraform/modules/modules.json"), `{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"remote","Source":"registry.terraform.io/terraform-aws-modules/x/aws","Dir":".terraform/modules/remote"}]}`)
	c := load(t, dir)
	if len(c.Notices) != 0 {
		t.Fatalf("notices = %+v", c.Notices)
	}
	if refs, ok := c.Local("remote", "a"); !ok || !slices.Equal(refs, []string{"aws_vpc.this.id"}) {
		t.Fatalf("local through the manifest = %q, %v", refs, ok)
	}
}

// The folder's own manifest wins over a fallback (the one a directory
// check leaves in letsleep's data folder); a fallback is read only when the
// folder has none, and a missing or empty one is skipped.
func TestOwnManifestFirstThenFallbacks(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "main.tf"), "module \"remote\" {\n  source = \"terraform-aws-modules/x/aws\"\n}\n")
	for name, ref := range map[string]string{"own": "aws_vpc.own.id", "data": "aws_vpc.data.id"} {
		write(t, filepath.Join(dir, name, "main.tf"), "locals {\n  a = "+ref+"\n}\n")
	}
	manifest := func(folder string) string {
		return `{"Modules":[{"Key":"remote","Source":"registry.terraform.io/terraform-aws-modules/x/aws","Dir":"` + folder + `"}]}`
	}
	fallback := filepath.Join(t.TempDir(), "modules.json")
	write(t, fallback, manifest(filepath.Join(dir, "data")))
	local := func(c *Config) string {
		refs, _ := c.Local("remote", "a")
		return strings.Join(refs, ",")
	}

	c, err := Load(dir, "", filepath.Join(t.TempDir(), "missing.json"), fallback)
	if err != nil {
		t.Fatal(err)
	}
	if got := local(c); got != "aws_vpc.data.id" || len(c.Notices) != 0 {
		t.Fatalf("without its own manifest: local = %q, notices %+v; want the fallback's folder", got, c.Notices)
	}

	write(t, filepath.Join(dir, ".terraform/modules/modules.json"), manifest("own"))
	if c, err = Load(dir, fallback); err != nil {
		t.Fatal(err)
	}
	if got := local(c); got != "aws_vpc.own.id" {
		t.Fatalf("with its own manifest: local = %q, want the folder's own manifest first", got)
	}
}

func TestLocateGivesBlockLinesAndRootCallSite(t *testing.T) {
	c := load(t, "testdata/basic")
	p, ok := c.Locate(`module.fn_sg.aws_security_group_rule.egress`)
	if !ok {
		t.Fatal("rule not located")
	}
	if filepath.Base(p.Block.File) != "main.tf" || p.Block.StartLine != 19 || p.Block.EndLine != 26 {
		t.Fatalf("block = %+v, want main.tf:19-26", p.Block)
	}
	if p.Call == nil || p.Call.StartLine != 5 || p.Call.EndLine != 8 {
		t.Fatalf("call = %+v, want main.tf:5-8", p.Call)
	}
	p, ok = c.Locate(`aws_subnet.private[1]`)
	if !ok || p.Call != nil || p.Block.StartLine != 26 {
		t.Fatalf("root resource = %+v, %v", p, ok)
	}
	if _, ok := c.Locate(`module.nope.aws_x.y`); ok {
		t.Fatal("an unknown module must not be located")
	}
}

func TestBadInputIsAnInputError(t *testing.T) {
	dir := t.TempDir()
	if _, err := Load(dir); !errors.Is(err, ErrInput) {
		t.Fatalf("empty folder: %v", err)
	}
	write(t, filepath.Join(dir, "main.tf"), "resource \"aws_x\" {\n")
	_, err := Load(dir)
	if !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "main.tf:") {
		t.Fatalf("syntax error: %v", err)
	}
	big := filepath.Join(t.TempDir(), "big.tf")
	write(t, big, "# "+strings.Repeat("x", MaxFileBytes)+"\n")
	_, err = Load(filepath.Dir(big))
	if !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("oversized file: %v", err)
	}
	write(t, filepath.Join(dir, "main.tf"), `module "m" {
  source = "./missing"
}
`)
	if _, err := Load(dir); !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "module.m") {
		t.Fatalf("missing module folder: %v", err)
	}
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestSourceLimitIsReadlimits: the documented default and the limit in
// force are one number, and a FIFO or device is bounded by the bytes read.
func TestSourceLimitIsReadlimits(t *testing.T) {
	if readlimit.Source.Default != int64(MaxFileBytes) {
		t.Fatalf("readlimit.Source.Default = %d, MaxFileBytes = %d: keep them one number", readlimit.Source.Default, MaxFileBytes)
	}
	dir := t.TempDir()
	if err := os.Symlink("/dev/zero", filepath.Join(dir, "main.tf")); err != nil {
		t.Fatal(err)
	}
	t.Setenv(readlimit.Source.Env, "4096")
	_, err := Load(dir)
	if !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "larger than the 4 KiB limit: set LETSLEEP_MAX_SOURCE_BYTES") {
		t.Fatalf("a .tf file on /dev/zero: %v", err)
	}
}
