package planner

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/letsleep/letsleep/internal/terratf"
	"github.com/letsleep/letsleep/internal/testtier"
)

func TestRepoRootFindsGoMod(t *testing.T) {
	root, err := RepoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("%s has no go.mod", root)
	}
	if _, err := os.Stat(filepath.Join(root, "terraform", "stacks", "reference")); err != nil {
		t.Fatalf("%s is not the letsleep root: %v", root, err)
	}
}

func TestRepoRootFailsOutsideAModule(t *testing.T) {
	if _, err := RepoRoot(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no go.mod") {
		t.Fatalf("err = %v", err)
	}
}

func TestOptionsPlanOffline(t *testing.T) {
	o := Options("/x/stack", "/tmp/p.tfplan", "/x/build/terraformrc")
	want := map[string]string{
		"TF_CLI_CONFIG_FILE": "/x/build/terraformrc",
		"TF_VAR_offline":     "true",
		"AWS_PROFILE":        "",
		"AWS_SESSION_TOKEN":  "",
	}
	for k, v := range want {
		if got, ok := o.EnvVars[k]; !ok || got != v {
			t.Errorf("EnvVars[%s] = %q (set %v), want %q", k, got, ok, v)
		}
	}
	if !strings.HasPrefix(o.EnvVars["AWS_ACCESS_KEY_ID"], "offline-") {
		t.Errorf("access key %q is not a fake", o.EnvVars["AWS_ACCESS_KEY_ID"])
	}
	if len(o.PlanArgs) != 1 || o.PlanArgs[0] != "-refresh=false" {
		t.Errorf("plan args %v, want -refresh=false", o.PlanArgs)
	}
	if o.PlanFile != "/tmp/p.tfplan" || o.Dir != "/x/stack" {
		t.Errorf("paths %q %q", o.Dir, o.PlanFile)
	}
}

func TestPlanJSONENeedsAPlanFile(t *testing.T) {
	if _, err := PlanJSONE(t, &terratf.Options{Dir: "."}); !errors.Is(err, ErrNoPlanFile) {
		t.Fatalf("err = %v", err)
	}
}

func TestPlanJSONEReportsMissingTerraform(t *testing.T) {
	o := Options(t.TempDir(), filepath.Join(t.TempDir(), "p"), "/nonexistent")
	o.Binary = "terraform-not-installed-here"
	_, err := PlanJSONE(t, o)
	if err == nil || !strings.Contains(err.Error(), "make deps") {
		t.Fatalf("err = %v", err)
	}
}

// A directory that does not plan fails with terraform's own message.
func TestPlanJSONEPassesTerraformErrorsThrough(t *testing.T) {
	testtier.Require(t, testtier.Terraform)
	root, err := RepoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	rc, err := EnsureTerraformRC(root)
	if err != nil {
		t.Skipf("no provider mirror here: %v", err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte("resource \"aws_vpc\" \"x\" {\n  cidr_block = \n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = PlanJSONE(t, Options(dir, filepath.Join(dir, "p.tfplan"), rc))
	if err == nil || !strings.Contains(err.Error(), "main.tf") {
		t.Fatalf("err = %v, want terraform's error naming main.tf", err)
	}
}
