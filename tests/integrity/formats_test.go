package integrity

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/letsleep/letsleep/internal/output/sarifschema"
)

// jsonFindings is the part of the JSON report these tests compare with.
type jsonFindings struct {
	Findings []struct {
		Rule, Severity, Resource, Message, Source string
	} `json:"findings"`
	Summary struct {
		Total int `json:"total"`
	} `json:"summary"`
}

func checkJSON(t *testing.T, args ...string) jsonFindings {
	t.Helper()
	out, _ := run(t, nil, append([]string{"check", "--format", "json"}, args...)...)
	var r jsonFindings
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("JSON report does not parse: %v", err)
	}
	return r
}

// sarifSchema compiles the SARIF 2.1.0 schema the output package vendors.
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	sch, err := sarifschema.Schema()
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// TestSARIFValidates: the SARIF of every real-world plan, and of a
// multi-plan run, validates against the schema and carries one unsuppressed
// result per finding.
func TestSARIFValidates(t *testing.T) {
	sch := sarifSchema(t)
	// The schema must be able to fail, or the test proves nothing.
	if err := sch.Validate(map[string]any{"version": "2.1.0", "runs": "not a list"}); err == nil {
		t.Fatal("schema accepted an invalid document")
	}
	for _, in := range inputs(t) {
		t.Run(in.name, func(t *testing.T) {
			out, _ := run(t, nil, append([]string{"check", "--format", "sarif"}, in.paths...)...)
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
			if err != nil {
				t.Fatalf("SARIF is not JSON: %v", err)
			}
			if err := sch.Validate(inst); err != nil {
				t.Fatalf("SARIF does not validate against 2.1.0: %v", err)
			}
			var doc struct {
				Runs []struct {
					Results []struct {
						RuleID       string `json:"ruleId"`
						Suppressions []any  `json:"suppressions"`
					} `json:"results"`
				} `json:"runs"`
			}
			if err := json.Unmarshal(out, &doc); err != nil {
				t.Fatal(err)
			}
			results := 0
			for _, r := range doc.Runs {
				for _, res := range r.Results {
					if len(res.Suppressions) == 0 {
						results++
					}
				}
			}
			if want := len(checkJSON(t, in.paths...).Findings); results != want {
				t.Errorf("SARIF has %d unsuppressed results, the JSON report %d findings", results, want)
			}
		})
	}
}

// TestJUnitIsXML: JUnit parses as XML to the end, and has one failure per
// finding.
func TestJUnitIsXML(t *testing.T) {
	for _, in := range inputs(t) {
		t.Run(in.name, func(t *testing.T) {
			out, _ := run(t, nil, append([]string{"check", "--format", "junit"}, in.paths...)...)
			if err := wellFormed(out); err != nil {
				t.Fatalf("JUnit is not well-formed XML: %v\n%s", err, out)
			}
			var suites struct {
				XMLName  xml.Name `xml:"testsuites"`
				Failures int      `xml:"failures,attr"`
				Suites   []struct {
					Cases []struct {
						Failure *struct{} `xml:"failure"`
					} `xml:"testcase"`
				} `xml:"testsuite"`
			}
			if err := xml.Unmarshal(out, &suites); err != nil {
				t.Fatalf("JUnit root is not <testsuites>: %v", err)
			}
			failures := 0
			for _, s := range suites.Suites {
				for _, c := range s.Cases {
					if c.Failure != nil {
						failures++
					}
				}
			}
			want := len(checkJSON(t, in.paths...).Findings)
			if failures != want || suites.Failures != want {
				t.Errorf("JUnit has %d <failure> (attribute says %d), the JSON report %d findings", failures, suites.Failures, want)
			}
		})
	}
}

// wellFormed reads every token: xml.Unmarshal alone stops at the first
// element and would miss trailing garbage.
func wellFormed(data []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(data))
	depth, roots := 0, 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
			}
			depth++
		case xml.EndElement:
			depth--
		}
	}
	if depth != 0 || roots != 1 {
		return fmt.Errorf("%d root elements, depth %d at the end", roots, depth)
	}
	return nil
}
