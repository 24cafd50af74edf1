package output

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/output/sarifschema"
	"github.com/letsleep/letsleep/internal/report"
)

var update = flag.Bool("update", false, "rewrite golden files")

func render(t *testing.T, format string, r *report.Report, opts Options) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, format, r, opts); err != nil {
		t.Fatalf("Write(%s): %v", format, err)
	}
	return buf.String()
}

func TestFormatsAllWrite(t *testing.T) {
	for _, f := range Formats() {
		out := render(t, f, sampleReport(), Options{Rules: sampleRules()})
		if strings.TrimSpace(out) == "" {
			t.Errorf("%s: empty output", f)
		}
		// A nil or empty report must not crash any writer either.
		render(t, f, nil, Options{})
		render(t, f, &report.Report{}, Options{})
	}
	if err := Write(&bytes.Buffer{}, "yaml", sampleReport(), Options{}); err == nil || !strings.Contains(err.Error(), "table, json, sarif") {
		t.Errorf("unknown format error = %v, want it to list the formats", err)
	}
}

func TestJSONGolden(t *testing.T) {
	got := render(t, "json", sampleReport(), Options{})
	golden := filepath.Join("testdata", "report.golden.json")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("read golden (run with -update to create): %v", err)
	}
	if got != string(want) {
		t.Errorf("json differs from %s; run go test -update and review the diff\n%s", golden, got)
	}
}

func TestJSONShape(t *testing.T) {
	got := render(t, "json", &report.Report{}, Options{})
	for _, want := range []string{`"findings": []`, `"waived": []`, `"warnings": []`, `"plans": []`, `"by_severity": {}`} {
		if !strings.Contains(got, want) {
			t.Errorf("empty report JSON lacks %s:\n%s", want, got)
		}
	}
	if !strings.HasSuffix(got, "}\n") || strings.Contains(got, "\t") {
		t.Errorf("want two-space indent and a trailing newline:\n%q", got)
	}
	var back report.Report
	full := render(t, "json", sampleReport(), Options{})
	if err := json.Unmarshal([]byte(full), &back); err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, f := range back.Findings {
		order = append(order, f.Severity)
	}
	if strings.Join(order, ",") != "critical,medium,low" {
		t.Errorf("findings not sorted by severity: %v", order)
	}
}

func TestJSONDeterministic(t *testing.T) {
	first := render(t, "json", sampleReport(), Options{})
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for i := 0; i < 48; i++ {
		runtime.GOMAXPROCS([]int{1, 2, 8}[i%3])
		r := sampleReport()
		// Shuffle the input order: the writer sorts defensively.
		r.Findings[0], r.Findings[2] = r.Findings[2], r.Findings[0]
		r.Warnings[0], r.Warnings[1] = r.Warnings[1], r.Warnings[0]
		if got := render(t, "json", r, Options{}); got != first {
			t.Fatalf("run %d differs", i)
		}
	}
}

func compileSARIFSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	sch, err := sarifschema.Schema()
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func TestSARIFValidatesAgainstSchema(t *testing.T) {
	sch := compileSARIFSchema(t)
	for name, r := range map[string]*report.Report{"sample": sampleReport(), "empty": {}} {
		out := render(t, "sarif", r, Options{Rules: sampleRules(), ToolVersion: "1.2.3"})
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := sch.Validate(inst); err != nil {
			t.Errorf("%s: SARIF does not validate: %v", name, err)
		}
	}
	// The schema must be able to fail: a result level outside the enum.
	bad := strings.Replace(render(t, "sarif", sampleReport(), Options{}), `"level": "error"`, `"level": "fatal"`, 1)
	inst, _ := jsonschema.UnmarshalJSON(strings.NewReader(bad))
	if err := sch.Validate(inst); err == nil {
		t.Error("schema accepted an invalid level")
	}
}

