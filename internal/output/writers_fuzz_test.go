package output_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/output"
	"github.com/letsleep/letsleep/internal/output/sarifschema"
	"github.com/letsleep/letsleep/internal/report"
)

func sarifSchemaForFuzz() (*jsonschema.Schema, error) { return sarifschema.Schema() }

// FuzzWriters renders a report whose user-controlled strings (resource
// addresses come from for_each keys, messages quote them) are arbitrary,
// and checks each format still holds: JSON round-trips the address, SARIF
// validates, JUnit is well-formed XML, and every github line is a workflow
// command.
func FuzzWriters(f *testing.F) {
	f.Add("aws_nat_gateway.this[\"a\"]", "NAT gateway exists", "LSL-004", "waiver reason")
	f.Add("module.m[\"x\\ny\"].aws_security_group.s", "open to 0.0.0.0/0 on 22", "LSL-008", "r")
	f.Add("a]]><b>&amp;\x1b[2J\r\n::error::x%0A", "m|d`c", "x:y,z", "%")
	f.Add("", "", "", "")
	f.Fuzz(func(t *testing.T, resource, message, rule, reason string) {
		// Reports are built from JSON plans, so their strings are valid UTF-8.
		for _, s := range []string{resource, message, rule, reason} {
			if !utf8.ValidString(s) {
				return
			}
		}
		rep := &report.Report{
			Findings: []report.Finding{{
				Rule: rule, Category: "nat-gateway", Severity: "medium", Resource: resource, Title: rule + " title",
				Message: message, Remediation: "fix " + resource, Source: "plan.json",
				Path: []model.Step{{Kind: "nat_gateway", Address: resource, Detail: message}},
			}},
			Waived: []report.WaivedFinding{{
				Finding: report.Finding{Rule: "LSL-003", Category: "public-db-waker", Severity: "critical", Resource: resource, Message: message},
				Waiver:  report.Waiver{Rule: "LSL-003", Resource: "*", Reason: reason, Expires: "2999-01-01"},
			}},
			Warnings: []report.Notice{{Kind: "plan", Source: "plan.json", Address: resource, Message: message}},
			Plan:     report.PlanRef{Source: "plan.json", FormatVersion: "1.2"},
		}
		opts := output.Options{ToolVersion: "0.0.0", Rules: []output.Rule{{ID: rule, Category: "nat-gateway", Severity: "medium", Title: "t", Description: message}}}
		render := func(format string) []byte {
			var buf bytes.Buffer
			if err := output.Write(&buf, format, rep, opts); err != nil {
				t.Fatalf("%s: %v", format, err)
			}
			return buf.Bytes()
		}

		var back report.Report
		if err := json.Unmarshal(render("json"), &back); err != nil {
			t.Fatalf("json does not parse: %v", err)
		}
		if len(back.Findings) != 1 || back.Findings[0].Resource != resource {
			t.Fatalf("json lost the resource %q: %+v", resource, back.Findings)
		}

		sch, err := sarifSchemaForFuzz()
		if err != nil {
			t.Fatal(err)
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(render("sarif")))
		if err != nil {
			t.Fatalf("sarif is not JSON: %v", err)
		}
		if err := sch.Validate(inst); err != nil {
			t.Fatalf("sarif does not validate: %v", err)
		}

		if err := xmlWellFormed(render("junit")); err != nil {
			t.Fatalf("junit is not well-formed XML: %v", err)
		}

		sc := bufio.NewScanner(bytes.NewReader(render("github")))
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			if !strings.HasPrefix(sc.Text(), "::") {
				t.Fatalf("github line is not a workflow command (injected by the data?): %q", sc.Text())
			}
		}

		_ = render("table")
		_ = render("markdown")
	})
}

func xmlWellFormed(data []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(data))
	for {
		_, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
