package runner

import (
	"testing"

	"github.com/letsleep/letsleep/internal/report"
)

func TestSummariseThresholdAndStrict(t *testing.T) {
	rep := &report.Report{Findings: []report.Finding{
		{Rule: "LSL-009", Category: "open-ingress", Severity: "low"},
		{Rule: "LSL-015", Category: report.CategoryUnanalysed, Severity: "low"},
	}}
	cases := []struct {
		name   string
		failOn string
		strict bool
		want   bool
	}{
		{"low findings pass at medium", "medium", false, false},
		{"low findings fail at low", "low", false, true},
		{"strict fails on unanalysed", "critical", true, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := Summarise(rep, tc.failOn, ProfileSleepFirst, tc.strict)
			if s.Failed != tc.want {
				t.Fatalf("Failed = %v, want %v", s.Failed, tc.want)
			}
			if s.Total != 2 || s.BySeverity["low"] != 2 || s.BySeverity["critical"] != 0 {
				t.Fatalf("counts wrong: %+v", s)
			}
			if s.ByCategory["open-ingress"] != 1 || s.ByCategory[report.CategoryUnanalysed] != 1 {
				t.Fatalf("category counts wrong: %+v", s.ByCategory)
			}
		})
	}
}

func TestOptionsValidate(t *testing.T) {
	bad := []Options{
		{},
		{Paths: []string{"p"}, Profile: "sometimes"},
		{Paths: []string{"p"}, FailOn: "urgent"},
	}
	for i, o := range bad {
		if err := o.withDefaults().validate(); err == nil {
			t.Errorf("case %d: want a usage error, got nil", i)
		}
	}
	if err := (Options{Paths: []string{"p"}}).withDefaults().validate(); err != nil {
		t.Fatalf("defaults should be valid: %v", err)
	}
}
