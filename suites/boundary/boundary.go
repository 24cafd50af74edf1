// Package boundary is the boundary suite's logic: derive the expected matrix
// from the boundary model, probe every cell from inside each function's
// context, and simulate the egress roles' data actions. The Ginkgo specs in
// this folder and the mutation suite both call Run.
package boundary

import (
	"context"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/letsleep/letsleep/internal/backend"
	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/probe"
)

// Options tune a run.
type Options struct {
	// CheckTimeout bounds each probe check; a blocked path costs this much.
	CheckTimeout time.Duration
}

// IAMRow is one simulated decision for one function.
type IAMRow struct {
	Function string `json:"function"`
	backend.IAMDecision
}

// Result is the boundary matrix as observed, plus the IAM simulation.
type Result struct {
	Backend string         `json:"backend"`
	Matrix  backend.Matrix `json:"matrix"`
	IAM     []IAMRow       `json:"iam"`
	// IAMCells are the IAM paths the probe tried for real, on a twin
	// with an IAM of its own (the lab).
	IAMCells []IAMCellRow `json:"iam_cells,omitempty"`
}

// Run probes every cell of the expected matrix of m through b.
func Run(ctx context.Context, b backend.Boundary, m *model.Model, opts Options) (*Result, error) {
	if opts.CheckTimeout <= 0 {
		opts.CheckTimeout = 1500 * time.Millisecond
	}
	res := &Result{Backend: b.Name(), Matrix: backend.ExpectedMatrix(m)}
	db, canary := b.DBEndpoint(), b.Canary()
	byFn := map[string][]int{}
	var fns []string
	for i, r := range res.Matrix.Rows {
		if r.NeedsWake && !b.AllowWake() {
			res.Matrix.Rows[i].Skipped = "would wake the DB: pass --allow-wake or LETSLEEP_ALLOW_WAKE=1"
			continue
		}
		if _, ok := byFn[r.Function]; !ok {
			fns = append(fns, r.Function)
		}
		byFn[r.Function] = append(byFn[r.Function], i)
	}
	sort.Strings(fns)
	for _, fn := range fns {
		req := probe.Request{ID: "boundary", DeadlineMS: int(4 * opts.CheckTimeout / time.Millisecond)}
		for _, i := range byFn[fn] {
			req.Checks = append(req.Checks, check(res.Matrix.Rows[i].Target, db, canary, opts.CheckTimeout))
		}
		resp, err := b.Probe(ctx, fn, req)
		if err != nil {
			return nil, fmt.Errorf("probe %s: %w", fn, err)
		}
		for k, i := range byFn[fn] {
			if k >= len(resp.Results) {
				res.Matrix.Rows[i].Observed, res.Matrix.Rows[i].Detail = probe.OutcomeError, "probe returned no result"
				continue
			}
			res.Matrix.Rows[i].Observed, res.Matrix.Rows[i].Detail = resp.Results[k].Outcome, resp.Results[k].Detail
		}
	}
	if p, ok := b.(backend.IAMProber); ok {
		var err error
		if res.IAMCells, err = probeIAM(ctx, b, p); err != nil {
			return nil, err
		}
	}
	for _, f := range m.Functions {
		if f.Role != model.RoleEgress && len(f.Egress) == 0 {
			continue
		}
		decisions, err := b.SimulateEgressIAM(ctx, f.Address)
		if err != nil {
			return nil, fmt.Errorf("simulate %s: %w", f.Address, err)
		}
		for _, d := range decisions {
			res.IAM = append(res.IAM, IAMRow{Function: f.Address, IAMDecision: d})
		}
	}
	return res, nil
}

func check(target string, db backend.HostPort, canary backend.Canary, timeout time.Duration) probe.Check {
	ms := int(timeout / time.Millisecond)
	if target == backend.TargetCanary {
		return probe.Check{Name: "canary", Kind: probe.KindHTTPS, URL: canary.URL, CAPEM: canary.CAPEM, TimeoutMS: ms}
	}
	return probe.Check{Name: "db", Kind: probe.KindTCP, Host: db.Host, Port: db.Port, TimeoutMS: ms}
}

// Violations lists, one line each, every cell and decision that breaks the
// boundary.
func (r *Result) Violations() []string {
	var out []string
	for _, row := range r.Matrix.Violations() {
		out = append(out, fmt.Sprintf("probe: %s → %s observed %s, expected %s (%s)", row.Function, row.Target, orNone(row.Observed), row.Expect, row.Reason))
	}
	out = append(out, iamViolations(r.IAMCells)...)
	for _, d := range r.IAM {
		if d.Allowed() {
			out = append(out, fmt.Sprintf("iam: %s may %s on %s (%s)", d.Function, d.Action, d.Resource, d.Via))
		}
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "nothing"
	}
	return s
}

// Write prints the matrix and the IAM simulation for a person.
func (r *Result) Write(w io.Writer) {
	fmt.Fprintf(w, "boundary matrix (%s backend): function × target, expected vs observed\n", r.Backend)
	_ = r.Matrix.WriteTable(w)
	if len(r.IAM) > 0 {
		fmt.Fprintln(w, "egress roles, simulated data actions (must be denied):")
		for _, d := range r.IAM {
			verdict := "ok"
			if d.Allowed() {
				verdict = "VIOLATION"
			}
			fmt.Fprintf(w, "  %-9s %s  %s on %s → %s\n", verdict, d.Function, d.Action, d.Resource, d.Decision)
		}
	}
	writeIAMCells(w, r.IAMCells)
	v := r.Violations()
	fmt.Fprintf(w, "boundary: %d cells probed, %d iam cells tried, %d violations\n", probed(r.Matrix), len(r.IAMCells), len(v))
}

func probed(m backend.Matrix) int {
	n := 0
	for _, r := range m.Rows {
		if r.Skipped == "" {
			n++
		}
	}
	return n
}
