package source

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// dynamicIterator is the name a dynamic block's content reads each element
// by: its iterator argument, else the block's label. ok is false when the
// iterator argument is there but is not a plain name; name is then the
// label, which a caller that can go on with a guess may keep.
func dynamicIterator(blk *hclsyntax.Block) (name string, ok bool) {
	name = blk.Labels[0]
	a := blk.Body.Attributes["iterator"]
	if a == nil {
		return name, true
	}
	if t, diags := hcl.AbsTraversalForExpr(a.Expr); !diags.HasErrors() && len(t) == 1 {
		return t.RootName(), true
	}
	return name, false
}
