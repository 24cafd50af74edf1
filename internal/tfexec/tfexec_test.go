package tfexec

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/letsleep/letsleep/internal/testtier"
)

// needTerraform skips (loudly) without terraform, and fails under CI=true.
func needTerraform(t *testing.T) {
	t.Helper()
	testtier.Require(t, testtier.Terraform)
	if _, err := exec.LookPath("terraform"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("terraform not on PATH and CI=true")
		}
		t.Skip("SKIPPING: terraform not on PATH")
	}
}

// A configuration without providers plans offline in a second or two.
const noProviders = `
terraform {}
variable "n" {
  type    = number
  default = 2
}
resource "terraform_data" "x" {
  count = var.n
  input = "v${count.index}"
}
output "first" { value = terraform_data.x[0].output }
`

func TestPlanDirAndShow(t *testing.T) {
	needTerraform(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(noProviders), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var progress bytes.Buffer
	out, err := PlanDir(ctx, dir, &progress)
	if err != nil {
		t.Fatalf("PlanDir: %v", err)
	}
	var doc struct {
		FormatVersion   string `json:"format_version"`
		ResourceChanges []struct {
			Address string `json:"address"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("plan JSON: %v", err)
	}
	if doc.FormatVersion == "" || len(doc.ResourceChanges) != 2 || doc.ResourceChanges[1].Address != "terraform_data.x[1]" {
		t.Errorf("plan = %+v", doc)
	}
	for _, step := range []string{"terraform init…\n", "terraform init done (", "terraform plan done (", "terraform show done ("} {
		if !strings.Contains(progress.String(), step) {
			t.Errorf("progress lacks %q:\n%s", step, progress.String())
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "tfplan")); !os.IsNotExist(err) {
		t.Error("the plan file must not be left in the configuration directory")
	}

	// A binary plan made here goes through Show.
	planFile := filepath.Join(t.TempDir(), "tfplan")
	if _, err := run(ctx, "terraform", dir, nil, nil, "plan", "-refresh=false", "-input=false", "-lock=false", "-out", planFile); err != nil {
		t.Fatal(err)
	}
	js, err := Show(ctx, planFile)
	if err != nil || !json.Valid(js) {
		t.Fatalf("Show: %v", err)
	}
}

func TestPlanDirPassesTerraformErrors(t *testing.T) {
	needTerraform(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte("resource \"terraform_data\" \"x\" {\n  input = undefined_thing\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var progress bytes.Buffer
	_, err := PlanDir(ctx, dir, &progress)
	var tfErr *Error
	if !errors.As(err, &tfErr) {
		t.Fatalf("want a terraform error, got %v", err)
	}
	if !strings.Contains(err.Error(), "terraform plan failed") || !strings.Contains(err.Error(), "undefined_thing") {
		t.Errorf("terraform's own message must pass through: %v", err)
	}
	if !strings.Contains(progress.String(), "terraform plan failed (") {
		t.Errorf("progress = %q", progress.String())
	}
}

func TestNotFound(t *testing.T) {
	old := Binary
	Binary = "terraform-that-does-not-exist"
	defer func() { Binary = old }()
	if _, err := Show(context.Background(), "x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Show without terraform: %v", err)
	}
	if _, err := PlanDir(context.Background(), t.TempDir(), nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("PlanDir without terraform: %v", err)
	}
}

func TestContextCancelStops(t *testing.T) {
	needTerraform(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	_, err := PlanDir(ctx, t.TempDir(), nil)
	if err == nil || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled PlanDir: %v", err)
	}
	if time.Since(start) > 10*time.Second {
		t.Error("cancelled PlanDir did not stop promptly")
	}
}

// TestCancelStopsAHangingTerraform: a terraform stuck on a provider is
// stopped when the context ends, and the temporary plan directory goes.
func TestCancelStopsAHangingTerraform(t *testing.T) {
	bin := t.TempDir()
	pidFile := filepath.Join(t.TempDir(), "pid")
	script := "#!/bin/sh\necho $$ > " + pidFile + "\nexec sleep 120\n"
	if err := os.WriteFile(filepath.Join(bin, "terraform"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+":/usr/bin:/bin")
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	_, err := PlanDir(ctx, t.TempDir(), nil)
	if err == nil || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("PlanDir on a hanging terraform: %v", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %s to stop", d)
	}
	data, _ := os.ReadFile(pidFile)
	pid, _ := strconv.Atoi(strings.TrimSpace(string(data)))
	if pid > 0 && syscall.Kill(pid, 0) == nil {
		syscall.Kill(pid, syscall.SIGKILL)
		t.Errorf("terraform (pid %d) still runs after cancel", pid)
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, "letsleep-plan-*")); len(left) > 0 {
		t.Errorf("temporary plan directory left behind: %v", left)
	}
}

// A directory check leaves the user's folder as it was: no .terraform, no
// lock file (init writes one for any provider), no plan file.
func TestPlanDirLeavesTheFolderAsItWas(t *testing.T) {
	testtier.Require(t, testtier.Terraform)
	needTerraform(t)
	rc, _ := filepath.Abs(filepath.Join("..", "..", "build", "terraformrc"))
	if _, err := os.Stat(rc); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s missing: run make deps", rc)
		}
		t.Skipf("SKIPPING: %s missing (make deps writes it); the AWS provider cannot be installed offline", rc)
	}
	t.Setenv("TF_CLI_CONFIG_FILE", rc)
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("HOME", cache)
	dir := t.TempDir()
	main := "terraform {\n  required_providers {\n    aws = { source = \"hashicorp/aws\" }\n  }\n}\n" + noProviders[len("\nterraform {}"):]
	os.WriteFile(filepath.Join(dir, "main.tf"), []byte(main), 0o644)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := PlanDir(ctx, dir, nil); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, ",") != "main.tf" {
		t.Errorf("the folder holds %v after the check, want only main.tf", names)
	}
	if d, _ := filepath.Glob(filepath.Join(cache, "*", "letsleep", "terraform", "*", "providers")); len(d) == 0 {
		if d, _ = filepath.Glob(filepath.Join(cache, "letsleep", "terraform", "*", "providers")); len(d) == 0 {
			t.Error("terraform's data did not go to the user's cache directory")
		}
	}
	if Spent() <= 0 {
		t.Error("Spent() does not count terraform's time")
	}

	// The second check of the unchanged folder needs no init, and still
	// leaves nothing behind.
	var progress bytes.Buffer
	ctx2, cancel2 := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel2()
	if _, err := PlanDir(ctx2, dir, &progress); err != nil {
		t.Fatalf("second check: %v\n%s", err, progress.String())
	}
	if !strings.Contains(progress.String(), "terraform init skipped") || strings.Contains(progress.String(), "terraform init…") {
		t.Errorf("second check of an unchanged folder:\n%s", progress.String())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the folder holds %d entries after the second check, want only main.tf", len(entries))
	}
}

func TestKeepLockFile(t *testing.T) {
	dir := t.TempDir()
	lock := filepath.Join(dir, ".terraform.lock.hcl")
	restore := keepLockFile(lock)
	os.WriteFile(lock, []byte("written by init"), 0o644)
	restore()
	if _, err := os.Stat(lock); !os.IsNotExist(err) {
		t.Error("a lock file init created is left behind")
	}
	os.WriteFile(lock, []byte("the user's pins"), 0o644)
	restore = keepLockFile(lock)
	os.WriteFile(lock, []byte("rewritten by init"), 0o644)
	restore()
	if b, _ := os.ReadFile(lock); string(b) != "the user's pins" {
		t.Errorf("the user's lock file holds %q after the check", b)
	}
}
