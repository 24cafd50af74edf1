// Package explain answers "why?" for a reviewer: the full evidence chains
// behind a rule's findings, or everything one function can reach (egress,
// data paths, role, placement, grants), with every link that was resolved
// from a value unknown at plan time marked.
package explain

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/report"
)

// ErrNotFound marks a target that is neither a resource nor a rule; the CLI
// exits 2.
var ErrNotFound = errors.New("explain target not found")

// ruleID matches rule ids such as LSL-004.
var ruleID = regexp.MustCompile(`^[A-Z]+-[0-9]+$`)

// Target kinds.
const (
	KindRule     = "rule"
	KindFunction = "function"
	KindResource = "resource"
)

// Explanation is the structured answer; Text renders it for a terminal.
type Explanation struct {
	Target   string           `json:"target"`
	Kind     string           `json:"kind"`
	Findings []report.Finding `json:"findings"`
	Function *Capabilities    `json:"function,omitempty"`
	// ReachedBy lists, for a database, every data path that ends at it.
	ReachedBy []Reach `json:"reached_by,omitempty"`
	// Locations places each resource named above in the Terraform
	// sources, when they were read (see Locate).
	Locations map[string]*report.Location `json:"locations,omitempty"`
}

// Capabilities is what one function can do.
type Capabilities struct {
	Address        string             `json:"address"`
	Role           string             `json:"role"`
	RoleSource     string             `json:"role_source,omitempty"`
	InVPC          bool               `json:"in_vpc"`
	Subnets        []string           `json:"subnets"`
	SecurityGroups []string           `json:"security_groups"`
	ExecutionRole  string             `json:"execution_role,omitempty"`
	EntryPoints    []model.EntryPoint `json:"entry_points"`
	Egress         []model.Path       `json:"egress"`
	DataPaths      []model.Path       `json:"data_paths"` // a model path to a target set is listed once per database
	Grants         []model.Grant      `json:"grants"`
	// TargetSets: the sets the grants name (a wildcard over many targets).
	TargetSets []model.TargetSet `json:"target_sets,omitempty"`
	Unresolved []string          `json:"unresolved"`
}

// Reach is one data path from a function to the explained database.
type Reach struct {
	Function string     `json:"function"`
	Path     model.Path `json:"path"`
}

// Explain resolves target as, in order: a rule id or category that has
// findings, a function address, or any other resource address that has
// findings or is a database. m may be nil when only findings are at hand.
func Explain(m *model.Model, findings []report.Finding, target string) (*Explanation, error) {
	target = strings.TrimSpace(target)
	if target == "" {
		return nil, fmt.Errorf("%w: give a resource address or a rule id", ErrNotFound)
	}
	if m == nil {
		m = &model.Model{}
	}
	byRule := filter(findings, func(f report.Finding) bool { return f.Rule == target || f.Category == target })
	if len(byRule) > 0 {
		return &Explanation{Target: target, Kind: KindRule, Findings: byRule}, nil
	}
	onResource := filter(findings, func(f report.Finding) bool { return f.Resource == target })
	for _, fn := range m.Functions {
		if fn.Address == target {
			return &Explanation{Target: target, Kind: KindFunction, Findings: onResource, Function: capabilities(m, fn)}, nil
		}
	}
	ex := &Explanation{Target: target, Kind: KindResource, Findings: onResource}
	isDB := false
	for _, db := range m.Databases {
		if db.Address == target {
			isDB = true
		}
	}
	if isDB {
		x := model.NewExpander(m)
		for _, fn := range m.Functions {
			for _, p := range fn.DataPaths {
				// A path to a target set reaches the database when it is a
				// member: it is shown expanded to that database.
				if q, ok := x.ExpandTo(fn.Address, p, target); ok {
					ex.ReachedBy = append(ex.ReachedBy, Reach{Function: fn.Address, Path: q})
				}
			}
		}
	}
	if len(onResource) > 0 || isDB {
		return ex, nil
	}
	if ruleID.MatchString(target) {
		// A rule id with no finding in this plan: say so rather than fail.
		return &Explanation{Target: target, Kind: KindRule, Findings: []report.Finding{}}, nil
	}
	return nil, fmt.Errorf("%w: %q is not a rule with findings, a function, a database, or a resource with findings in this plan: use a rule id such as LSL-001, a category such as egress-reaches-db, or a full address such as %s",
		ErrNotFound, target, exampleAddress(m))
}

func exampleAddress(m *model.Model) string {
	if len(m.Functions) > 0 {
		return m.Functions[0].Address
	}
	return "module.stack.aws_lambda_function.api"
}

func filter(fs []report.Finding, keep func(report.Finding) bool) []report.Finding {
	out := []report.Finding{}
	for _, f := range fs {
		if keep(f) {
			out = append(out, f)
		}
	}
	report.Sort(out)
	return out
}

func capabilities(m *model.Model, fn model.Function) *Capabilities {
	c := &Capabilities{
		Address: fn.Address, Role: fn.Role, RoleSource: fn.RoleSource, InVPC: fn.InVPC,
		Subnets: nonNil(fn.Subnets), SecurityGroups: nonNil(fn.SecurityGroups), ExecutionRole: fn.ExecutionRole,
		EntryPoints: []model.EntryPoint{}, Egress: nonNilPaths(fn.Egress), DataPaths: []model.Path{},
		Grants: []model.Grant{}, Unresolved: nonNil(fn.Unresolved),
	}
	// The model lists a path to a set of databases once; a reviewer of one
	// function gets every path, one per database.
	x := model.NewExpander(m)
	for _, p := range fn.DataPaths {
		c.DataPaths = append(c.DataPaths, x.ExpandPath(fn.Address, p)...)
	}
	for _, ep := range m.EntryPoints {
		if ep.Function == fn.Address {
			c.EntryPoints = append(c.EntryPoints, ep)
		}
	}
	sort.Slice(c.EntryPoints, func(i, j int) bool { return c.EntryPoints[i].Address < c.EntryPoints[j].Address })
	for _, r := range m.Roles {
		if r.Address == fn.ExecutionRole {
			c.Grants = append(c.Grants, r.Grants...)
			for _, g := range r.Grants {
				if ts := x.Set(g.TargetSet); ts != nil && !hasSet(c.TargetSets, ts.ID) {
					c.TargetSets = append(c.TargetSets, *ts)
				}
			}
			c.Unresolved = append(c.Unresolved, r.Unresolved...)
		}
	}
	return c
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilPaths(p []model.Path) []model.Path {
	if p == nil {
		return []model.Path{}
	}
	return p
}

func hasSet(sets []model.TargetSet, id string) bool {
	for _, ts := range sets {
		if ts.ID == id {
			return true
		}
	}
	return false
}
