package badinput

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/letsleep/letsleep/internal/testtier"
)

// tfEnv is the environment for terraform runs: an empty CLI config (no
// provider is needed by these configurations) and no checkpoint calls.
func tfEnv(t *testing.T) map[string]string {
	t.Helper()
	rc := writeFile(t, "terraformrc", []byte("# letsleep badinput tests: no provider installation needed\n"))
	return map[string]string{"TF_CLI_CONFIG_FILE": rc, "CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1"}
}

func needTerraform(t *testing.T) string {
	t.Helper()
	testtier.Require(t, testtier.Terraform)
	tf, err := exec.LookPath("terraform")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("terraform not on PATH under CI=true: %v", err)
		}
		t.Skip("SKIP LOUDLY: terraform not on PATH")
	}
	return tf
}

// planIn runs terraform init and plan -out tfplan in dir.
func planIn(t *testing.T, tf, dir string, env map[string]string) {
	t.Helper()
	for _, args := range [][]string{{"init", "-input=false", "-no-color"}, {"plan", "-input=false", "-no-color", "-out", "tfplan"}} {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		cmd := exec.CommandContext(ctx, tf, args...)
		cmd.Dir = dir
		cmd.Env = childEnv(runOpts{env: env})
		out, err := cmd.CombinedOutput()
		cancel()
		if err != nil {
			t.Fatalf("terraform %v: %v\n%s", args, err, out)
		}
	}
}

// pathWithoutTerraform is a PATH holding only a directory with no terraform.
func pathWithoutTerraform(t *testing.T) *string {
	t.Helper()
	p := t.TempDir()
	return &p
}

