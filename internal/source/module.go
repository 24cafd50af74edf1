// Package source reads the Terraform configuration (.tf files) beside a
// plan. The plan JSON leaves out locals and dynamic blocks, and carries no
// file or line; the sources answer both. Each module source folder is
// parsed once, however many instances or calls use it, and references are
// extracted lazily, only for what the model asks.
package source

import (
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Range is a span of whole lines in one file (1-based, inclusive). File is
// the path as read (absolute or relative to the working directory).
type Range struct {
	File      string
	StartLine int
	EndLine   int
}

func rangeOf(r hcl.Range) Range {
	return Range{File: r.Filename, StartLine: r.Start.Line, EndLine: r.End.Line}
}

// Module is one parsed module source folder. Several calls may share it.
type Module struct {
	Dir     string
	Locals  map[string]hclsyntax.Expression
	Outputs map[string]hclsyntax.Expression
	// Defaults are the default expressions of the variables (nil: none).
	Defaults  map[string]hclsyntax.Expression
	Resources map[string]*Resource // "aws_x.name" or "data.aws_x.name"
	Calls     map[string]*Call
	// Stray are suppression comments that sit on no block.
	Stray []Directive

	mu   sync.Mutex
	memo map[string][]string // extracted references by query, filled lazily
}

// Resource is one resource or data block.
type Resource struct {
	Key     string
	Range   Range
	Ignores []Directive // suppression comments on or above the block
	body    *hclsyntax.Body
}

// Call is one module block.
type Call struct {
	Name   string
	Source string
	Range  Range
	Args   map[string]hclsyntax.Expression
	// Ignores are suppression comments on or above the module block; they
	// cover every resource the call instantiates.
	Ignores []Directive
}

func newModule(dir string) *Module {
	return &Module{
		Dir:       dir,
		Locals:    map[string]hclsyntax.Expression{},
		Outputs:   map[string]hclsyntax.Expression{},
		Defaults:  map[string]hclsyntax.Expression{},
		Resources: map[string]*Resource{},
		Calls:     map[string]*Call{},
		memo:      map[string][]string{},
	}
}

// addFile records the blocks of one parsed file and the suppression
// comments on them.
func (m *Module) addFile(body *hclsyntax.Body, comments []comment, filename string) {
	ignores, stray := attachIgnores(comments, body.Blocks, filename)
	m.Stray = append(m.Stray, stray...)
	for _, blk := range body.Blocks {
		switch blk.Type {
		case "resource", "data":
			if len(blk.Labels) != 2 {
				continue
			}
			key := blk.Labels[0] + "." + blk.Labels[1]
			if blk.Type == "data" {
				key = "data." + key
			}
			m.Resources[key] = &Resource{Key: key, Range: rangeOf(blk.Range()), Ignores: ignores[blk], body: blk.Body}
		case "locals":
			for name, a := range blk.Body.Attributes {
				m.Locals[name] = a.Expr
			}
		case "variable":
			if len(blk.Labels) == 1 {
				m.Defaults[blk.Labels[0]] = attrExpr(blk.Body, "default")
			}
		case "output":
			if len(blk.Labels) == 1 {
				if a := blk.Body.Attributes["value"]; a != nil {
					m.Outputs[blk.Labels[0]] = a.Expr
				}
			}
		case "module":
			if len(blk.Labels) != 1 {
				continue
			}
			c := &Call{Name: blk.Labels[0], Range: rangeOf(blk.Range()), Args: map[string]hclsyntax.Expression{}, Ignores: ignores[blk]}
			for name, a := range blk.Body.Attributes {
				if name == "source" {
					c.Source = constString(a.Expr)
					continue
				}
				c.Args[name] = a.Expr
			}
			m.Calls[c.Name] = c
		}
	}
}

// constString is the value of a literal string expression, or "".
func constString(e hclsyntax.Expression) string {
	if e == nil {
		return ""
	}
	v, diags := e.Value(nil)
	if diags.HasErrors() || !v.IsKnown() || v.IsNull() || !v.Type().Equals(cty.String) {
		return ""
	}
	return v.AsString()
}
