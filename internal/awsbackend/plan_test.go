package awsbackend

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/planner"
	"github.com/letsleep/letsleep/internal/testtier"
)

// The glue New runs before it applies anything, on the real reference
// stack, offline: copy the tree, plan with the run's variables, build the
// model, and find every model function in the stack's values by address.
func TestPlanModelAndAddressJoinOnTheReferenceStack(t *testing.T) {
	testtier.Require(t, testtier.Terraform)
	root, err := planner.RepoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	rc, err := planner.EnsureTerraformRC(root)
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	if err := planner.CopyTerraform(filepath.Join(root, "terraform"), filepath.Join(work, "terraform")); err != nil {
		t.Fatal(err)
	}
	b := &Backend{t: t, workDir: work, opts: Options{StackDir: "terraform/stacks/reference"}}
	b.stackTF = tfOptions(filepath.Join(work, "terraform/stacks/reference"), map[string]any{
		"name": "lsl-test01", "region": "eu-central-1", "package_dir": filepath.Join(work, "packages"),
		"azs": []string{"eu-central-1a", "eu-central-1b"},
	})
	offline := planner.Options("", "", rc)
	for k, v := range offline.EnvVars {
		b.stackTF.EnvVars[k] = v
	}
	b.stackTF.EnvVars["AWS_REGION"] = "eu-central-1"
	b.stackTF.PlanArgs = offline.PlanArgs
	b.stackTF.Quiet = true

	m, err := b.planModel(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	roles := map[string]bool{}
	for _, f := range m.Functions {
		roles[f.Role] = true
	}
	for _, r := range []string{model.RoleControl, model.RoleEgress, model.RoleHot, model.RoleWarmup} {
		if !roles[r] {
			t.Errorf("model of the reference stack has no %s function: %v", r, roles)
		}
	}

	// planned_values has the shape of state values: the join by address
	// that TwinTargets does after apply must find every model function.
	planJSON, err := os.ReadFile(filepath.Join(work, "stack.plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	var p tfjson.Plan
	if err := json.Unmarshal(planJSON, &p); err != nil {
		t.Fatal(err)
	}
	s, err := StackFromState(&tfjson.State{Values: p.PlannedValues})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range m.Functions {
		d, ok := s.Function(f.Address)
		if !ok {
			t.Errorf("model function %s not found in the stack's values", f.Address)
			continue
		}
		if !strings.HasPrefix(d.Name, "lsl-test01") {
			t.Errorf("%s: deployed name %q does not carry the run's unique name", f.Address, d.Name)
		}
	}
	if len(s.Instances) == 0 {
		t.Error("no Aurora instance found in the stack's values")
	}
}
