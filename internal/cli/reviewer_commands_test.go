package cli

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/letsleep/letsleep/internal/cost"
	"github.com/letsleep/letsleep/internal/explain"
)

// referencePlan is a real `terraform show -json` of the reference stack,
// kept by the plan generator as its template.
var referencePlan = filepath.Join("..", "plangen", "templates", "reference.json")

const controlFn = "module.stack.module.control.aws_lambda_function.this"

// run executes cmd with args, writing to a file in a temp dir, and returns
// what it wrote.
func run(t *testing.T, cmd *cobra.Command, args ...string) (string, error) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out")
	cmd.SetArgs(append(args, "--output", out))
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err := cmd.Execute()
	data, _ := os.ReadFile(out)
	return string(data), err
}

func TestGraphCommand(t *testing.T) {
	dot, err := run(t, NewGraphCommand(), referencePlan, "--format", "dot")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"digraph letsleep {", "subgraph cluster_control {", "subgraph cluster_hot {", "label=\"internet\"", "aws_rds_cluster.this"} {
		if !strings.Contains(dot, want) {
			t.Errorf("dot lacks %q", want)
		}
	}
	if strings.Contains(dot, "penwidth") {
		t.Error("the reference stack has no violating path, yet the graph has a red edge")
	}
	svg, err := run(t, NewGraphCommand(), referencePlan, "--format", "svg")
	if err != nil {
		t.Fatal(err)
	}
	var root struct{ XMLName xml.Name }
	if err := xml.Unmarshal([]byte(svg), &root); err != nil || root.XMLName.Local != "svg" {
		t.Fatalf("svg does not parse: %v (root %q)", err, root.XMLName.Local)
	}
	mermaid, err := run(t, NewGraphCommand(), referencePlan, "--format", "mermaid")
	if err != nil || !strings.HasPrefix(mermaid, "flowchart LR\n") {
		t.Errorf("mermaid: %v\n%s", err, mermaid)
	}
	if _, err := run(t, NewGraphCommand(), referencePlan, "--format", "png"); err == nil || !strings.Contains(err.Error(), "use one of svg, dot, mermaid") {
		t.Errorf("png accepted: %v", err)
	}
}

func TestExplainCommand(t *testing.T) {
	text, err := run(t, NewExplainCommand(), referencePlan, controlFn)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Function " + controlFn, "role:           control", "Egress (0): it cannot go out", "Data paths ("} {
		if !strings.Contains(text, want) {
			t.Errorf("explain lacks %q:\n%s", want, text)
		}
	}
	js, err := run(t, NewExplainCommand(), referencePlan, controlFn, "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var ex explain.Explanation
	if err := json.Unmarshal([]byte(js), &ex); err != nil || ex.Kind != explain.KindFunction || len(ex.Function.DataPaths) == 0 {
		t.Errorf("json explanation: %v %+v", err, ex)
	}
	_, err = run(t, NewExplainCommand(), referencePlan, "aws_lambda_function.nope")
	if !errors.Is(err, explain.ErrNotFound) {
		t.Errorf("unknown target: %v", err)
	}
}

func TestCostCommand(t *testing.T) {
	text, err := run(t, NewCostCommand(), referencePlan, "--region", "eu-west-1", "--awake-hours", "50")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Idle floor per month, eu-west-1, USD", "sleep-first", "under 100 awake hours: keep min 0", "730 hours per month"} {
		if !strings.Contains(text, want) {
			t.Errorf("cost lacks %q:\n%s", want, text)
		}
	}
	js, err := run(t, NewCostCommand(), referencePlan, "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var est cost.Estimate
	// The reference plan deploys to eu-west-1 (its aws provider's region is
	// var.region): cost prices that region, not us-east-1, and says why.
	if err := json.Unmarshal([]byte(js), &est); err != nil || est.Region != "eu-west-1" || est.RegionFrom != "the aws provider's region (var.region)" || est.Decision != nil {
		t.Errorf("json estimate: %v %+v", err, est)
	}
	// --region overrides the plan.
	js, _ = run(t, NewCostCommand(), referencePlan, "--format", "json", "--region", "us-east-1")
	if err := json.Unmarshal([]byte(js), &est); err != nil || est.Region != "us-east-1" || est.RegionFrom != "--region" {
		t.Errorf("--region us-east-1: %v %+v", err, est)
	}
	// A plan that names no region: us-east-1, said to be assumed.
	bare := filepath.Join(t.TempDir(), "bare.json")
	os.WriteFile(bare, []byte(`{"format_version":"1.2","terraform_version":"1.9.8","planned_values":{"root_module":{}},"resource_changes":[],"configuration":{"root_module":{}}}`), 0o644)
	text, err = run(t, NewCostCommand(), bare)
	if err != nil || !strings.Contains(text, "Idle floor per month, us-east-1, USD") || !strings.Contains(text, "assumed: the plan names no region; pass --region") {
		t.Errorf("plan without a region: %v\n%s", err, text)
	}
	bad := filepath.Join(t.TempDir(), "prices.yaml")
	os.WriteFile(bad, []byte("regions:\n  eu-west-1:\n    nat_gateway_hour: 0\n"), 0o644)
	if _, err := run(t, NewCostCommand(), referencePlan, "--prices", bad); !errors.Is(err, cost.ErrInput) {
		t.Errorf("bad prices: %v", err)
	}
	if _, err := run(t, NewCostCommand(), referencePlan, "--region", "mars-1"); !errors.Is(err, cost.ErrInput) {
		t.Errorf("unknown region: %v", err)
	}
}
