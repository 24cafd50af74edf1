package source

import (
	"os"
	"path/filepath"
	"testing"
)

const ignoredTF = `# a heading comment, not a directive
resource "aws_nat_gateway" "this" { # letsleep:ignore LSL-004 reason="on the header" expires=2099-01-01
  subnet_id = "x"
}

# Reviewed in SEC-12.
// letsleep:ignore rds-proxy reason="slash comment" expires=2099-01-01
# letsleep:ignore LSL-005 reason="second one" expires=2099-01-01
resource "aws_db_proxy" "db" {
  name = "db # letsleep:ignore LSL-005 inside a string is not a comment"
}

# letsleep:ignore LSL-009 reason="a blank line cuts it off" expires=2099-01-01

resource "aws_security_group" "open" {
  /* letsleep:ignore LSL-009 reason="inside the block, not on it" expires=2099-01-01 */
}

/* letsleep:ignore LSL-001 reason="block comment above" expires=2099-01-01 */
module "worker" {
  source = "./modules/fn"
}
`

const moduleTF = `# letsleep:ignore LSL-001 reason="in the module" expires=2099-01-01
resource "aws_lambda_function" "this" {
  function_name = "w"
}
`

func TestIgnoreCommentsAttachToTheirBlock(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, text string) {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("main.tf", ignoredTF)
	write("modules/fn/main.tf", moduleTF)
	c := load(t, dir)

	lines := func(ds []Directive) []int {
		var out []int
		for _, d := range ds {
			out = append(out, d.Range.StartLine)
		}
		return out
	}
	equal := func(name string, got []int, want ...int) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("%s: directives at lines %v, want %v", name, got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%s: directives at lines %v, want %v", name, got, want)
			}
		}
	}

	nat, _ := c.Locate("aws_nat_gateway.this[0]")
	equal("trailing comment on the header", lines(nat.Ignores), 2)
	if got := nat.Ignores[0].Text; got != `LSL-004 reason="on the header" expires=2099-01-01` {
		t.Fatalf("directive text = %q", got)
	}
	proxy, _ := c.Locate("aws_db_proxy.db")
	equal("run of comment lines above, // and #", lines(proxy.Ignores), 7, 8)
	sg, _ := c.Locate("aws_security_group.open")
	equal("cut off by a blank line; inside the body is not on the block", lines(sg.Ignores))
	fn, _ := c.Locate("module.worker.aws_lambda_function.this")
	equal("the module call's and the resource's own", lines(fn.Ignores), 19, 1)
	// Named for a reader without the module folder: the call's source and
	// the block's file inside the module.
	if fn.ModuleSource != "./modules/fn" || fn.ModuleFile != "main.tf" {
		t.Errorf("module block named by source %q file %q, want ./modules/fn and main.tf", fn.ModuleSource, fn.ModuleFile)
	}
	if nat.ModuleSource != "" || nat.ModuleFile != "" {
		t.Errorf("a root block has no module source: %q %q", nat.ModuleSource, nat.ModuleFile)
	}

	onBlocks, stray := c.Directives()
	equal("every directive on a block, once", lines(onBlocks), 7, 8, 2, 19, 1)
	equal("stray directives", lines(stray), 13, 16)
}
