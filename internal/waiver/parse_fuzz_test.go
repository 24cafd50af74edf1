package waiver_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/letsleep/letsleep/internal/report"
	"github.com/letsleep/letsleep/internal/waiver"
)

var fuzzKnownRules = []string{"LSL-001", "LSL-004", "LSL-015", "nat-gateway", "unanalysed"}

// FuzzParseWaivers complements FuzzParse with the promises a user relies
// on: an error names the file and a line that exists, a parsed waiver is
// complete, and Apply neither loses nor invents findings.
func FuzzParseWaivers(f *testing.F) {
	f.Add([]byte("waivers:\n  - rule: LSL-004\n    resource: \"module.*\"\n    reason: legacy\n    expires: 2027-01-31\n"), "module.a.aws_nat_gateway.this[0]")
	f.Add([]byte("waivers:\n  - rule: nat-gateway\n    resource: 'aws_nat_gateway.this\\[0\\]'\n    reason: x\n    expires: 2020-01-01\n"), "aws_nat_gateway.this[0]")
	f.Add([]byte("waivers:\n  - {rule: LSL-001, resource: \"*\", reason: r, expires: 2027-02-29}\n"), "x")
	f.Add([]byte("waivers:\n  - rule: LSL-004\n    resource: \"*\"\n    reason: a\n    expires: 2027-01-31\n  - rule: LSL-004\n    resource: \"*\"\n    reason: b\n    expires: 2027-01-31\n"), "y")
	f.Add([]byte("waivers: &a [*a]\n"), "z")
	f.Add([]byte("\t- tab\n"), "")
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte, resource string) {
		set, err := waiver.ParseBytes("waivers.yaml", data, fuzzKnownRules)
		if err != nil {
			var ie *waiver.InputError
			if !errors.As(err, &ie) || !errors.Is(err, waiver.ErrInput) {
				t.Fatalf("error is not a waiver.InputError: %v", err)
			}
			if !strings.HasPrefix(err.Error(), "waivers.yaml") || ie.Msg == "" {
				t.Fatalf("error does not name the file first or says nothing: %v", err)
			}
			// yaml.v3 places a missing document body one line past the end
			// ("---" alone): the end of the file is still a place to look.
			if lines := yamlLines(data); ie.Line < 0 || ie.Line > lines+1 {
				t.Fatalf("error points at line %d of a %d-line file: %v", ie.Line, lines, err)
			}
			return
		}
		for _, w := range set.Waivers {
			if w.Rule == "" || w.Resource == "" || w.Reason == "" || w.Expires.IsZero() || w.Line < 1 {
				t.Fatalf("incomplete waiver accepted: %+v", w)
			}
		}
		findings := []report.Finding{
			{Rule: "LSL-004", Category: "nat-gateway", Severity: "medium", Resource: resource},
			{Rule: "LSL-015", Category: "unanalysed", Severity: "low", Resource: resource},
			{Rule: "LSL-001", Category: "egress-reaches-db", Severity: "critical", Resource: "aws_lambda_function.f"},
		}
		kept, waived, _ := set.Apply(findings, now)
		if len(kept)+len(waived) != len(findings) {
			t.Fatalf("Apply turned %d findings into %d kept + %d waived", len(findings), len(kept), len(waived))
		}
		for _, wf := range waived {
			live := false
			for _, w := range set.Waivers {
				if w.Matches(wf.Finding) && !w.Expired(now) {
					live = true
				}
			}
			if !live {
				t.Fatalf("finding %+v waived without a live matching waiver", wf.Finding)
			}
		}
	})
}

// yamlLines counts lines as yaml.v3 does: \n, \r\n, a lone \r, and the
// Unicode breaks NEL, LS and PS all end a line.
func yamlLines(data []byte) int {
	norm := bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	for _, br := range []string{"\r", "\u0085", "\u2028", "\u2029"} {
		norm = bytes.ReplaceAll(norm, []byte(br), []byte("\n"))
	}
	return bytes.Count(norm, []byte("\n")) + 1
}
