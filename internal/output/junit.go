package output

import (
	"encoding/xml"
	"fmt"
	"io"

	"github.com/letsleep/letsleep/internal/report"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// writeJUnit writes one test suite per rule: a failing test case per
// finding, a skipped one per waived finding, and one passing case for a
// rule with neither.
func writeJUnit(w io.Writer, r *report.Report, opts Options) error {
	byRule := map[string][]junitCase{}
	for _, f := range r.Findings {
		text := f.Message
		if len(f.Path) > 0 {
			text += "\nPath: " + PathString(f.Path)
		}
		text += assumptionLines(f)
		if f.Remediation != "" {
			text += "\nFix: " + f.Remediation
		}
		byRule[f.Rule] = append(byRule[f.Rule], junitCase{
			Name:      f.Resource,
			Classname: "letsleep." + f.Rule,
			Failure:   &junitFailure{Message: f.Message, Type: f.Severity, Text: text},
		})
	}
	for _, wf := range r.Waived {
		byRule[wf.Rule] = append(byRule[wf.Rule], junitCase{
			Name:      wf.Resource,
			Classname: "letsleep." + wf.Rule,
			Skipped:   &junitSkipped{Message: fmt.Sprintf("waived until %s: %s%s", wf.Waiver.Expires, wf.Waiver.Reason, waivedBy(wf.Waiver))},
		})
	}
	all := junitSuites{Name: "letsleep"}
	for _, ru := range rulesOf(r, opts.Rules) {
		s := junitSuite{
			Name: ru.ID + " " + ru.Category,
			Properties: []junitProperty{
				{Name: "category", Value: ru.Category},
				{Name: "severity", Value: ru.Severity},
			},
			Cases: byRule[ru.ID],
		}
		if len(s.Cases) == 0 {
			s.Cases = []junitCase{{Name: "no findings", Classname: "letsleep." + ru.ID}}
		}
		for _, c := range s.Cases {
			s.Tests++
			if c.Failure != nil {
				s.Failures++
			}
			if c.Skipped != nil {
				s.Skipped++
			}
		}
		all.Tests += s.Tests
		all.Failures += s.Failures
		all.Skipped += s.Skipped
		all.Suites = append(all.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(all); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}