// TestBinaryPlanWithoutTerraform: a binary plan needs terraform to read it;
// without terraform on PATH the user is told to install it or pass JSON.
func TestBinaryPlanWithoutTerraform(t *testing.T) {
	t.Parallel()
	want := inputErr{line: "letsleep: {file}: terraform not found on PATH: install terraform or pass a plan JSON"}

	t.Run("zip file that looks like a binary plan", func(t *testing.T) {
		t.Parallel()
		path := writeFile(t, "tfplan", []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00not really a plan"))
		res := run(t, runOpts{path: pathWithoutTerraform(t)}, "check", path)
		assertInputErr(t, res, path, want)
	})

	t.Run("real binary plan made by terraform", func(t *testing.T) {
		t.Parallel()
		tf := needTerraform(t)
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte("output \"greeting\" {\n  value = \"hello\"\n}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		env := tfEnv(t)
		planIn(t, tf, dir, env)
		path := filepath.Join(dir, "tfplan")
		// With terraform, the same binary plan is read.
		ok := run(t, runOpts{env: env, timeout: 2 * time.Minute}, "check", "--format", "json", path)
		if ok.code != 0 {
			t.Fatalf("binary plan with terraform on PATH: exit %d, want 0\nstderr:\n%s", ok.code, tail(ok.stderr))
		}
		res := run(t, runOpts{env: env, path: pathWithoutTerraform(t)}, "check", path)
		assertInputErr(t, res, path, want)
	})
}

// TestCorruptBinaryPlan: a file that starts like a zip but is not a plan
// goes to terraform, whose own message comes through, followed by what to do.
func TestCorruptBinaryPlan(t *testing.T) {
	t.Parallel()
	needTerraform(t)
	path := writeFile(t, "tfplan", []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00not really a plan"))
	res := run(t, runOpts{env: tfEnv(t)}, "check", path)
	assertInputErr(t, res, path, inputErr{
		contains:    []string{"letsleep: {file}: terraform could not read this binary plan: terraform show failed", "not a valid zip file", "terraform show -json {file} > plan.json"},
		maxLines:    30,
		passthrough: true,
	})
}

// TestDirectoryThatFailsToPlan: terraform's own message is passed through.
func TestDirectoryThatFailsToPlan(t *testing.T) {
	t.Parallel()
	needTerraform(t)
	cases := []struct {
		name  string
		files map[string]string
		want  inputErr
	}{
		{"HCL syntax error", map[string]string{"main.tf": "resource \"aws_vpc\" \"x\" {\n  cidr_block = \n}\n"}, inputErr{
			contains: []string{"letsleep: {file}: terraform init failed", "Invalid expression", "main.tf line 2"},
			maxLines: 30, passthrough: true}},
		{"reference to an undeclared variable", map[string]string{"main.tf": "output \"x\" {\n  value = var.missing\n}\n"}, inputErr{
			contains: []string{"letsleep: {file}: terraform plan failed", "Reference to undeclared input variable", "main.tf line 2"},
			maxLines: 30, passthrough: true}},
		{"directory without configuration", map[string]string{"README.md": "no terraform here\n"}, inputErr{
			// (?m): progress lines ("terraform init…") come first when stderr is not a terminal.
			matches:  []string{`(?m)^letsleep: \S+: terraform (init|plan) failed`, `(?i)no configuration files`},
			maxLines: 30, passthrough: true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			for name, body := range tc.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			res := run(t, runOpts{env: tfEnv(t), timeout: 2 * time.Minute}, "check", dir)
			assertInputErr(t, res, dir, tc.want)
		})
	}

	t.Run("directory without terraform on PATH", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte("output \"x\" {\n  value = 1\n}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		res := run(t, runOpts{path: pathWithoutTerraform(t)}, "check", dir)
		assertInputErr(t, res, dir, inputErr{
			line: "letsleep: {file}: terraform not found on PATH: install terraform or pass a plan JSON"})
	})
}

// TestMovedBinaryPlan: a binary plan copied away from the folder it was made
// in cannot be read by terraform (no provider schemas there); the message
// says to run terraform show -json where it was made, or to pass the JSON.
func TestMovedBinaryPlan(t *testing.T) {
	t.Parallel()
	tf := needTerraform(t)
	rc := filepath.Join(repoRoot, "build", "terraformrc")
	if _, err := os.Stat(rc); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s missing under CI=true (make deps writes it): %v", rc, err)
		}
		t.Skip("SKIP LOUDLY: build/terraformrc missing: run make deps for the offline aws provider")
	}
	made, elsewhere := t.TempDir(), t.TempDir()
	main := `provider "aws" {
  region                      = "us-east-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

resource "aws_sqs_queue" "q" {
  name = "q"
}
`
	if err := os.WriteFile(filepath.Join(made, "main.tf"), []byte(main), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"TF_CLI_CONFIG_FILE": rc, "CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1"}
	planIn(t, tf, made, env)
	plan, err := os.ReadFile(filepath.Join(made, "tfplan"))
	if err != nil {
		t.Fatal(err)
	}
	moved := filepath.Join(elsewhere, "tfplan")
	if err := os.WriteFile(moved, plan, 0o644); err != nil {
		t.Fatal(err)
	}
	res := run(t, runOpts{env: env, timeout: 2 * time.Minute}, "check", moved)
	assertInputErr(t, res, moved, inputErr{passthrough: true, maxLines: 20, contains: []string{
		"letsleep: {file}: terraform could not read this binary plan",
		"a binary plan can only be read where it was made",
		"run `terraform show -json {file} > plan.json` in that directory and pass plan.json, or pass the configuration directory",
	}})
}

// TestBigNumberInADirectory: a variable default of 1e400, which terraform
// writes into the plan JSON as a 401-digit integer, loads when letsleep
// runs terraform on the directory itself (the plan file case is
// TestPlanNumbersAndEncodings).
func TestBigNumberInADirectory(t *testing.T) {
	t.Parallel()
	needTerraform(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte("variable \"n\" {\n  default = 1e400\n}\n\noutput \"n\" {\n  value = var.n\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := run(t, runOpts{env: tfEnv(t), timeout: 2 * time.Minute}, "check", "--format", "json", dir)
	if res.code != 0 {
		t.Fatalf("directory with a 1e400 default: exit %d, want 0\nstderr:\n%s", res.code, tail(res.stderr))
	}
}
