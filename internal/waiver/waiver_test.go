package waiver

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/letsleep/letsleep/internal/report"
)

var known = []string{"LSL-001", "LSL-004", "LSL-005", "nat-gateway", "rds-proxy"}

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t.Add(12 * time.Hour)
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, yaml, want string
	}{
		{"empty", "", "w.yaml: the waivers file is empty"},
		{"not yaml", "waivers: [", "w.yaml: not valid YAML"},
		{"scalar", "42\n", "w.yaml:1: expected a mapping with a `waivers:` list"},
		{"unknown top key", "waiver:\n  - rule: LSL-004\n", "w.yaml:1: unknown top-level key \"waiver\""},
		{"not a list", "waivers: yes\n", "w.yaml:1: `waivers` must be a list"},
		{"bad date", "waivers:\n  - rule: LSL-004\n    resource: \"*\"\n    reason: r\n    expires: 2027-13-01\n", "w.yaml:5: expires \"2027-13-01\" is not a date: write YYYY-MM-DD"},
		{"us date", "waivers:\n  - rule: LSL-004\n    resource: \"*\"\n    reason: r\n    expires: 01/31/2027\n", "w.yaml:5: expires \"01/31/2027\" is not a date"},
		{"missing reason", "waivers:\n  - rule: LSL-004\n    resource: \"*\"\n    expires: 2027-01-31\n", "w.yaml:2: waiver for LSL-004 without `reason`"},
		{"missing expiry", "waivers:\n  - rule: LSL-004\n    resource: \"*\"\n    reason: r\n", "w.yaml:2: waiver for LSL-004 without `expires`"},
		{"missing rule", "waivers:\n  - resource: \"*\"\n", "w.yaml:2: waiver without `rule`"},
		{"missing resource", "waivers:\n  - rule: LSL-004\n", "w.yaml:2: waiver for LSL-004 without `resource`"},
		{"unknown rule", "waivers:\n  - rule: LSL-999\n    resource: \"*\"\n    reason: r\n    expires: 2027-01-31\n", "w.yaml:2: unknown rule \"LSL-999\": use a rule id or category (LSL-001, LSL-004"},
		{"unknown key", "waivers:\n  - rule: LSL-004\n    resources: \"*\"\n", "w.yaml:3: unknown key \"resources\""},
		{"bad glob", "waivers:\n  - rule: LSL-004\n    resource: \"x[0\"\n    reason: r\n    expires: 2027-01-31\n", "w.yaml:2: resource `x[0` is not a valid glob"},
		{"entry not mapping", "waivers:\n  - LSL-004\n", "w.yaml:2: a waiver must be a mapping"},
		{"nested value", "waivers:\n  - rule: [LSL-004]\n", "w.yaml:2: rule must be a single value"},
		{"duplicate", "waivers:\n  - rule: LSL-004\n    resource: \"a.*\"\n    reason: r\n    expires: 2027-01-31\n  - rule: LSL-004\n    resource: \"a.*\"\n    reason: again\n    expires: 2027-02-01\n",
			"w.yaml:6: duplicate waiver for rule LSL-004 and resource `a.*` (first at line 2): keep one"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseBytes("w.yaml", []byte(c.yaml), known)
			if err == nil {
				t.Fatalf("no error, want %q", c.want)
			}
			if !errors.Is(err, ErrInput) {
				t.Errorf("error does not wrap ErrInput: %v", err)
			}
			if !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("error\n got %q\nwant prefix %q", err.Error(), c.want)
			}
		})
	}
}

func TestParseMissingFile(t *testing.T) {
	_, err := Parse(filepath.Join(t.TempDir(), "nope.yaml"), known)
	if !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), "nope.yaml: cannot read the waivers file (no such file or directory)") {
		t.Errorf("err = %v", err)
	}
}

