package engine

import "github.com/open-policy-agent/opa/v1/ast"

// referencesPlan reports whether any compiled module may read input.plan: a
// ref input.plan..., the whole input, or input[<non-constant>].
func referencesPlan(c *ast.Compiler) bool {
	found := false
	for _, m := range c.Modules {
		ast.WalkRefs(m, func(r ast.Ref) bool {
			if found || !r.HasPrefix(ast.InputRootRef) {
				return found
			}
			if len(r) == 1 {
				found = true
				return true
			}
			s, ok := r[1].Value.(ast.String)
			if !ok || s == "plan" {
				found = true
			}
			return found
		})
		if found {
			return true
		}
	}
	return false
}
