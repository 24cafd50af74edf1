package source

import (
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/letsleep/letsleep/internal/tfaddr"
)

// Place is where a resource instance is declared: its block and, for a
// resource inside a module, the outermost module call in the root module.
type Place struct {
	Block Range
	Call  *Range
	// Ignores are the suppression comments on the resource block and on
	// every module block on the way to it.
	Ignores []Directive
	// ModuleSource is the source argument of the innermost module call
	// (a registry address or a path), and ModuleFile the block's file
	// relative to that module's folder: together they name the block for a
	// reader whose checkout does not hold the module folder.
	ModuleSource, ModuleFile string
	// ModuleVersion is the version that call pins, when it writes one.
	ModuleVersion string
}

// Locate finds the block of a resource instance address such as
// module.db["a"].module.sg.aws_security_group.this[0].
func (c *Config) Locate(address string) (Place, bool) {
	if c == nil {
		return Place{}, false
	}
	calls, rest := splitAddress(address)
	m := c.Module(strings.Join(calls, "."))
	if m == nil {
		return Place{}, false
	}
	r := m.Resources[resourceKey(rest)]
	if r == nil {
		return Place{}, false
	}
	p := Place{Block: r.Range}
	for i := range calls {
		if call := c.calls[strings.Join(calls[:i+1], ".")]; call != nil {
			p.Ignores = append(p.Ignores, call.Ignores...)
		}
	}
	p.Ignores = append(p.Ignores, r.Ignores...)
	if len(calls) > 0 {
		if call := c.calls[calls[0]]; call != nil {
			rr := call.Range
			p.Call = &rr
		}
		p.ModuleSource, p.ModuleVersion, p.ModuleFile = c.moduleOf(calls, m, r.Range.File)
	}
	return p, true
}

// moduleOf names the module that holds file for a reviewer, who sees the
// root module's call at the finding: the source string of that same call
// as written there (and the version it pins) with file's path inside its
// folder. Only a nested module that is not inside that folder (a registry
// module the outer one calls) is named by its own call instead, the way
// its caller writes it.
func (c *Config) moduleOf(calls []string, m *Module, file string) (src, version, rel string) {
	for _, n := range []int{1, len(calls)} {
		call := c.calls[strings.Join(calls[:n], ".")]
		dir := m.Dir
		if n == 1 {
			if mod := c.Module(calls[0]); mod != nil {
				dir = mod.Dir
			}
		}
		if call == nil {
			continue
		}
		if r, err := filepath.Rel(dir, file); err == nil && !strings.HasPrefix(r, "..") {
			return call.Source, constString(attrOrNil(call.Args, "version")), filepath.ToSlash(r)
		}
	}
	if inner := c.calls[strings.Join(calls, ".")]; inner != nil {
		return inner.Source, constString(attrOrNil(inner.Args, "version")), ""
	}
	return "", "", ""
}

func attrOrNil(args map[string]hclsyntax.Expression, name string) hclsyntax.Expression {
	if e, ok := args[name]; ok {
		return e
	}
	return nil
}

// splitAddress splits an instance address into its module call names and
// the resource part ("aws_x.y[0]" or "data.aws_x.y").
func splitAddress(addr string) ([]string, string) {
	var calls []string
	for strings.HasPrefix(addr, "module.") {
		rest := addr[len("module."):]
		i := 0
		for i < len(rest) && rest[i] != '.' && rest[i] != '[' {
			i++
		}
		calls = append(calls, rest[:i])
		j := i
		if j < len(rest) && rest[j] == '[' {
			j = tfaddr.SkipBracket(rest, j)
		}
		addr = strings.TrimPrefix(rest[j:], ".")
	}
	return calls, addr
}

// resourceKey drops the instance key, and what names a part of the
// resource (an inline_policy block, as policy steps name it):
// aws_x.y[0] → aws_x.y, aws_iam_role.r.inline_policy[app] → aws_iam_role.r.
func resourceKey(s string) string {
	if i := strings.IndexByte(s, '['); i >= 0 {
		s = s[:i]
	}
	parts := strings.SplitN(s, ".", 4)
	n := 2
	if parts[0] == "data" {
		n = 3
	}
	if len(parts) > n {
		return strings.Join(parts[:n], ".")
	}
	return s
}
