package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/letsleep/letsleep/internal/output"
	"github.com/letsleep/letsleep/internal/output/sarifschema"
	"github.com/letsleep/letsleep/internal/report"
	"github.com/letsleep/letsleep/internal/testtier"
	"github.com/letsleep/letsleep/internal/tftree"
	"github.com/letsleep/letsleep/internal/waiver"
)

const stackFixture = "../model/testdata/stack"

// copyStack copies the model's stack fixture (plan.json and its .tf
// sources) and applies edits to its main.tf: old → new.
func copyStack(t *testing.T, edits ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, rel := range []string{"plan.json", "main.tf", "modules/fn/main.tf"} {
		data, err := os.ReadFile(filepath.Join(stackFixture, rel))
		if err != nil {
			t.Fatal(err)
		}
		if rel == "main.tf" {
			for i := 0; i+1 < len(edits); i += 2 {
				if !bytes.Contains(data, []byte(edits[i])) {
					t.Fatalf("main.tf has no %q to edit", edits[i])
				}
				data = bytes.Replace(data, []byte(edits[i]), []byte(edits[i+1]), 1)
			}
		}
		dst := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// lineOf is the 1-based line of the first line of dir/main.tf holding s.
func lineOf(t *testing.T, dir, s string) int {
	t.Helper()
	data, _ := os.ReadFile(filepath.Join(dir, "main.tf"))
	for i, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, s) {
			return i + 1
		}
	}
	t.Fatalf("main.tf has no line with %q", s)
	return 0
}

func checkStack(t *testing.T, dir string) (*report.Report, error) {
	t.Helper()
	now := func() time.Time { return time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC) }
	return Check(context.Background(), Options{Paths: []string{filepath.Join(dir, "plan.json")}, Source: dir, SourceRoot: dir, Now: now})
}

