package engine

import (
	"reflect"
	"testing"

	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/report"
)

func TestSortOrdersAndDedupes(t *testing.T) {
	f := func(sev, rule, res, msg string, path ...string) report.Finding {
		steps := []model.Step{}
		for _, p := range path {
			steps = append(steps, model.Step{Kind: "k", Address: p})
		}
		return report.Finding{Severity: sev, Rule: rule, Resource: res, Message: msg, Path: steps}
	}
	in := []report.Finding{
		f("low", "LSL-009", "b", "m"),
		f("critical", "LSL-003", "a", "m"),
		f("high", "LSL-002", "z", "m"),
		f("critical", "LSL-001", "b", "m"),
		f("critical", "LSL-001", "a", "y"),
		f("critical", "LSL-001", "a", "x", "p2"),
		f("critical", "LSL-001", "a", "x", "p1"),
		f("critical", "LSL-001", "a", "x", "p1"), // exact duplicate
		f("high", "LSL-002", "z", "m"),           // exact duplicate
		f("info", "ACME", "a", "m"),
		f("bogus", "USER", "a", "m"), // unknown severities rank last
	}
	got := Sort(in)
	want := []report.Finding{
		f("critical", "LSL-001", "a", "x", "p1"),
		f("critical", "LSL-001", "a", "x", "p2"),
		f("critical", "LSL-001", "a", "y"),
		f("critical", "LSL-001", "b", "m"),
		f("critical", "LSL-003", "a", "m"),
		f("high", "LSL-002", "z", "m"),
		f("low", "LSL-009", "b", "m"),
		f("info", "ACME", "a", "m"),
		f("bogus", "USER", "a", "m"),
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Sort =\n%v\nwant\n%v", got, want)
	}
	if len(Sort(nil)) != 0 {
		t.Fatal("Sort(nil) not empty")
	}
}
