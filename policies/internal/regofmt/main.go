// Command regofmt rewrites the Rego files given as arguments in `opa fmt`
// form (OPA v1 syntax), so contributors need no opa binary:
//
//	go run ./policies/internal/regofmt policies/*.rego policies/lib/*.rego
package main

import (
	"fmt"
	"os"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/format"
)

func main() {
	failed := false
	for _, path := range os.Args[1:] {
		if err := formatFile(path); err != nil {
			fmt.Fprintln(os.Stderr, err)
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
}

func formatFile(path string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	out, err := format.SourceWithOpts(path, src, format.Opts{RegoVersion: ast.RegoV1})
	if err != nil {
		return fmt.Errorf("format %s: %w", path, err)
	}
	if string(out) == string(src) {
		return nil
	}
	return os.WriteFile(path, out, 0o644)
}