func TestSARIFContent(t *testing.T) {
	out := render(t, "sarif", sampleReport(), Options{Rules: sampleRules()})
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID         string         `json:"id"`
						Properties map[string]any `json:"properties"`
						Help       struct{ Text string }
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
				Level     string `json:"level"`
				Message   struct{ Text string }
				Locations []struct {
					LogicalLocations []struct {
						FullyQualifiedName string `json:"fullyQualifiedName"`
					} `json:"logicalLocations"`
				} `json:"locations"`
				CodeFlows    []json.RawMessage `json:"codeFlows"`
				Suppressions []json.RawMessage `json:"suppressions"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	var ids []string
	for _, r := range run.Tool.Driver.Rules {
		ids = append(ids, r.ID)
	}
	if strings.Join(ids, ",") != "LSL-001,LSL-004,LSL-005,LSL-007,LSL-012" {
		t.Errorf("rules = %v, want one per catalogue id", ids)
	}
	if got := run.Tool.Driver.Rules[0].Properties["security-severity"]; got != "9.5" {
		t.Errorf("LSL-001 security-severity = %v, want 9.5", got)
	}
	if !strings.Contains(run.Tool.Driver.Rules[0].Help.Text, "Split the function.") {
		t.Errorf("rule help lacks remediation: %q", run.Tool.Driver.Rules[0].Help.Text)
	}
	if len(run.Results) != 4 {
		t.Fatalf("results = %d, want 3 findings + 1 waived", len(run.Results))
	}
	first := run.Results[0]
	if first.RuleID != "LSL-001" || first.Level != "error" || first.RuleIndex != 0 {
		t.Errorf("first result = %+v", first)
	}
	if first.Locations[0].LogicalLocations[0].FullyQualifiedName != "aws_lambda_function.egress" {
		t.Errorf("logical location = %+v", first.Locations[0])
	}
	if !strings.Contains(first.Message.Text, "egress function → role egress") || len(first.CodeFlows) != 1 {
		t.Errorf("path missing from message or code flow: %q", first.Message.Text)
	}
	levels := map[string]string{}
	for _, r := range run.Results {
		levels[r.RuleID] = r.Level
	}
	if levels["LSL-004"] != "warning" || levels["LSL-012"] != "note" {
		t.Errorf("levels = %v", levels)
	}
	if len(run.Results[3].Suppressions) != 1 {
		t.Errorf("waived finding has no suppression")
	}
}

func TestJUnit(t *testing.T) {
	out := render(t, "junit", sampleReport(), Options{Rules: sampleRules()})
	var doc junitSuites
	if err := xml.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("junit is not valid XML: %v\n%s", err, out)
	}
	// 5 rules: LSL-001/004/012 fail once, LSL-005 is waived (skipped),
	// LSL-007 passes.
	if doc.Tests != 5 || doc.Failures != 3 || doc.Skipped != 1 || len(doc.Suites) != 5 {
		t.Errorf("counts tests=%d failures=%d skipped=%d suites=%d", doc.Tests, doc.Failures, doc.Skipped, len(doc.Suites))
	}
	for _, s := range doc.Suites {
		if strings.HasPrefix(s.Name, "LSL-007") && (s.Failures != 0 || len(s.Cases) != 1 || s.Cases[0].Failure != nil) {
			t.Errorf("LSL-007 should pass: %+v", s)
		}
		if strings.HasPrefix(s.Name, "LSL-001") && (s.Failures != 1 || s.Cases[0].Name != "aws_lambda_function.egress") {
			t.Errorf("LSL-001 should fail on the egress function: %+v", s)
		}
	}
	// Control characters from a message must not break the XML.
	if !strings.Contains(out, "second line | pipe &lt;b&gt;") {
		t.Errorf("message not escaped in XML")
	}
}

func TestGitHubEscaping(t *testing.T) {
	cases := []struct{ in, data, prop string }{
		{"plain", "plain", "plain"},
		{"100%", "100%25", "100%25"},
		{"a\r\nb", "a%0D%0Ab", "a%0D%0Ab"},
		{"k: v, w", "k: v, w", "k%3A v%2C w"},
		{"%0A", "%250A", "%250A"},
	}
	for _, c := range cases {
		if got := escapeData(c.in); got != c.data {
			t.Errorf("escapeData(%q) = %q, want %q", c.in, got, c.data)
		}
		if got := escapeProperty(c.in); got != c.prop {
			t.Errorf("escapeProperty(%q) = %q, want %q", c.in, got, c.prop)
		}
	}
}

func TestGitHubOutput(t *testing.T) {
	out := render(t, "github", sampleReport(), Options{})
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("want 3 finding lines + 2 notices, got %d:\n%s", len(lines), out)
	}
	want := "::error title=LSL-001 egress-reaches-db (critical)%3A aws_lambda_function.egress::egress function can reach aws_rds_cluster.vault through the Data API: 100%25 bad, a,b:c%0D%0Asecond line | pipe <b>%0APath: egress function → role egress → policy statement \"Extra\" → rds-data:* on * → cluster vault (HTTP endpoint on) (resolved from a value unknown at plan time)%0AFix: Drop rds-data:* from the egress role."
	if lines[0] != want {
		t.Errorf("line 0:\n got %s\nwant %s", lines[0], want)
	}
	if !strings.HasPrefix(lines[1], "::warning title=LSL-004") || !strings.HasPrefix(lines[2], "::notice title=LSL-012") {
		t.Errorf("levels wrong:\n%s", out)
	}
	if !strings.HasPrefix(lines[3], "::warning title=letsleep expired-waiver%3A aws_nat_gateway.x::") {
		t.Errorf("notice line: %s", lines[3])
	}
}

func TestMarkdown(t *testing.T) {
	out := render(t, "markdown", sampleReport(), Options{})
	for _, want := range []string{
		"## ❌ letsleep: FAILED",
		"| critical | 1 |",
		"<details>",
		"<summary><b>LSL-001</b> critical <code>aws_lambda_function.egress</code>",
		"**Path:** egress function → role egress",
		"_(resolved from a value unknown at plan time)_",
		"```mermaid\nflowchart LR",
		"linkStyle",
		"### Waived",
		"legacy stack, removed in Q1",
		"second line \\| pipe &lt;b&gt;",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	if strings.Count(out, "<details>") != 3 || strings.Count(out, "</details>") != 3 {
		t.Errorf("want one details block per finding")
	}
}

