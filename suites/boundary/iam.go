package boundary

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/letsleep/letsleep/internal/backend"
	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/probe"
)

// IAMCellRow is one IAM path the probe tried from a function: the IAM
// columns of the boundary matrix.
type IAMCellRow struct {
	Function string `json:"function"`
	Column   string `json:"column"` // backend.Column*
	Target   string `json:"target"`
	// Expect is blocked when the function can go out or is hot (a data
	// path from it breaks the boundary or wakes the database), else any.
	Expect   string `json:"expect"`
	Observed string `json:"observed"`
	Detail   string `json:"detail,omitempty"`
	// Assumed lists what the twin's IAM assumed to answer (unknown values
	// of the plan, conditions it does not evaluate); empty when the plan
	// alone decided.
	Assumed []string `json:"assumed,omitempty"`
}

// ExpectAny marks an IAM cell whose outcome the invariant does not bind.
const ExpectAny = "any"

// Violation reports whether the cell breaks the boundary.
func (r IAMCellRow) Violation() bool {
	return r.Expect == backend.ExpectBlocked && r.Observed == probe.OutcomeReachable
}

// probeIAM tries the IAM cells of every function of a twin that can
// (backend.IAMProber), one probe request per function.
func probeIAM(ctx context.Context, b backend.Boundary, p backend.IAMProber) ([]IAMCellRow, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var rows []IAMCellRow
	for _, fc := range b.Contexts() {
		cells := p.IAMCells(fc.Function)
		if len(cells) == 0 {
			continue
		}
		expect := ExpectAny
		if fc.CanGoOut || fc.Role == model.RoleHot {
			expect = backend.ExpectBlocked
		}
		// Below the lab probe's 12 s function timeout; the checks run at once.
		req := probe.Request{ID: "boundary-iam", DeadlineMS: 10000}
		var keep []backend.IAMCell
		for _, c := range cells {
			if c.Column == backend.ColumnDataAPI && !b.AllowWake() {
				rows = append(rows, IAMCellRow{Function: fc.Function, Column: c.Column, Target: c.Target, Expect: expect,
					Detail: "skipped: a Data API call would wake the DB (pass --allow-wake or LETSLEEP_ALLOW_WAKE=1)"})
				continue
			}
			keep = append(keep, c)
			req.Checks = append(req.Checks, c.Check)
		}
		resp, err := b.Probe(ctx, fc.Function, req)
		if err != nil {
			// The cells of this function are errors, not a verdict; the
			// other functions' cells still count.
			resp = probe.Response{}
			for range keep {
				resp.Results = append(resp.Results, probe.Result{Outcome: probe.OutcomeError, Detail: "probe failed: " + err.Error()})
			}
		}
		for i, c := range keep {
			row := IAMCellRow{Function: fc.Function, Column: c.Column, Target: c.Target, Expect: expect,
				Observed: probe.OutcomeError, Detail: "probe returned no result"}
			if i < len(resp.Results) {
				row.Observed, row.Detail = resp.Results[i].Outcome, resp.Results[i].Detail
			}
			row.Assumed = p.IAMAssumptions(fc.Function, c)
			rows = append(rows, row)
		}
	}
	return rows, nil
}

func iamViolations(rows []IAMCellRow) []string {
	var out []string
	for _, r := range rows {
		if !r.Violation() {
			continue
		}
		v := fmt.Sprintf("probe: %s → %s %s observed reachable, expected blocked (an IAM way to the data)", r.Function, r.Column, r.Target)
		if len(r.Assumed) > 0 {
			v += "; the lab's IAM assumed: " + strings.Join(r.Assumed, "; ")
		}
		out = append(out, v)
	}
	return out
}

func writeIAMCells(w io.Writer, rows []IAMCellRow) {
	if len(rows) == 0 {
		return
	}
	fmt.Fprintln(w, "iam cells: function × IAM path, tried by the probe against the lab's own IAM (read from the plan)")
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  FUNCTION\tCOLUMN\tTARGET\tEXPECT\tOBSERVED\tDETAIL")
	for _, r := range rows {
		detail := r.Detail
		if len(r.Assumed) > 0 {
			detail += " [assumed: " + strings.Join(r.Assumed, "; ") + "]"
		}
		verdict := r.Observed
		if r.Violation() {
			verdict += " VIOLATION"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n", r.Function, r.Column, r.Target, r.Expect, verdict, oneLineDetail(detail))
	}
	_ = tw.Flush()
}

func oneLineDetail(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
