package plan

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/letsleep/letsleep/internal/tfexec"
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const minimalPlan = `{"format_version":"1.2","terraform_version":"1.11.4","planned_values":{"root_module":{}},"resource_changes":[]}`

func TestLoadBadInput(t *testing.T) {
	deep := strings.Repeat(`{"a":`, 10002) + "1" + strings.Repeat("}", 10002)
	deep10k := strings.Repeat(`{"a":`, 10000) + "1" + strings.Repeat("}", 10000)
	cases := []struct{ name, content, want string }{
		{"empty", "", "empty file: pass the output of `terraform show -json tfplan`"},
		{"blank", "  \n\t", "empty file: pass the output of `terraform show -json tfplan`"},
		{"text", "hello", `not JSON: invalid character 'h' at line 1, column 1; pass the output of ` + "`terraform show -json tfplan`"},
		{"text-indented", "\n\n   <html>", `not JSON: invalid character '<' at line 3, column 4; pass the output of ` + "`terraform show -json tfplan`"},
		{"array", `[{"format_version":"1.2"}]`, "expected a JSON object from `terraform show -json`, got an array; pass the output of `terraform show -json tfplan`"},
		{"scalar", `42`, "expected a JSON object from `terraform show -json`, got a scalar; pass the output of `terraform show -json tfplan`"},
		{"truncated", `{"format_version":"1.2","planned_values":{"root_module":`, "truncated JSON: the file ends before the plan is complete (was it cut off?); run `terraform plan -out tfplan && terraform show -json tfplan` again"},
		{"syntax", "{\n  \"format_version\": \"1.2\",\n  \"planned_values\": {]\n}", "not valid JSON at line 3, column 22: invalid character ']' looking for beginning of object key string; pass the output of `terraform show -json tfplan`"},
		{"deep", deep, "JSON nesting is too deep (over 10000 levels): this is not a terraform plan; pass the output of `terraform show -json tfplan`"},
		{"deep10k", deep10k, "not a terraform plan: format_version is missing; run `terraform plan -out tfplan && terraform show -json tfplan`"},
		{"state", `{"format_version":"1.0","terraform_version":"1.11.4","values":{"root_module":{}}}`, "this is a state file, not a plan; run `terraform plan -out tfplan && terraform show -json tfplan`"},
		{"rawstate", `{"version":4,"terraform_version":"1.11.4","serial":3,"lineage":"x","resources":[]}`, "this is a state file, not a plan; run `terraform plan -out tfplan && terraform show -json tfplan`"},
		{"hcl", "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n", "this is Terraform configuration (HCL), not a plan; pass its directory, or run `terraform plan -out tfplan && terraform show -json tfplan`"},
		{"errored", `{"format_version":"1.2","planned_values":{},"resource_changes":[],"errored":true}`, "the plan errored; fix the terraform errors first (terraform plan shows them)"},
		{"notplan", `{"hello":"world"}`, "not a terraform plan: format_version is missing; run `terraform plan -out tfplan && terraform show -json tfplan`"},
		{"wrongtype", `{"format_version":"1.2","resource_changes":{"a":1}}`, "unexpected JSON at resource_changes (line 1, column 44): got object, want array; is this the output of `terraform show -json`?"},
		{"trailing", minimalPlan + `{}`, "unexpected data after the plan object: pass one plan JSON document"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := writeFile(t, "plan.json", c.content)
			_, err := Load(context.Background(), path, Options{})
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrInput) {
				t.Errorf("error does not wrap ErrInput: %v", err)
			}
			if want := path + ": " + c.want; err.Error() != want {
				t.Errorf("error =\n  %s\nwant\n  %s", err, want)
			}
		})
	}
}

func TestLoadMissingAndTooLarge(t *testing.T) {
	_, err := Load(context.Background(), "/nonexistent/plan.json", Options{})
	if !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "no such file or directory") {
		t.Errorf("missing file: %v", err)
	}
	path := writeFile(t, "plan.json", minimalPlan)
	_, err = Load(context.Background(), path, Options{MaxBytes: 10})
	if !errors.Is(err, ErrInput) || err.Error() != path+": plan JSON is larger than the 10-byte limit ("+itoa(len(minimalPlan))+" bytes): set LETSLEEP_MAX_PLAN_BYTES to a larger byte count, or split the stack" {
		t.Errorf("too large: %v", err)
	}
}

