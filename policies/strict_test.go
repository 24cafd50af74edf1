package policies_test

import (
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

// TestStrict compiles every embedded module, tests included, as
// `opa check --strict policies/` does: unused arguments and variables,
// shadowed imports and deprecated built-ins are errors. A strict error is
// often a check that reads less than its author meant.
func TestStrict(t *testing.T) {
	c := ast.NewCompiler().WithStrict(true)
	if c.Compile(parseAll(t)); c.Failed() {
		for _, err := range c.Errors {
			t.Errorf("opa check --strict: %v", err)
		}
	}
}
