package waiver

import (
	"errors"
	"strings"
	"testing"

	"github.com/letsleep/letsleep/internal/report"
)

func TestParseInline(t *testing.T) {
	in, err := ParseInline(`LSL-004,rds-proxy reason="kept until \"split\" ships" expires=2027-03-31`, "stack/main.tf", 12, known)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(in.Rules, "|") != "LSL-004|rds-proxy" || in.Reason != `kept until "split" ships` ||
		in.Expires.Format("2006-01-02") != "2027-03-31" || in.Source() != "stack/main.tf:12" {
		t.Fatalf("parsed %+v", in)
	}
	// Settings in any order, rules as separate words.
	in, err = ParseInline(`expires=2027-03-31 LSL-004 LSL-005 reason=short`, "m.tf", 1, known)
	if err != nil || len(in.Rules) != 2 || in.Reason != "short" {
		t.Fatalf("parsed %+v, %v", in, err)
	}
}

func TestParseInlineErrorsNameFileAndLine(t *testing.T) {
	cases := []struct{ name, text, want string }{
		{"no rule", `reason="r" expires=2027-01-31`, "m.tf:7: letsleep:ignore names no rule"},
		{"no reason", `LSL-004 expires=2027-01-31`, "m.tf:7: letsleep:ignore LSL-004 has no reason"},
		{"empty reason", `LSL-004 reason="" expires=2027-01-31`, "m.tf:7: letsleep:ignore LSL-004 has no reason"},
		{"no expiry", `LSL-004 reason="r"`, "m.tf:7: letsleep:ignore LSL-004 has no expiry: suppressions must expire"},
		{"bad date", `LSL-004 reason="r" expires=31/01/2027`, `m.tf:7: letsleep:ignore expires "31/01/2027" is not a date`},
		{"unknown rule", `LSL-999 reason="r" expires=2027-01-31`, `m.tf:7: letsleep:ignore names unknown rule "LSL-999"`},
		{"unknown setting", `LSL-004 reason="r" until=2027-01-31`, `m.tf:7: letsleep:ignore has an unknown setting "until"`},
		{"twice", `LSL-004 reason="r" reason="s" expires=2027-01-31`, "m.tf:7: letsleep:ignore gives reason twice"},
		{"open quote", `LSL-004 reason="r expires=2027-01-31`, "m.tf:7: letsleep:ignore reason= has an unterminated quoted value"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseInline(c.text, "m.tf", 7, known)
			if err == nil || !strings.HasPrefix(err.Error(), c.want) {
				t.Fatalf("err = %v, want prefix %q", err, c.want)
			}
			if !errors.Is(err, ErrInput) {
				t.Fatalf("%v is not an input error", err)
			}
			if c.name != "unknown rule" && !strings.Contains(err.Error(), `write # letsleep:ignore LSL-001 reason=`) {
				t.Fatalf("%v does not show the form to write", err)
			}
		})
	}
}

func TestApplyInline(t *testing.T) {
	nat := report.Finding{Rule: "LSL-004", Category: "nat-gateway", Resource: "aws_nat_gateway.this[0]"}
	proxy := report.Finding{Rule: "LSL-005", Category: "rds-proxy", Resource: "aws_db_proxy.db"}
	fn := report.Finding{Rule: "LSL-001", Category: "egress-reaches-db", Resource: "aws_lambda_function.x"}
	live, _ := ParseInline(`nat-gateway reason="until Q3" expires=2027-01-31`, "main.tf", 3, known)
	expired, _ := ParseInline(`LSL-001 reason="old" expires=2026-01-31`, "main.tf", 9, known)
	unused, _ := ParseInline(`LSL-005 reason="wrong block" expires=2027-01-31`, "main.tf", 20, known)
	on := map[string][]Inline{nat.Resource: {live}, fn.Resource: {expired}, "aws_rds_cluster.db": {unused}}
	kept, waived, notices := ApplyInline([]report.Finding{nat, proxy, fn}, []Inline{live, expired, unused},
		func(f report.Finding) []Inline { return on[f.Resource] }, day("2026-06-01"))
	if len(kept) != 2 || kept[0].Resource != proxy.Resource || kept[1].Resource != fn.Resource {
		t.Fatalf("kept %+v", kept)
	}
	if len(waived) != 1 || waived[0].Resource != nat.Resource {
		t.Fatalf("waived %+v", waived)
	}
	w := waived[0].Waiver
	if w.Kind != report.KindInSource || w.Source != "main.tf:3" || w.Reason != "until Q3" || w.Expires != "2027-01-31" {
		t.Fatalf("waiver %+v", w)
	}
	if len(notices) != 2 || notices[0].Kind != "expired-suppression" || notices[0].Source != "main.tf:9" || notices[0].Address != fn.Resource ||
		notices[1].Kind != "unused-suppression" || notices[1].Source != "main.tf:20" {
		t.Fatalf("notices %+v", notices)
	}
}