func TestParseValid(t *testing.T) {
	path := filepath.Join(t.TempDir(), "waivers.yaml")
	content := `waivers:
  - rule: nat-gateway
    resource: "module.legacy.*"
    reason: legacy VPC until the migration
    expires: 2027-01-31
  - rule: LSL-005
    resource: 'aws_db_proxy.main\[0\]'
    reason: "proxy kept for the batch job"
    expires: "2026-06-30"
`
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	set, err := Parse(path, known)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Waivers) != 2 || set.Waivers[1].Line != 6 || set.Waivers[0].Expires.Format("2006-01-02") != "2027-01-31" {
		t.Fatalf("parsed %+v", set.Waivers)
	}
	if s, err := ParseBytes("w.yaml", []byte("waivers:\n"), known); err != nil || len(s.Waivers) != 0 {
		t.Errorf("empty list: %v %v", s, err)
	}
}

func TestMatches(t *testing.T) {
	set, err := ParseBytes("w.yaml", []byte(`waivers:
  - {rule: nat-gateway, resource: "module.legacy.*", reason: r, expires: 2027-01-31}
  - {rule: LSL-005, resource: 'aws_db_proxy.main\[0\]', reason: r, expires: 2027-01-31}
  - {rule: LSL-001, resource: 'aws_lambda_function.{a,b}', reason: r, expires: 2027-01-31}
`), known)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		w    int
		f    report.Finding
		want bool
	}{
		{0, report.Finding{Rule: "LSL-004", Category: "nat-gateway", Resource: "module.legacy.aws_nat_gateway.this[0]"}, true},
		{0, report.Finding{Rule: "LSL-004", Category: "nat-gateway", Resource: "module.legacy.module.inner.aws_nat_gateway.x"}, true},
		{0, report.Finding{Rule: "LSL-004", Category: "nat-gateway", Resource: "module.new.aws_nat_gateway.this"}, false},
		{0, report.Finding{Rule: "LSL-005", Category: "rds-proxy", Resource: "module.legacy.aws_db_proxy.p"}, false},
		{1, report.Finding{Rule: "LSL-005", Category: "rds-proxy", Resource: "aws_db_proxy.main[0]"}, true},
		{1, report.Finding{Rule: "LSL-005", Category: "rds-proxy", Resource: "aws_db_proxy.main0"}, false},
		{1, report.Finding{Rule: "LSL-005", Category: "rds-proxy", Resource: "aws_db_proxy.main[1]"}, false},
		{2, report.Finding{Rule: "LSL-001", Resource: "aws_lambda_function.b"}, true},
		{2, report.Finding{Rule: "LSL-001", Resource: "aws_lambda_function.c"}, false},
	}
	for _, c := range cases {
		if got := set.Waivers[c.w].Matches(c.f); got != c.want {
			t.Errorf("waiver %d (%s) on %s = %v, want %v", c.w, set.Waivers[c.w].Resource, c.f.Resource, got, c.want)
		}
	}
}

func TestApply(t *testing.T) {
	set, err := ParseBytes("w.yaml", []byte(`waivers:
  - {rule: nat-gateway, resource: "module.legacy.*", reason: legacy, expires: 2027-01-31}
  - {rule: LSL-005, resource: "*", reason: old, expires: 2026-01-01}
  - {rule: LSL-001, resource: "aws_lambda_function.gone", reason: unused, expires: 2027-01-31}
`), known)
	if err != nil {
		t.Fatal(err)
	}
	findings := []report.Finding{
		{Rule: "LSL-004", Category: "nat-gateway", Resource: "module.legacy.aws_nat_gateway.a"},
		{Rule: "LSL-004", Category: "nat-gateway", Resource: "aws_nat_gateway.b"},
		{Rule: "LSL-005", Category: "rds-proxy", Resource: "aws_db_proxy.p"},
	}
	kept, waived, notices := set.Apply(findings, day("2026-11-25"))
	if len(kept) != 2 || kept[0].Resource != "aws_nat_gateway.b" || kept[1].Resource != "aws_db_proxy.p" {
		t.Errorf("kept = %+v", kept)
	}
	if len(waived) != 1 || waived[0].Resource != "module.legacy.aws_nat_gateway.a" || waived[0].Waiver.Reason != "legacy" || waived[0].Waiver.Expires != "2027-01-31" {
		t.Errorf("waived = %+v", waived)
	}
	if len(notices) != 2 {
		t.Fatalf("notices = %+v", notices)
	}
	if n := notices[0]; n.Kind != "expired-waiver" || n.Source != "w.yaml:3" || n.Address != "aws_db_proxy.p" || !strings.Contains(n.Message, "expired on 2026-01-01") {
		t.Errorf("expired notice = %+v", n)
	}
	if n := notices[1]; n.Kind != "unused-waiver" || n.Source != "w.yaml:4" {
		t.Errorf("unused notice = %+v", n)
	}
	if len(kept)+len(waived) != len(findings) {
		t.Error("a finding was dropped")
	}
}

