package output

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/report"
)

// oneValue is the JSON writer's contract: encoding/json's indenting
// encoder.
func oneValue(t testing.TB, r *report.Report) string {
	t.Helper()
	var buf bytes.Buffer
	if err := writeIndentedV1(&buf, normalize(r)); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestJSONMatchesEncodingJSON(t *testing.T) {
	odd := sampleReport()
	odd.Findings[0].Message = "<b>&amp;</b> \u2028 \u2029 \x7f \x00 \x1f \b \f é 😀 \"q\" \\ \t\n\r"
	odd.Summary.BySeverity = map[string]int{"é": 1, "z": 2, "A": 3, "\U0001f600": 4, "\ufb33": 5}
	invalid := sampleReport()
	invalid.Findings[1].Resource = "aws_s3_bucket.b[\"\xff\xfe\"]"
	invalidKey := sampleReport()
	invalidKey.Summary.ByCategory = map[string]int{"x\xc3": 1}
	invalidStep := sampleReport()
	invalidStep.Findings[0].Path[0].Assumption = &model.Assumption{Assumed: "\xed\xa0\x80"}
	invalidLoc := sampleReport()
	invalidLoc.Findings[0].Location = &report.Location{File: "main.tf", Call: &report.Location{ModuleSource: "\x80"}}
	genuine := sampleReport()
	genuine.Findings[2].Message = "a real \ufffd in the text"
	odd.Findings[0].Location = &report.Location{File: "main.tf", StartLine: 3, EndLine: 9, Call: &report.Location{File: "root.tf", StartLine: 1, EndLine: 2}}
	odd.Findings[1].Path = append(odd.Findings[1].Path, model.Step{Kind: "k", Assumption: &model.Assumption{Address: "a", Unknown: "u"}})
	for name, r := range map[string]*report.Report{
		"sample":                             sampleReport(),
		"empty":                              {},
		"odd strings":                        odd,
		"one finding":                        {Findings: sampleReport().Findings[:1]},
		"many":                               manyFindings(200),
		"only waivers":                       {Waived: sampleReport().Waived},
		"invalid utf8":                       invalid,
		"invalid map key":                    invalidKey,
		"invalid in an assumption of a step": invalidStep,
		"invalid in a module call":           invalidLoc,
		"real U+FFFD":                        genuine,
	} {
		t.Run(name, func(t *testing.T) {
			got := render(t, "json", r, Options{})
			if want := oneValue(t, r); got != want {
				t.Errorf("JSON differs from encoding/json's:\n got %q\nwant %q", got, want)
			}
		})
	}
}

type failingWriter struct{ after int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.after -= len(p); w.after < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestJSONWriteErrorReported(t *testing.T) {
	err := Write(&failingWriter{after: 100 << 10}, "json", manyFindings(2000), Options{})
	if err == nil || !strings.Contains(err.Error(), "write json: disk full") {
		t.Fatalf("error = %v, want the write failure", err)
	}
}

// manyFindings is a report of n findings shaped like the large reports of
// generated plans: long addresses, one or two steps, one assumption.
func manyFindings(n int) *report.Report {
	r := sampleReport()
	r.Findings = nil
	for i := 0; i < n; i++ {
		addr := fmt.Sprintf("module.tenant[\"t%05d\"].module.devstack.module.function[\"hot\"].aws_lambda_function.this", i)
		r.Findings = append(r.Findings, report.Finding{
			Rule: fmt.Sprintf("LSL-%03d", i%15), Category: "unanalysed", Severity: report.Severities[i%5], Resource: addr,
			Title: "Part of the plan could not be analysed", Message: "placement-unknown: hot function " + addr + " is placed in a VPC but its subnets are unknown",
			Path:        []model.Step{{Kind: "function", Address: addr, Detail: "hot function in a VPC"}, {Kind: "note", Detail: "unknown"}},
			Remediation: "Read the message: make the value known at plan time.", Unresolved: i%2 == 0,
			Assumptions: []model.Assumption{{Address: addr, Unknown: "vpc_config", Assumed: "in a VPC"}},
		})
	}
	return r
}

// BenchmarkWriteJSON writes a report of 3 300 findings, as many as the 50k
// for_each plan gives.
func BenchmarkWriteJSON(b *testing.B) {
	r := manyFindings(3300)
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := Write(&buf, "json", r, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSARIFMatchesEncodingJSON holds the SARIF file to encoding/json's
// bytes: go-sarif's types embed property bags and carry interface values,
// which the JSON report does not.
func TestSARIFMatchesEncodingJSON(t *testing.T) {
	invalid := sampleReport()
	invalid.Findings[0].Message = "bad \xff byte"
	for name, r := range map[string]*report.Report{
		"sample":       sampleReport(),
		"empty":        {},
		"many":         manyFindings(200),
		"invalid utf8": invalid,
	} {
		t.Run(name, func(t *testing.T) {
			opts := Options{ToolVersion: "1.2.3", Rules: sampleRules()}
			got := render(t, "sarif", r, opts)
			log, err := buildSARIF(normalize(r), opts)
			if err != nil {
				t.Fatal(err)
			}
			var want bytes.Buffer
			if err := writeIndentedV1(&want, log); err != nil {
				t.Fatal(err)
			}
			if got != want.String() {
				t.Errorf("SARIF differs from encoding/json's:\n got %q\nwant %q", got, want.String())
			}
		})
	}
}

// BenchmarkWriteSARIF writes the SARIF log of the same 3 300 findings.
func BenchmarkWriteSARIF(b *testing.B) {
	r := manyFindings(3300)
	opts := Options{ToolVersion: "1.2.3", Rules: sampleRules()}
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := Write(&buf, "sarif", r, opts); err != nil {
			b.Fatal(err)
		}
	}
}