// A plan checked with --source: comments in the sources waive findings like
// a waivers file, in SARIF as inSource suppressions at the comment, counted
// in the summary; expired and unused ones become notices.
func TestInlineSuppressionsWithSource(t *testing.T) {
	dir := copyStack(t,
		`resource "aws_nat_gateway" "this" {`, "# NAT stays until the egress split.\n# letsleep:ignore LSL-004 reason=\"NAT until the split ships\" expires=2099-12-31\nresource \"aws_nat_gateway\" \"this\" {",
		`resource "aws_db_proxy" "db" {`, `resource "aws_db_proxy" "db" { // letsleep:ignore rds-proxy reason="pooling is needed" expires=2099-12-31`,
		`module "worker" {`, "# letsleep:ignore LSL-001 reason=\"was fine last year\" expires=2026-01-31\nmodule \"worker\" {",
		`resource "aws_dynamodb_table" "cache" {`, "# letsleep:ignore LSL-009 reason=\"no such finding here\" expires=2099-12-31\nresource \"aws_dynamodb_table\" \"cache\" {",
	)
	rep, err := checkStack(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Summary.Waived != 2 || rep.Summary.Suppressed != 2 || rep.Summary.Total != 10 {
		t.Fatalf("summary %+v, want 10 findings and 2 waived, both in source", rep.Summary)
	}
	want := map[string]string{
		"aws_nat_gateway.this[0]": "main.tf:" + itoa(lineOf(t, dir, "letsleep:ignore LSL-004")),
		"aws_db_proxy.db":         "main.tf:" + itoa(lineOf(t, dir, `resource "aws_db_proxy" "db"`)),
	}
	for _, w := range rep.Waived {
		if w.Waiver.Kind != report.KindInSource || w.Waiver.Source != want[w.Resource] {
			t.Errorf("%s waived by %+v, want a comment at %s", w.Resource, w.Waiver, want[w.Resource])
		}
	}
	for _, f := range rep.Findings {
		if f.Resource == "aws_nat_gateway.this[0]" || f.Resource == "aws_db_proxy.db" {
			t.Errorf("%s on %s still counts", f.Rule, f.Resource)
		}
	}
	expired := "main.tf:" + itoa(lineOf(t, dir, "letsleep:ignore LSL-001"))
	unused := "main.tf:" + itoa(lineOf(t, dir, "letsleep:ignore LSL-009"))
	kinds := map[string]string{}
	for _, n := range rep.Warnings {
		kinds[n.Kind] = n.Source
	}
	if kinds["expired-suppression"] != expired || kinds["unused-suppression"] != unused {
		t.Fatalf("notices %+v, want expired at %s and unused at %s", rep.Warnings, expired, unused)
	}

	var sarif bytes.Buffer
	if err := output.Write(&sarif, "sarif", rep, output.Options{}); err != nil {
		t.Fatal(err)
	}
	validateSARIF(t, sarif.Bytes())
	var doc struct {
		Runs []struct {
			Results []struct {
				Locations []struct {
					Physical struct {
						Artifact struct{ URI string } `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
				Suppressions []struct {
					Kind      string `json:"kind"`
					Locations struct {
						Physical struct {
							Artifact struct{ URI string }    `json:"artifactLocation"`
							Region   struct{ StartLine int } `json:"region"`
						} `json:"physicalLocation"`
					} `json:"location"`
				} `json:"suppressions"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(sarif.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	inSource := 0
	for _, res := range doc.Runs[0].Results {
		if len(res.Locations) == 0 || !strings.HasSuffix(res.Locations[0].Physical.Artifact.URI, ".tf") {
			t.Errorf("a result is not placed in a .tf file: %+v", res.Locations)
		}
		for _, s := range res.Suppressions {
			loc := s.Locations.Physical
			if s.Kind != "inSource" || loc.Artifact.URI != "main.tf" || loc.Region.StartLine == 0 {
				t.Errorf("suppression %+v, want inSource at main.tf:line", s)
			}
			inSource++
		}
	}
	if inSource != 2 {
		t.Fatalf("%d inSource suppressions in SARIF, want 2", inSource)
	}
}

func TestInlineSuppressionErrorsNameFileAndLine(t *testing.T) {
	cases := []struct{ name, old, new, want string }{
		{"no reason", `resource "aws_nat_gateway" "this" {`, "# letsleep:ignore LSL-004 expires=2099-12-31\nresource \"aws_nat_gateway\" \"this\" {", "has no reason"},
		{"no expiry", `resource "aws_nat_gateway" "this" {`, "# letsleep:ignore LSL-004 reason=\"r\"\nresource \"aws_nat_gateway\" \"this\" {", "has no expiry"},
		{"unknown rule", `resource "aws_nat_gateway" "this" {`, "# letsleep:ignore LSL-404 reason=\"r\" expires=2099-12-31\nresource \"aws_nat_gateway\" \"this\" {", `names unknown rule "LSL-404"`},
		{"on no block", `resource "aws_nat_gateway" "this" {`, "# letsleep:ignore LSL-004 reason=\"r\" expires=2099-12-31\n\nresource \"aws_nat_gateway\" \"this\" {", "is on no resource, data or module block"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := copyStack(t, c.old, c.new)
			_, err := checkStack(t, dir)
			at := "main.tf:" + itoa(lineOf(t, dir, "letsleep:ignore")) + ": "
			if err == nil || !strings.Contains(err.Error(), at) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q at %s", err, c.want, at)
			}
			if !errors.Is(err, waiver.ErrInput) {
				t.Fatalf("%v is not an input error", err)
			}
		})
	}
}

func validateSARIF(t *testing.T, data []byte) {
	t.Helper()
	if err := sarifschema.Validate(data); err != nil {
		t.Fatal(err)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// A directory check (terraform plans the folder): a comment above the
// egress function waives its LSL-001, and every finding, waived or not,
// is placed at a .tf file and line in SARIF that validates.
func TestInlineSuppressionsInADirectoryCheck(t *testing.T) {
	testtier.Require(t, testtier.Terraform)
	root, err := tftree.RepoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	for _, rel := range []string{"terraform/modules", "terraform/examples/egress-in-vpc"} {
		if err := tftree.CopyTerraform(filepath.Join(root, rel), filepath.Join(work, rel)); err != nil {
			t.Fatal(err)
		}
	}
	dir := filepath.Join(work, "terraform/examples/egress-in-vpc")
	main := filepath.Join(dir, "main.tf")
	data, err := os.ReadFile(main)
	if err != nil {
		t.Fatal(err)
	}
	header := `resource "aws_lambda_function" "summarizer" {`
	if !bytes.Contains(data, []byte(header)) {
		t.Fatalf("%s has no %s", main, header)
	}
	data = bytes.Replace(data, []byte(header), []byte("# letsleep:ignore LSL-001 reason=\"moving out of the VPC in PR 12\" expires=2099-12-31\n"+header), 1)
	if err := os.WriteFile(main, data, 0o644); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"TF_CLI_CONFIG_FILE": filepath.Join(root, "build", "terraformrc"), "TF_IN_AUTOMATION": "1", "TF_VAR_offline": "true",
		"AWS_ACCESS_KEY_ID": "offline-fake", "AWS_SECRET_ACCESS_KEY": "offline-fake", "AWS_REGION": "eu-west-1", "AWS_PROFILE": "",
	} {
		t.Setenv(k, v)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	rep, err := Check(ctx, Options{Paths: []string{dir}, SourceRoot: work, Timeout: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Summary.Suppressed != 1 || len(rep.Waived) != 1 || rep.Waived[0].Rule != "LSL-001" || rep.Waived[0].Resource != "aws_lambda_function.summarizer" {
		t.Fatalf("waived %+v, summary %+v: want LSL-001 on the summarizer waived in source", rep.Waived, rep.Summary)
	}
	if w := rep.Waived[0].Waiver; w.Source != "terraform/examples/egress-in-vpc/main.tf:"+itoa(lineOf(t, dir, "letsleep:ignore")) {
		t.Fatalf("waiver at %q", w.Source)
	}
	for _, f := range append(rep.Findings, rep.Waived[0].Finding) {
		if f.Location == nil || !strings.HasSuffix(f.Location.File, ".tf") || f.Location.StartLine == 0 {
			t.Errorf("%s on %s has no .tf file and line: %+v", f.Rule, f.Resource, f.Location)
		}
	}
	var sarif bytes.Buffer
	if err := output.Write(&sarif, "sarif", rep, output.Options{}); err != nil {
		t.Fatal(err)
	}
	validateSARIF(t, sarif.Bytes())
	if !bytes.Contains(sarif.Bytes(), []byte(`"kind": "inSource"`)) {
		t.Fatal("SARIF has no inSource suppression")
	}
}