func TestExpiryIsInclusive(t *testing.T) {
	set, err := ParseBytes("w.yaml", []byte("waivers:\n  - {rule: LSL-004, resource: \"*\", reason: r, expires: 2027-01-31}\n"), known)
	if err != nil {
		t.Fatal(err)
	}
	w := set.Waivers[0]
	last := time.Date(2027, 1, 31, 23, 59, 59, 0, time.UTC)
	if w.Expired(last) {
		t.Error("expired during its last day")
	}
	if !w.Expired(last.Add(time.Second)) {
		t.Error("still live the day after")
	}
}

func TestNilSetKeepsAll(t *testing.T) {
	var s *Set
	kept, waived, notices := s.Apply([]report.Finding{{Rule: "LSL-004"}}, time.Now())
	if len(kept) != 1 || len(waived) != 0 || len(notices) != 0 {
		t.Errorf("nil set changed findings")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("waivers:\n  - {rule: LSL-004, resource: \"module.*\", reason: r, expires: 2027-01-31}\n"))
	f.Add([]byte("waivers:\n  - rule: LSL-005\n    resource: 'a\\[0\\]'\n    reason: x\n    expires: 2026-02-30\n"))
	f.Add([]byte("waivers: [\n"))
	f.Add([]byte("- a\n- b\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		set, err := ParseBytes("fuzz.yaml", data, known)
		if err != nil {
			if !errors.Is(err, ErrInput) {
				t.Fatalf("error without ErrInput: %v", err)
			}
			return
		}
		set.Apply([]report.Finding{{Rule: "LSL-004", Category: "nat-gateway", Resource: "module.a.b[0]"}}, time.Now())
	})
}

// TestNoticesAreCapped: thousands of unused waivers give MaxNotices notices
// and one line counting the rest, not one line each.
func TestNoticesAreCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString("waivers:\n")
	const n = 1000
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  - {rule: LSL-001, resource: \"aws_lambda_function.f%d\", reason: r, expires: 2027-01-31}\n", i)
	}
	set, err := ParseBytes("w.yaml", []byte(b.String()), known)
	if err != nil {
		t.Fatal(err)
	}
	_, _, notices := set.Apply(nil, day("2026-11-25"))
	if len(notices) != MaxNotices+1 {
		t.Fatalf("got %d notices, want %d", len(notices), MaxNotices+1)
	}
	last := notices[MaxNotices]
	want := fmt.Sprintf("and %d more unused-waiver notices from w.yaml:%d onwards", n-MaxNotices, MaxNotices+2)
	if last.Kind != "unused-waiver" || !strings.HasPrefix(last.Message, want) {
		t.Fatalf("summary notice = %+v, want prefix %q", last, want)
	}
}

func TestParseRefusesUTF16AndHugeFiles(t *testing.T) {
	dir := t.TempDir()
	u16 := filepath.Join(dir, "u16.yaml")
	os.WriteFile(u16, []byte{0xFF, 0xFE, 'w', 0, 'a', 0}, 0o600)
	_, err := Parse(u16, known)
	if !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), u16+": the file is UTF-16 little-endian text") {
		t.Fatalf("UTF-16: %v", err)
	}
	t.Setenv("LETSLEEP_MAX_WAIVERS_BYTES", "64")
	_, err = Parse("/dev/zero", known)
	if !errors.Is(err, ErrInput) || err.Error() != "/dev/zero: the waivers file is larger than the 64-byte limit: set LETSLEEP_MAX_WAIVERS_BYTES to a larger byte count" {
		t.Fatalf("/dev/zero: %v", err)
	}
}