func TestTable(t *testing.T) {
	out := render(t, "table", sampleReport(), Options{})
	for _, want := range []string{
		"CRITICAL  LSL-001  egress-reaches-db  aws_lambda_function.egress",
		"path: egress function → role egress → policy statement \"Extra\" → rds-data:*\n          on *",
		"Waived (1):",
		"[expired-waiver] aws_nat_gateway.x",
		"FAILED: 3 finding(s), 1 waived",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("colour codes written to a non-terminal")
	}
}

// The table wraps to the width it is given (80 by default, the CLI passes
// the terminal's), continuation lines indented under their label.
func TestTableWraps(t *testing.T) {
	for _, width := range []int{0, 60, 200} {
		out := render(t, "table", sampleReport(), Options{Width: width})
		limit := width
		if limit == 0 {
			limit = 80
		}
		for _, line := range strings.Split(out, "\n") {
			// Only a single unbreakable word (an address) may pass the width.
			if n := utf8.RuneCountInString(line); n > limit && strings.Contains(strings.TrimSpace(line), " ") && !strings.HasPrefix(line, "SEVERITY") && !strings.HasPrefix(line, "CRITICAL") && !strings.HasPrefix(line, "MEDIUM") && !strings.HasPrefix(line, "LOW") && !strings.HasPrefix(line, "  LSL-") {
				t.Errorf("width %d: line of %d columns: %q", width, n, line)
			}
		}
		if width == 200 && !strings.Contains(out, "path: egress function → role egress → policy statement \"Extra\" → rds-data:* on * → cluster vault") {
			t.Errorf("at width 200 the path should fit one line:\n%s", out)
		}
	}
}

func TestTableColor(t *testing.T) {
	t.Setenv("NO_COLOR", "")
	out := render(t, "table", sampleReport(), Options{Color: true})
	if !strings.Contains(out, "\x1b[1;31mCRITICAL") {
		t.Errorf("no colour with Color set:\n%q", out)
	}
	t.Setenv("NO_COLOR", "1")
	if out := render(t, "table", sampleReport(), Options{Color: true}); strings.Contains(out, "\x1b[") {
		t.Error("colour despite NO_COLOR")
	}
}

func TestMarkdownFitsAComment(t *testing.T) {
	r := sampleReport()
	base := r.Findings[1]
	r.Findings = nil
	for i := 0; i < 500; i++ {
		f := base
		f.Resource = fmt.Sprintf("module.tenant[%d].aws_lambda_function.egress", i)
		f.Path = append([]model.Step{{Kind: "function", Address: f.Resource}}, base.Path[1:]...)
		r.Findings = append(r.Findings, f)
	}
	out := render(t, "markdown", r, Options{})
	if len(out) > 65536 {
		t.Errorf("markdown is %d bytes, over GitHub's comment limit", len(out))
	}
	if strings.Count(out, "<details>") != mdMaxDetails || !strings.Contains(out, "the other 460 finding(s)") {
		t.Errorf("details not capped at %d", mdMaxDetails)
	}
	if !strings.Contains(out, "too many for a comment") {
		t.Error("graph of 501 nodes was embedded")
	}
	if !strings.Contains(out, "| … | 350 more | | |") {
		t.Error("findings table not capped")
	}
	if strings.Count(out, "```")%2 != 0 {
		t.Error("unbalanced code fence")
	}
}

// unescape reverses GitHub's workflow-command escaping.
func unescape(s string) string {
	return strings.NewReplacer("%0D", "\r", "%0A", "\n", "%3A", ":", "%2C", ",", "%25", "%").Replace(s)
}

func FuzzGitHubEscape(f *testing.F) {
	for _, s := range []string{"plain", "100%", "a\r\nb", "k: v, w", "%0A", "%%3A::,,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, p := escapeData(s), escapeProperty(s)
		if strings.ContainsAny(d, "\r\n") || strings.ContainsAny(p, "\r\n:,") {
			t.Fatalf("unescaped separator: data %q property %q", d, p)
		}
		if unescape(d) != s || unescape(p) != s {
			t.Fatalf("escaping loses information: %q -> %q / %q", s, d, p)
		}
	})
}
