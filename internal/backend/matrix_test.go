package backend

import (
	"bytes"
	"strings"
	"testing"

	"github.com/letsleep/letsleep/internal/model"
)

func path(kind string) []model.Path { return []model.Path{{Kind: kind, Target: "x"}} }

func TestExpectedMatrix(t *testing.T) {
	m := &model.Model{Functions: []model.Function{
		{Address: "hot", Role: model.RoleHot},
		{Address: "ctl", Role: model.RoleControl, InVPC: true, DataPaths: path(model.PathNetwork)},
		{Address: "egr", Role: model.RoleEgress, Egress: path(model.PathOutsideVPC)},
		{Address: "bad", Role: model.RoleEgress, Egress: path(model.PathNAT), DataPaths: path(model.PathNetwork)},
		{Address: "plain"},
	}}
	got := map[string]Row{}
	for _, r := range ExpectedMatrix(m).Rows {
		got[r.Function+"/"+r.Target] = r
	}
	cases := []struct {
		cell, expect string
		positive     bool
	}{
		{"hot/db", ExpectBlocked, false},
		{"ctl/db", ExpectReachable, true},
		{"ctl/canary", ExpectBlocked, false},
		{"egr/db", ExpectBlocked, false},
		{"egr/canary", ExpectReachable, true},
		{"bad/db", ExpectBlocked, false},
		{"bad/canary", ExpectBlocked, false},
	}
	for _, c := range cases {
		r, ok := got[c.cell]
		if !ok {
			t.Errorf("%s: no row", c.cell)
			continue
		}
		if r.Expect != c.expect || r.Positive != c.positive {
			t.Errorf("%s: expect %s positive %v, got %s %v", c.cell, c.expect, c.positive, r.Expect, r.Positive)
		}
	}
	if len(got) != len(cases) {
		t.Errorf("got %d rows, want %d: %v", len(got), len(cases), got)
	}
	if !got["ctl/db"].NeedsWake {
		t.Error("the control DB row must be marked NeedsWake")
	}
}

func TestRowHoldsAndTable(t *testing.T) {
	mx := Matrix{Rows: []Row{
		{Function: "a", Target: TargetDB, Expect: ExpectBlocked, Accept: BlockedOutcomes, Observed: "timeout"},
		{Function: "b", Target: TargetDB, Expect: ExpectBlocked, Accept: BlockedOutcomes, Observed: "reachable"},
		{Function: "c", Target: TargetDB, Expect: ExpectReachable, Accept: []string{"reachable"}, Skipped: "no wake"},
		{Function: "d", Target: TargetDB, Expect: ExpectBlocked, Accept: BlockedOutcomes},
	}}
	v := mx.Violations()
	if len(v) != 2 || v[0].Function != "b" || v[1].Function != "d" {
		t.Fatalf("violations = %+v, want b (reachable) and d (never probed)", v)
	}
	var buf bytes.Buffer
	if err := mx.WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"VIOLATION", "skipped", "FUNCTION"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}
