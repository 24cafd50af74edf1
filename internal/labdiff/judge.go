package labdiff

import (
	"fmt"
	"sort"
	"strings"

	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/plan"
)

// Internet is the target of a function's way-out cell.
const Internet = "internet"

// Cell is one function and one target: a database of its stack, or the
// internet.
type Cell struct {
	Stack    string `json:"stack"`
	Function string `json:"function"`
	Target   string `json:"target"`
}

func (c Cell) String() string { return c.Function + " → " + c.Target }

// Verdict is one side's answer for a cell.
type Verdict struct {
	Reach bool   `json:"reach"`
	Why   string `json:"why"`
	// Assumed: the model's answer rests on something unknown at plan time.
	Assumed bool `json:"assumed,omitempty"`
}

// StackOf reads the stack name off a generated address
// (aws_lambda_function.s007_f1 → s007); "" for addresses of no stack.
func StackOf(address string) string {
	name := address[strings.LastIndex(address, ".")+1:]
	if i := strings.IndexByte(name, '_'); i > 0 {
		return name[:i]
	}
	return ""
}

// Cells lists every function × (its stack's databases + the internet),
// sorted.
func Cells(functions, databases []string) []Cell {
	dbs := map[string][]string{}
	for _, d := range databases {
		dbs[StackOf(d)] = append(dbs[StackOf(d)], d)
	}
	var out []Cell
	for _, f := range functions {
		s := StackOf(f)
		for _, d := range dbs[s] {
			out = append(out, Cell{Stack: s, Function: f, Target: d})
		}
		out = append(out, Cell{Stack: s, Function: f, Target: Internet})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Function != out[j].Function {
			return out[i].Function < out[j].Function
		}
		return out[i].Target < out[j].Target
	})
	return out
}

// ModelVerdicts is the plan-time side: a function reaches a database when
// the model gives it a network data path to it, and the internet when it
// has a way out. IAM paths are not cells: the lab has no IAM.
func ModelVerdicts(m *model.Model) map[Cell]Verdict {
	var fns, dbs []string
	byFn := map[string]*model.Function{}
	for i := range m.Functions {
		fns = append(fns, m.Functions[i].Address)
		byFn[m.Functions[i].Address] = &m.Functions[i]
	}
	for _, d := range m.Databases {
		dbs = append(dbs, d.Address)
	}
	out := map[Cell]Verdict{}
	for _, c := range Cells(fns, dbs) {
		f := byFn[c.Function]
		var paths []model.Path
		if c.Target == Internet {
			paths = f.Egress
		} else {
			for _, p := range f.DataPaths {
				if p.Kind == model.PathNetwork && p.Target == c.Target {
					paths = append(paths, p)
				}
			}
		}
		v := Verdict{Why: "no path in the model"}
		if len(paths) > 0 {
			v = Verdict{Reach: true, Why: pathText(paths[0]), Assumed: paths[0].Unresolved}
		}
		out[c] = v
	}
	return out
}

func pathText(p model.Path) string {
	var parts []string
	for _, s := range p.Steps {
		t := s.Kind
		if s.Address != "" {
			t += " " + s.Address
		}
		if s.Detail != "" {
			t += " (" + s.Detail + ")"
		}
		parts = append(parts, t)
	}
	return fmt.Sprintf("%s: %s", p.Kind, strings.Join(parts, " → "))
}

// Disagreement is a cell the two sides judge differently.
type Disagreement struct {
	Cell  Cell    `json:"cell"`
	Model Verdict `json:"model"`
	Lab   Verdict `json:"lab"`
}

// Compare lists the cells where model and lab disagree, in cell order. A
// cell missing on either side is a disagreement too.
func Compare(modelV, labV map[Cell]Verdict) []Disagreement {
	keys := map[Cell]bool{}
	for c := range modelV {
		keys[c] = true
	}
	for c := range labV {
		keys[c] = true
	}
	var cells []Cell
	for c := range keys {
		cells = append(cells, c)
	}
	sort.Slice(cells, func(i, j int) bool {
		if cells[i].Function != cells[j].Function {
			return cells[i].Function < cells[j].Function
		}
		return cells[i].Target < cells[j].Target
	})
	var out []Disagreement
	for _, c := range cells {
		mv, mok := modelV[c]
		lv, lok := labV[c]
		if !mok {
			mv = Verdict{Why: "cell missing on the model side"}
		}
		if !lok {
			lv = Verdict{Why: "cell missing on the lab side"}
		}
		if !mok || !lok || mv.Reach != lv.Reach {
			out = append(out, Disagreement{Cell: c, Model: mv, Lab: lv})
		}
	}
	return out
}

// BuildModel is the checker's reading of a plan JSON.
func BuildModel(raw []byte) (*model.Model, error) {
	p, err := plan.FromBytes("labdiff plan", raw, plan.Options{})
	if err != nil {
		return nil, err
	}
	return model.Build(p, model.Config{})
}
