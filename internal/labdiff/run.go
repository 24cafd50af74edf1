//go:build linux

package labdiff

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// RunOptions describe one lab-diff run.
type RunOptions struct {
	N    int
	Seed uint64
	// Dir receives main.tf, the plan JSON and report.json; it is kept so a
	// disagreement can be replayed.
	Dir       string
	CLIConfig string
	// Plan, when set, is a plan JSON of an earlier run to judge again
	// (nothing is generated or planned).
	Plan     string
	Out      io.Writer // the report lines
	Progress io.Writer // lab step lines; nil is quiet
	Lab      LabOptions
}

// Report is the outcome of a run.
type Report struct {
	Seed          uint64         `json:"seed"`
	Stacks        int            `json:"stacks"`
	Cells         int            `json:"cells"`
	ModelReach    int            `json:"model_reach"`
	LabReach      int            `json:"lab_reach"`
	Assumed       int            `json:"assumed"`
	Disagreements []Disagreement `json:"disagreements"`
	PlanSeconds   float64        `json:"plan_seconds"`
	LabSeconds    float64        `json:"lab_seconds"`
}

// Run generates N stacks from the seed, plans them in one root, judges
// every cell by the model and by the lab, and prints the disagreements.
func Run(ctx context.Context, o RunOptions) (*Report, error) {
	if o.Lab.Progress == nil {
		o.Lab.Progress = o.Progress
	}
	rep := &Report{Seed: o.Seed, Stacks: o.N}
	var raw []byte
	start := time.Now()
	if o.Plan != "" {
		// Replay: judge a plan of an earlier run again.
		var err error
		if raw, err = os.ReadFile(o.Plan); err != nil {
			return nil, err
		}
		rep.Seed = 0
		fmt.Fprintf(o.Out, "lab-diff: replaying %s\n", o.Plan)
	} else {
		fmt.Fprintf(o.Out, "lab-diff: seed %d, %d stacks, root %s\n", o.Seed, o.N, o.Dir)
		if err := WriteRoot(o.Dir, Generate(o.Seed, o.N)); err != nil {
			return nil, err
		}
		var err error
		if raw, err = PlanJSON(ctx, o.Dir, PlanOptions{CLIConfig: o.CLIConfig}); err != nil {
			return nil, err
		}
		planPath := filepath.Join(o.Dir, "plan.json")
		if err := os.WriteFile(planPath, raw, 0o644); err != nil {
			return nil, err
		}
		rep.PlanSeconds = time.Since(start).Seconds()
		fmt.Fprintf(o.Out, "lab-diff: planned in %.0fs (%s)\n", rep.PlanSeconds, planPath)
	}
	start = time.Now()
	modelV, labV, err := Judge(ctx, raw, o.Lab)
	if err != nil {
		return nil, err
	}
	rep.LabSeconds = time.Since(start).Seconds()
	rep.fill(modelV, labV)
	rep.Print(o.Out)
	b, _ := json.MarshalIndent(rep, "", "  ")
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(o.Dir, "report.json"), b, 0o644); err != nil {
		return nil, err
	}
	return rep, nil
}

// Judge returns both sides' verdicts for every cell of a plan.
func Judge(ctx context.Context, raw []byte, o LabOptions) (modelV, labV map[Cell]Verdict, err error) {
	m, err := BuildModel(raw)
	if err != nil {
		return nil, nil, err
	}
	in, err := ReadLab(raw, m)
	if err != nil {
		return nil, nil, fmt.Errorf("lab reader: %w", err)
	}
	labV, _, err = LabVerdicts(ctx, in, o)
	if err != nil {
		return nil, nil, err
	}
	return ModelVerdicts(m), labV, nil
}

func (r *Report) fill(modelV, labV map[Cell]Verdict) {
	r.Cells = len(modelV)
	stacks := map[string]bool{}
	for c := range modelV {
		stacks[c.Stack] = true
	}
	r.Stacks = len(stacks)
	for _, v := range modelV {
		if v.Reach {
			r.ModelReach++
		}
		if v.Assumed {
			r.Assumed++
		}
	}
	for _, v := range labV {
		if v.Reach {
			r.LabReach++
		}
	}
	r.Disagreements = Compare(modelV, labV)
}

// Print writes one block per disagreement and the summary line.
func (r *Report) Print(w io.Writer) {
	for _, d := range r.Disagreements {
		fmt.Fprintf(w, "DISAGREE %s [stack %s]\n  model: %s — %s\n  lab:   %s — %s\n",
			d.Cell, d.Cell.Stack, reachWord(d.Model.Reach), d.Model.Why, reachWord(d.Lab.Reach), d.Lab.Why)
	}
	src := fmt.Sprintf("seed %d", r.Seed)
	if r.Seed == 0 {
		src = "replay"
	}
	fmt.Fprintf(w, "lab-diff: %s: %d stacks, %d cells (model reach %d, lab reach %d, model assumed %d), %d disagreements (plan %.0fs, lab %.0fs)\n",
		src, r.Stacks, r.Cells, r.ModelReach, r.LabReach, r.Assumed, len(r.Disagreements), r.PlanSeconds, r.LabSeconds)
}

func reachWord(b bool) string {
	if b {
		return "reachable"
	}
	return "not reachable"
}

// KeepFixture plans stack k of the run with seed alone, judges it by both
// sides, and, when they agree, writes dir/main.tf, dir/plan.json and
// dir/expected.json (the lab's matrix). A fixture is kept after the fix:
// a disagreement left is an error, not a fixture.
func KeepFixture(ctx context.Context, seed uint64, k int, dir, why, cliConfig string, o LabOptions) error {
	tf := GenerateStacks(seed, []int{k})
	work, err := os.MkdirTemp("", "labdiff-fixture-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	if err := WriteRoot(work, tf); err != nil {
		return err
	}
	raw, err := PlanJSON(ctx, work, PlanOptions{CLIConfig: cliConfig})
	if err != nil {
		return err
	}
	modelV, labV, err := Judge(ctx, raw, o)
	if err != nil {
		return err
	}
	if d := Compare(modelV, labV); len(d) > 0 {
		return fmt.Errorf("stack %d of seed %d: %d disagreements left; fix them before keeping it", k, seed, len(d))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	exp, err := json.MarshalIndent(Fixture{Why: fmt.Sprintf("%s (seed %d, stack %d)", why, seed, k), Expected: Matrix(labV)}, "", "  ")
	if err != nil {
		return err
	}
	for name, b := range map[string][]byte{"main.tf": []byte(tf), "plan.json": raw, "expected.json": append(exp, '\n')} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
