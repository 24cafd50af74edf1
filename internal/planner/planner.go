// Package planner makes real Terraform plans offline for tests, in the style
// of terratest: PlanJSON(t, opts) fails the test, PlanJSONE returns the error.
// Terraform runs through internal/terratf, so planning needs a test build
// with -tags terraform (make test passes it); a plain build gets
// terratf.ErrNotLinked. Plans use the local provider mirror
// (build/terraformrc), fake credentials, TF_VAR_offline=true and
// -refresh=false, so no AWS call is ever made.
package planner

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/gruntwork-io/terratest/modules/testing"

	"github.com/letsleep/letsleep/internal/terratf"
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
func Options(dir, planFile, rc string) *terratf.Options {
	return &terratf.Options{
		Dir:      dir,
		PlanFile: planFile,
		Quiet:    true,
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
		PlanArgs: []string{"-refresh=false"},
	}
}

// ErrNoPlanFile means the options name no plan file to write.
var ErrNoPlanFile = errors.New("planner: options.PlanFile is required")

// PlanJSONE runs init, plan and `show -json` and returns the plan JSON.
// The error carries terraform's own output.
func PlanJSONE(t testing.TestingT, opts *terratf.Options) (string, error) {
	if opts.PlanFile == "" {
		return "", ErrNoPlanFile
	}
	if _, err := exec.LookPath(opts.BinaryOrDefault()); err != nil {
		return "", fmt.Errorf("plan %s: terraform not found on PATH: run `make deps`: %w", opts.Dir, err)
	}
	out, err := terratf.InitAndPlanAndShow(t, opts)
	if err != nil {
		return "", fmt.Errorf("plan %s: %w", opts.Dir, err)
	}
	return out, nil
}

// PlanJSON is PlanJSONE that fails the test on error.
func PlanJSON(t testing.TestingT, opts *terratf.Options) string {
	out, err := PlanJSONE(t, opts)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
