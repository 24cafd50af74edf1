package output

import (
	"bytes"
	"strings"
	"testing"

	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/report"
)

func TestVisibleEscapesHiddenCharacters(t *testing.T) {
	cases := map[string]string{
		"aws_s3_bucket.plain":   "aws_s3_bucket.plain",
		"a\x1b[2Jb":             `a\u001b[2Jb`,
		"line\rover":            `line\u000dover`,
		"two\nlines":            `two\u000alines`,
		"sep\u2028arator":       `sep\u2028arator`,
		"c1\u009bcontrol":       `c1\u009bcontrol`,
		"ünïcode → arrows stay": "ünïcode → arrows stay",
	}
	for in, want := range cases {
		if got := Visible(in); got != want {
			t.Errorf("Visible(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTextFormatsNeverPrintRawControlCharacters(t *testing.T) {
	hostile := "aws_nat_gateway.x[\"a\x1b[2J\r\n::error::forged\"]"
	rep := &report.Report{Findings: []report.Finding{{
		Rule: "LSL-004", Category: "nat-gateway", Severity: "medium", Resource: hostile,
		Message: "NAT " + hostile, Path: []model.Step{{Kind: "nat_gateway", Address: hostile, Detail: hostile}},
	}}}
	for _, format := range []string{"table", "markdown", "github"} {
		var buf bytes.Buffer
		if err := Write(&buf, format, rep, Options{}); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		out := buf.String()
		if strings.ContainsAny(out, "\x1b\r") {
			t.Errorf("%s output carries a raw ESC or CR: %q", format, out)
		}
		if strings.Contains(out, "\n::error::forged") {
			t.Errorf("%s output lets a newline in the address start a new line: %q", format, out)
		}
	}
	// The input report is left untouched: JSON still carries the real address.
	if rep.Findings[0].Path[0].Address != hostile {
		t.Fatal("sanitising changed the caller's report")
	}
}
