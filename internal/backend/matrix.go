package backend

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/probe"
)

// Matrix targets.
const (
	TargetDB     = "db"
	TargetCanary = "canary"
)

// Expectations.
const (
	ExpectBlocked   = "blocked"
	ExpectReachable = "reachable"
)

// BlockedOutcomes are the probe outcomes that count as "could not get there".
var BlockedOutcomes = []string{probe.OutcomeTimeout, probe.OutcomeRefused, probe.OutcomeDNSError}

// Row is one cell of the boundary matrix: a function, a target, what the
// invariant expects and, once probed, what was observed.
type Row struct {
	Function string   `json:"function"`
	Role     string   `json:"role,omitempty"`
	Target   string   `json:"target"`
	Expect   string   `json:"expect"`
	Accept   []string `json:"accept"` // outcomes that satisfy Expect
	Reason   string   `json:"reason"`
	// Positive marks a positive control: it proves the probe can succeed.
	Positive bool `json:"positive,omitempty"`
	// NeedsWake marks a row whose probe would wake the database.
	NeedsWake bool `json:"needs_wake,omitempty"`

	Observed string `json:"observed,omitempty"` // probe outcome; "" until probed
	Detail   string `json:"detail,omitempty"`
	Skipped  string `json:"skipped,omitempty"` // why the row was not probed
}

// Holds reports whether the observed outcome satisfies the expectation.
// An unprobed or skipped row does not hold.
func (r Row) Holds() bool {
	return r.Observed != "" && slices.Contains(r.Accept, r.Observed)
}

// Matrix is the boundary matrix of one stack.
type Matrix struct {
	Rows []Row `json:"rows"`
}

// ExpectedMatrix derives from the boundary model what the probes must see.
// The expectations are the invariant, not the model's prediction, so a wrong
// wiring shows up as a row that does not hold:
//   - a context that can go out (egress paths, or role egress) must not
//     open the DB endpoint;
//   - a data-capable context (data paths, or role control/warmup) must not
//     reach the internet canary;
//   - a hot context must not open the DB endpoint: a hot path that can touch
//     the DB wakes it (sleep-first);
//   - positive controls: the control context reaches the DB (it wakes it),
//     the egress context reaches the canary. A positive control is added only
//     where no negative expectation exists for the same cell.
func ExpectedMatrix(m *model.Model) Matrix {
	var rows []Row
	for _, f := range m.Functions {
		goesOut := len(f.Egress) > 0 || f.Role == model.RoleEgress
		dataCapable := len(f.DataPaths) > 0 || f.Role == model.RoleControl || f.Role == model.RoleWarmup
		blocked := func(target, reason string) Row {
			return Row{Function: f.Address, Role: f.Role, Target: target, Expect: ExpectBlocked,
				Accept: slices.Clone(BlockedOutcomes), Reason: reason}
		}
		var dbRow, canaryRow *Row
		switch {
		case goesOut:
			r := blocked(TargetDB, "can go out: "+egressKinds(f))
			dbRow = &r
		case f.Role == model.RoleHot:
			r := blocked(TargetDB, "hot path: must not wake the DB")
			dbRow = &r
		case f.Role == model.RoleControl:
			r := Row{Function: f.Address, Role: f.Role, Target: TargetDB, Expect: ExpectReachable,
				Accept: []string{probe.OutcomeReachable}, Reason: "positive control: control path reaches the DB",
				Positive: true, NeedsWake: true}
			dbRow = &r
		}
		switch {
		case dataCapable:
			r := blocked(TargetCanary, "data-capable: "+dataKinds(f))
			canaryRow = &r
		case f.Role == model.RoleEgress:
			r := Row{Function: f.Address, Role: f.Role, Target: TargetCanary, Expect: ExpectReachable,
				Accept: []string{probe.OutcomeReachable}, Reason: "positive control: egress path reaches the internet",
				Positive: true}
			canaryRow = &r
		}
		for _, r := range []*Row{dbRow, canaryRow} {
			if r != nil {
				rows = append(rows, *r)
			}
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].Function != rows[j].Function {
			return rows[i].Function < rows[j].Function
		}
		return rows[i].Target < rows[j].Target
	})
	return Matrix{Rows: rows}
}

func egressKinds(f model.Function) string {
	if len(f.Egress) == 0 {
		return "role egress"
	}
	return pathKinds(f.Egress)
}

func dataKinds(f model.Function) string {
	if len(f.DataPaths) == 0 {
		return "role " + f.Role
	}
	return pathKinds(f.DataPaths)
}

func pathKinds(ps []model.Path) string {
	var kinds []string
	for _, p := range ps {
		if !slices.Contains(kinds, p.Kind) {
			kinds = append(kinds, p.Kind)
		}
	}
	return strings.Join(kinds, ",")
}

// Violations returns the probed rows that do not hold.
func (m Matrix) Violations() []Row {
	var out []Row
	for _, r := range m.Rows {
		if r.Skipped == "" && !r.Holds() {
			out = append(out, r)
		}
	}
	return out
}

// WriteTable prints the matrix as an aligned table a person can read.
func (m Matrix) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FUNCTION\tROLE\tTARGET\tEXPECTED\tOBSERVED\tVERDICT\tWHY")
	for _, r := range m.Rows {
		verdict := "ok"
		observed := r.Observed
		switch {
		case r.Skipped != "":
			verdict, observed = "skipped", "-"
		case !r.Holds():
			verdict = "VIOLATION"
		}
		expect := r.Expect
		if r.Positive {
			expect += " (control)"
		}
		why := r.Reason
		if r.Skipped != "" {
			why += "; skipped: " + r.Skipped
		} else if r.Detail != "" && !r.Holds() {
			why += "; " + r.Detail
		}
		role := r.Role
		if role == "" {
			role = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Function, role, r.Target, expect, observed, verdict, why)
	}
	return tw.Flush()
}