func itoa(n int) string { return strings.TrimSpace(strings.Repeat(" ", 0) + fmtInt(n)) }

func fmtInt(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for n > 0 {
		s = string(rune('0'+n%10)) + s
		n /= 10
	}
	return s
}

func TestMaxBytesFromEnvironment(t *testing.T) {
	path := writeFile(t, "plan.json", minimalPlan)
	t.Setenv(MaxBytesEnv, "10")
	if _, err := Load(context.Background(), path, Options{}); !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "larger than the 10-byte limit") {
		t.Errorf("env limit not applied: %v", err)
	}
	t.Setenv(MaxBytesEnv, "1000000")
	if _, err := Load(context.Background(), path, Options{}); err != nil {
		t.Errorf("env limit too strict: %v", err)
	}
}

func TestUnknownFormatVersionWarns(t *testing.T) {
	path := writeFile(t, "plan.json", `{"format_version":"7.0","terraform_version":"9.0.0","planned_values":{"root_module":{}},"resource_changes":[{"address":"aws_vpc.a","mode":"managed","type":"aws_vpc","name":"a","change":{"actions":["create"],"after":{"cidr_block":"10.0.0.0/16"}}}],"prior_state":{"format_version":"7.0","values":{"root_module":{}}}}`)
	p, err := Load(context.Background(), path, Options{})
	if err != nil {
		t.Fatalf("unknown format version must load: %v", err)
	}
	if len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], `format_version "7.0"`) {
		t.Errorf("warnings = %v", p.Warnings)
	}
	if len(p.Doc.ResourceChanges) != 1 || p.Doc.ResourceChanges[0].Address != "aws_vpc.a" {
		t.Errorf("best-effort decode lost the changes: %+v", p.Doc.ResourceChanges)
	}
}

func TestGenericIsLazyAndMatches(t *testing.T) {
	path := writeFile(t, "plan.json", minimalPlan)
	p, err := Load(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.raw != nil {
		t.Error("a file plan should not keep its bytes in memory")
	}
	g, err := p.Generic()
	if err != nil || g["format_version"] != "1.2" || g["terraform_version"] != "1.11.4" {
		t.Errorf("generic = %v, %v", g, err)
	}
	q, err := FromBytes("stdin", []byte(minimalPlan), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if g, _ := q.Generic(); g["format_version"] != "1.2" {
		t.Errorf("generic from bytes = %v", g)
	}
}

func TestBinaryPlanWithoutTerraform(t *testing.T) {
	old := tfexec.Binary
	tfexec.Binary = "terraform-does-not-exist-here"
	defer func() { tfexec.Binary = old }()
	path := writeFile(t, "tfplan", "PK\x03\x04 not really a zip")
	_, err := Load(context.Background(), path, Options{})
	if !errors.Is(err, ErrInput) || err.Error() != path+": terraform not found on PATH: install terraform or pass a plan JSON" {
		t.Errorf("binary plan without terraform: %v", err)
	}
	_, err = Load(context.Background(), t.TempDir(), Options{})
	if !errors.Is(err, ErrInput) || !strings.HasSuffix(err.Error(), "terraform not found on PATH: install terraform or pass a plan JSON") {
		t.Errorf("directory without terraform: %v", err)
	}
}

func TestRealworldPlansLoad(t *testing.T) {
	dir := "../../../shared/realworld-plans"
	if d := os.Getenv("LETSLEEP_REALWORLD_PLANS"); d != "" {
		dir = d
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) == 0 {
		if os.Getenv("CI") == "true" {
			t.Fatalf("no realworld plans in %s and CI=true", dir)
		}
		t.Skip("SKIPPING: realworld plans not found; set LETSLEEP_REALWORLD_PLANS")
	}
	for _, f := range files {
		p, err := Load(context.Background(), f, Options{})
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		if p.Doc.FormatVersion == "" || len(p.Warnings) != 0 {
			t.Errorf("%s: format %q warnings %v", filepath.Base(f), p.Doc.FormatVersion, p.Warnings)
		}
	}
}
