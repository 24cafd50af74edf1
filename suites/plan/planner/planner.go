// Package planner makes real Terraform plans offline for tests, in the style
// of terratest: PlanJSON(t, opts) fails the test, PlanJSONE returns the error.
// Plans use the local provider mirror (build/terraformrc), fake credentials,
// TF_VAR_offline=true and -refresh=false, so no AWS call is ever made.
package planner

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/gruntwork-io/terratest/modules/logger"
	"github.com/gruntwork-io/terratest/modules/terraform"
	"github.com/gruntwork-io/terratest/modules/testing"

	"github.com/letsleep/letsleep/internal/tftree"
)

// RepoRoot walks up from dir to the folder holding go.mod (tftree.RepoRoot).
func RepoRoot(dir string) (string, error) { return tftree.RepoRoot(dir) }

// CopyTerraform copies a Terraform tree without local state (tftree.CopyTerraform).
func CopyTerraform(src, dst string) error { return tftree.CopyTerraform(src, dst) }

// EnsureTerraformRC returns <root>/build/terraformrc, writing it with
// scripts/terraformrc.sh when it is missing.
func EnsureTerraformRC(root string) (string, error) {
	rc := filepath.Join(root, "build", "terraformrc")
	if _, err := os.Stat(rc); err == nil {
		return rc, nil
	}
	cmd := exec.Command(filepath.Join(root, "scripts", "terraformrc.sh"), rc)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("write %s: %w: %s", rc, err, out)
	}
	return rc, nil
}

// Options returns terraform options that plan dir offline into planFile.
// rc is the CLI config with the provider mirror (see EnsureTerraformRC).
func Options(dir, planFile, rc string) *terraform.Options {
	return &terraform.Options{
		TerraformDir: dir,
		PlanFilePath: planFile,
		NoColor:      true,
		Logger:       logger.Discard,
		EnvVars: map[string]string{
			"TF_CLI_CONFIG_FILE":    rc,
			"TF_IN_AUTOMATION":      "1",
			"TF_INPUT":              "0",
			"TF_VAR_offline":        "true",
			"AWS_ACCESS_KEY_ID":     "offline-fake",
			"AWS_SECRET_ACCESS_KEY": "offline-fake",
			"AWS_REGION":            "eu-west-1",
			// Keep a real profile or token of the caller out of offline plans.
			"AWS_PROFILE":       "",
			"AWS_SESSION_TOKEN": "",
		},
		ExtraArgs: terraform.ExtraArgs{Plan: []string{"-refresh=false"}},
	}
}

// ErrNoPlanFile means the options name no plan file to write.
var ErrNoPlanFile = errors.New("planner: options.PlanFilePath is required")

// PlanJSONE runs init, plan and `show -json` and returns the plan JSON.
// The error carries terraform's own output.
func PlanJSONE(t testing.TestingT, opts *terraform.Options) (string, error) {
	if opts.PlanFilePath == "" {
		return "", ErrNoPlanFile
	}
	if _, err := exec.LookPath(binary(opts)); err != nil {
		return "", fmt.Errorf("plan %s: terraform not found on PATH: run `make deps`: %w", opts.TerraformDir, err)
	}
	out, err := terraform.InitAndPlanAndShowE(t, opts)
	if err != nil {
		return "", fmt.Errorf("plan %s: %w", opts.TerraformDir, err)
	}
	return out, nil
}

// PlanJSON is PlanJSONE that fails the test on error.
func PlanJSON(t testing.TestingT, opts *terraform.Options) string {
	out, err := PlanJSONE(t, opts)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func binary(opts *terraform.Options) string {
	if opts.TerraformBinary != "" {
		return opts.TerraformBinary
	}
	return "terraform"
}
