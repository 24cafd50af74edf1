package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"runtime"
	"slices"
	"sort"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/report"
)

// Eval runs every enabled check over m. rawPlan is called (once) only when a
// loaded module reads input.plan; it may be nil otherwise.
func (e *Engine) Eval(ctx context.Context, m *model.Model, rawPlan func() (any, error)) ([]report.Finding, error) {
	if m == nil {
		return nil, errors.New("evaluate policies: no model")
	}
	input, err := e.input(m, rawPlan)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, e.opts.Timeout)
	defer cancel()
	byCheck, err := e.evalGroups(ctx, input)
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Errorf("%w: %w: policy evaluation exceeded --timeout %s; a user policy may loop or be too expensive: fix or remove it, or raise --timeout", ErrPolicy, ErrTimeout, e.opts.Timeout)
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("evaluate policies: %w", ctx.Err())
		}
		return nil, fmt.Errorf("%w: evaluate policies: %v", ErrPolicy, err)
	}
	var out []report.Finding
	for _, pkg := range slices.Sorted(maps.Keys(byCheck)) {
		ch := e.enabled[pkg]
		fs, err := findings(ch.Check, byCheck[pkg])
		if err != nil {
			return nil, err
		}
		for i := range fs {
			fs[i].Source = m.Plan.Source
		}
		out = append(out, fs...)
	}
	return Sort(out), nil
}

// evalGroups runs the prepared queries, one goroutine each, on the same
// input (AST values are safe to share) and merges their deny sets by package;
// the groups hold disjoint packages. When several fail, the error of the
// first group is returned, so the message does not depend on timing.
func (e *Engine) evalGroups(ctx context.Context, input ast.Value) (map[string]ast.Value, error) {
	results := make([]map[string]ast.Value, len(e.queries))
	errs := make([]error, len(e.queries))
	var wg sync.WaitGroup
	for i := range e.queries {
		wg.Go(func() { results[i], errs[i] = evalQuery(ctx, e.queries[i], input) })
	}
	wg.Wait()
	if err := firstError(errs); err != nil {
		return nil, err
	}
	byCheck := results[0]
	for _, r := range results[1:] {
		maps.Copy(byCheck, r)
	}
	return byCheck, nil
}

func evalQuery(ctx context.Context, q rego.PreparedEvalQuery, input ast.Value) (map[string]ast.Value, error) {
	rs, err := q.Eval(ctx, rego.EvalParsedInput(input), rawResult)
	if err != nil {
		return nil, err
	}
	if len(rs) != 1 {
		return nil, fmt.Errorf("%d results, want 1", len(rs))
	}
	var obj ast.Object
	if t, ok := rs[0].Bindings[resultVar].(*ast.Term); ok {
		obj, _ = t.Value.(ast.Object)
	}
	if obj == nil {
		return nil, fmt.Errorf("unexpected result %T", rs[0].Bindings[resultVar])
	}
	byCheck := make(map[string]ast.Value, obj.Len())
	obj.Foreach(func(k, v *ast.Term) {
		if s, ok := k.Value.(ast.String); ok {
			byCheck[string(s)] = v.Value
		}
	})
	return byCheck, nil
}

func firstError(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// input builds {"model": ..., "config": ..., "plan": ...} as an AST value.
// The model is converted straight to AST terms (see toTerm).
func (e *Engine) input(m *model.Model, rawPlan func() (any, error)) (ast.Value, error) {
	mv, err := modelValue(m)
	if err != nil {
		return nil, err
	}
	cfg := ast.NewObject(
		[2]*ast.Term{ast.StringTerm("profile"), ast.StringTerm(e.opts.Profile)},
		[2]*ast.Term{ast.StringTerm("strict"), ast.BooleanTerm(e.opts.Strict)},
	)
	obj := ast.NewObject(
		[2]*ast.Term{ast.StringTerm("model"), ast.NewTerm(mv)},
		[2]*ast.Term{ast.StringTerm("config"), ast.NewTerm(cfg)},
	)
	if e.usesPlan && rawPlan != nil {
		raw, err := rawPlan()
		if err != nil {
			return nil, fmt.Errorf("read raw plan for input.plan: %w", err)
		}
		pv, err := ast.InterfaceToValue(raw)
		if err != nil {
			return nil, fmt.Errorf("convert raw plan for input.plan: %w", err)
		}
		obj.Insert(ast.StringTerm("plan"), ast.NewTerm(pv))
	}
	return obj, nil
}

func modelValue(m *model.Model) (ast.Value, error) {
	return modelValueOn(m, runtime.GOMAXPROCS(0))
}

// modelValueOn converts m on up to workers cores when it is large enough for
// that to pay (see structTermSplit), else on one.
func modelValueOn(m *model.Model, workers int) (ast.Value, error) {
	t, split, err := structTermSplit(reflect.ValueOf(m).Elem(), workers)
	if err == nil && !split {
		t, err = toTerm(reflect.ValueOf(m))
	}
	if err == nil {
		return t.Value, nil
	}
	// A shape toTerm does not handle: take the JSON route, which always
	// matches the documented contract.
	return modelValueJSON(m)
}

func modelValueJSON(m *model.Model) (ast.Value, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encode model: %w", err)
	}
	v, err := ast.ValueFromReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("convert model: %w", err)
	}
	return v, nil
}

