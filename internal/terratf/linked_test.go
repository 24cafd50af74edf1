//go:build terraform

package terratf

import (
	"reflect"
	"testing"

	"github.com/gruntwork-io/terratest/modules/logger"
)

func TestOptionsReachTerratest(t *testing.T) {
	o := &Options{
		Dir: "/x/stack", PlanFile: "/tmp/p.tfplan",
		Vars:     map[string]any{"name": "lsl-1"},
		EnvVars:  map[string]string{"TF_VAR_offline": "true"},
		PlanArgs: []string{"-refresh=false"},
	}
	got := o.terratest()
	if got.TerraformDir != o.Dir || got.PlanFilePath != o.PlanFile || !got.NoColor {
		t.Errorf("dir %q plan %q nocolor %v", got.TerraformDir, got.PlanFilePath, got.NoColor)
	}
	// Never empty: terratest would fall back to its init-time pick (tofu
	// when terraform is missing).
	if got.TerraformBinary != "terraform" {
		t.Errorf("binary %q, want terraform", got.TerraformBinary)
	}
	if !reflect.DeepEqual(got.Vars, o.Vars) || !reflect.DeepEqual(got.EnvVars, o.EnvVars) || !reflect.DeepEqual(got.ExtraArgs.Plan, o.PlanArgs) {
		t.Errorf("vars %v env %v plan args %v", got.Vars, got.EnvVars, got.ExtraArgs.Plan)
	}
	if got.Logger != nil {
		t.Errorf("a loud Options got logger %v", got.Logger)
	}
	o.Quiet, o.Binary = true, "/opt/terraform"
	got = o.terratest()
	if got.Logger != logger.Discard || got.TerraformBinary != "/opt/terraform" {
		t.Errorf("quiet: logger %v binary %q", got.Logger, got.TerraformBinary)
	}
	if !Linked {
		t.Error("Linked is false in a build with -tags terraform")
	}
}
