package labdiff

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// A fixture keeps a stack on which the two sides once disagreed: its
// Terraform (main.tf), its offline plan (plan.json) and the cell matrix
// both sides must give (expected.json), as the lab measured it once the
// wrong side was fixed.

// ExpectedCell is one row of a fixture's expected matrix.
type ExpectedCell struct {
	Function string `json:"function"`
	Target   string `json:"target"`
	Reach    bool   `json:"reach"`
}

// Fixture is a kept stack.
type Fixture struct {
	Name     string         `json:"-"`
	Dir      string         `json:"-"`
	Why      string         `json:"why"` // the disagreement it keeps, and which side was fixed
	Expected []ExpectedCell `json:"cells"`
}

// Matrix turns verdicts into expected rows, sorted.
func Matrix(v map[Cell]Verdict) []ExpectedCell {
	var out []ExpectedCell
	for c, x := range v {
		out = append(out, ExpectedCell{Function: c.Function, Target: c.Target, Reach: x.Reach})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Function != out[j].Function {
			return out[i].Function < out[j].Function
		}
		return out[i].Target < out[j].Target
	})
	return out
}

// LoadFixtures reads every fixture under dir.
func LoadFixtures(dir string) ([]Fixture, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []Fixture
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		fx := Fixture{Name: e.Name(), Dir: filepath.Join(dir, e.Name())}
		b, err := os.ReadFile(filepath.Join(fx.Dir, "expected.json"))
		if err != nil {
			return nil, fmt.Errorf("fixture %s: %w", e.Name(), err)
		}
		if err := json.Unmarshal(b, &fx); err != nil {
			return nil, fmt.Errorf("fixture %s: expected.json: %w", e.Name(), err)
		}
		if fx.Why == "" || len(fx.Expected) == 0 {
			return nil, fmt.Errorf("fixture %s: expected.json needs a why and at least one cell", e.Name())
		}
		out = append(out, fx)
	}
	return out, nil
}

// Plan returns the fixture's committed plan JSON.
func (f Fixture) Plan() ([]byte, error) { return os.ReadFile(filepath.Join(f.Dir, "plan.json")) }

// Mismatches compares verdicts with the expected matrix.
func (f Fixture) Mismatches(v map[Cell]Verdict) []string {
	got := map[[2]string]Verdict{}
	for c, x := range v {
		got[[2]string{c.Function, c.Target}] = x
	}
	var out []string
	for _, e := range f.Expected {
		x, ok := got[[2]string{e.Function, e.Target}]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("%s → %s: no verdict", e.Function, e.Target))
		case x.Reach != e.Reach:
			out = append(out, fmt.Sprintf("%s → %s: got reach=%v, want %v (%s)", e.Function, e.Target, x.Reach, e.Reach, x.Why))
		}
		delete(got, [2]string{e.Function, e.Target})
	}
	for k := range got {
		out = append(out, fmt.Sprintf("%s → %s: verdict for a cell the fixture does not list", k[0], k[1]))
	}
	sort.Strings(out)
	return out
}
