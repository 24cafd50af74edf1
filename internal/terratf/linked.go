//go:build terraform

package terratf

import (
	"github.com/gruntwork-io/terratest/modules/logger"
	"github.com/gruntwork-io/terratest/modules/terraform"
	"github.com/gruntwork-io/terratest/modules/testing"
)

// Linked reports whether this build links terratest's terraform module.
const Linked = true

func (o *Options) terratest() *terraform.Options {
	t := &terraform.Options{
		TerraformDir: o.Dir,
		// Always set: an empty binary would make terratest fall back to its
		// init-time pick, which may be tofu.
		TerraformBinary: o.BinaryOrDefault(),
		PlanFilePath:    o.PlanFile,
		Vars:            o.Vars,
		EnvVars:         o.EnvVars,
		NoColor:         true,
		ExtraArgs:       terraform.ExtraArgs{Plan: o.PlanArgs},
	}
	if o.Quiet {
		t.Logger = logger.Discard
	}
	return t
}

// InitAndPlanAndShow runs init, plan into o.PlanFile and `show -json`, and
// returns the plan JSON.
func InitAndPlanAndShow(t testing.TestingT, o *Options) (string, error) {
	return terraform.InitAndPlanAndShowE(t, o.terratest())
}

// InitAndApply runs init and apply.
func InitAndApply(t testing.TestingT, o *Options) error {
	_, err := terraform.InitAndApplyE(t, o.terratest())
	return err
}

// Show returns `terraform show -json` of the state.
func Show(t testing.TestingT, o *Options) (string, error) {
	return terraform.ShowE(t, o.terratest())
}

// OutputMap reads a map output.
func OutputMap(t testing.TestingT, o *Options, name string) (map[string]string, error) {
	return terraform.OutputMapE(t, o.terratest(), name)
}

// Destroy runs destroy.
func Destroy(t testing.TestingT, o *Options) error {
	_, err := terraform.DestroyE(t, o.terratest())
	return err
}
