package source

import (
	"path/filepath"
	"strings"

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
		if inner := c.calls[strings.Join(calls, ".")]; inner != nil {
			p.ModuleSource = inner.Source
		}
		if rel, err := filepath.Rel(m.Dir, r.Range.File); err == nil && !strings.HasPrefix(rel, "..") {
			p.ModuleFile = filepath.ToSlash(rel)
		}
	}
	return p, true
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

// resourceKey drops the instance key: aws_x.y[0] → aws_x.y.
func resourceKey(s string) string {
	if i := strings.IndexByte(s, '['); i >= 0 {
		return s[:i]
	}
	return s
}