// findings maps the deny set of one check to findings.
func findings(ch Check, v ast.Value) ([]report.Finding, error) {
	items, ok := elems(v)
	if !ok {
		return nil, fmt.Errorf("%w: check %s (%s): deny must be a set of findings, got %s", ErrPolicy, ch.ID, ch.File, typeName(v))
	}
	out := make([]report.Finding, 0, len(items))
	for _, it := range items {
		f, err := finding(ch, it.Value)
		if err != nil {
			return nil, fmt.Errorf("%w: check %s (%s): %v", ErrPolicy, ch.ID, ch.File, err)
		}
		out = append(out, f)
	}
	return out, nil
}

func finding(ch Check, it ast.Value) (report.Finding, error) {
	f := report.Finding{
		Rule:        ch.ID,
		Category:    ch.Category,
		Severity:    ch.Severity,
		Title:       ch.Title,
		Remediation: ch.Remediation,
		Path:        []model.Step{},
		Assumptions: []model.Assumption{},
	}
	switch x := it.(type) {
	case ast.String:
		// conftest style: deny contains msg
		f.Message = string(x)
		return f, nil
	case ast.Object:
		var err error
		if f.Resource, err = optString(x, keyResource); err != nil {
			return f, err
		}
		if f.Message, err = optString(x, keyMessage); err != nil {
			return f, err
		}
		if f.Message == "" {
			f.Message = ch.Title
		}
		if sev, err := optString(x, keySeverity); err != nil {
			return f, err
		} else if sev != "" {
			if report.Rank(sev) == 0 {
				return f, fmt.Errorf("finding severity %q is not one of critical, high, medium, low, info", sev)
			}
			f.Severity = sev
		}
		if t := x.Get(keyUnresolved); t != nil {
			b, isBool := t.Value.(ast.Boolean)
			if !isBool {
				return f, fmt.Errorf("finding field unresolved must be a boolean, got %s", typeName(t.Value))
			}
			f.Unresolved = bool(b)
		}
		if p := field(x, keyPath); p != nil {
			steps, err := pathSteps(p)
			if err != nil {
				return f, err
			}
			f.Path = steps
		}
		if a := field(x, keyAssumptions); a != nil {
			as, err := assumptionList(a)
			if err != nil {
				return f, err
			}
			f.Assumptions = as
		}
		settleAssumptions(&f)
		return f, nil
	default:
		return f, fmt.Errorf("deny must hold objects {resource, message, path} or strings, got %s", typeName(it))
	}
}

func pathSteps(p ast.Value) ([]model.Step, error) {
	arr, ok := elems(p)
	if !ok {
		return nil, fmt.Errorf("finding field path must be an array of steps, got %s", typeName(p))
	}
	out := make([]model.Step, 0, len(arr))
	for i, s := range arr {
		switch x := s.Value.(type) {
		case ast.String:
			out = append(out, model.Step{Kind: "note", Detail: string(x)})
		case ast.Object:
			var st model.Step
			var err error
			if st.Kind, err = optString(x, keyKind); err != nil {
				return nil, fmt.Errorf("path[%d]: %v", i, err)
			}
			if st.Address, err = optString(x, keyAddress); err != nil {
				return nil, fmt.Errorf("path[%d]: %v", i, err)
			}
			if st.Detail, err = optString(x, keyDetail); err != nil {
				return nil, fmt.Errorf("path[%d]: %v", i, err)
			}
			if b, ok := field(x, keyFromUnknown).(ast.Boolean); ok {
				st.FromUnknown = bool(b)
			}
			if a := field(x, keyAssumption); a != nil {
				as, err := assumption(a)
				if err != nil {
					return nil, fmt.Errorf("path[%d]: %v", i, err)
				}
				st.Assumption = &as
			}
			out = append(out, st)
		default:
			return nil, fmt.Errorf("path[%d] must be a step object or a string, got %s", i, typeName(s.Value))
		}
	}
	return out, nil
}

// Sort orders findings by (severity rank desc, rule, resource, message, path)
// and drops exact duplicates. It sorts in place and returns the result.
func Sort(fs []report.Finding) []report.Finding {
	keys := make([]string, len(fs))
	for i := range fs {
		keys[i] = pathKey(fs[i].Path)
	}
	idx := make([]int, len(fs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		x, y := &fs[idx[a]], &fs[idx[b]]
		if rx, ry := report.Rank(x.Severity), report.Rank(y.Severity); rx != ry {
			return rx > ry
		}
		if x.Rule != y.Rule {
			return x.Rule < y.Rule
		}
		if x.Resource != y.Resource {
			return x.Resource < y.Resource
		}
		if x.Message != y.Message {
			return x.Message < y.Message
		}
		return keys[idx[a]] < keys[idx[b]]
	})
	out := make([]report.Finding, 0, len(fs))
	var prevKey string
	for n, i := range idx {
		f := fs[i]
		if n > 0 {
			p := out[len(out)-1]
			if p.Rule == f.Rule && p.Resource == f.Resource && p.Message == f.Message && p.Severity == f.Severity && prevKey == keys[i] && p.Unresolved == f.Unresolved {
				continue
			}
		}
		prevKey = keys[i]
		out = append(out, f)
	}
	return out
}

func pathKey(p []model.Step) string {
	b, _ := json.Marshal(p)
	return string(b)
}
