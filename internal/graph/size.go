package graph

import (
	"fmt"
	"sort"
	"strings"

	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/report"
)

// MaxLinks is the default bound on the links a whole picture may have. A
// picture past it is unreadable, and laying it out costs time that grows
// faster than the links: `graph` refuses it before building anything and
// asks for --focus instead.
const MaxLinks = 10000

// Links estimates, from the model alone and without building the picture,
// how many links it would draw: one per function-to-target evidence path and
// per finding, plus one per member of a set of databases (a wildcard grant
// over many tenants names a set once, so this stays linear in the plan).
func Links(m *model.Model, findings []report.Finding) int {
	n := len(findings)
	if m == nil {
		return n
	}
	for _, fn := range m.Functions {
		n += len(fn.DataPaths)
	}
	for _, e := range m.EntryPoints {
		n += len(e.DataPaths)
	}
	// A target set is drawn once, with a link to each member.
	for _, ts := range m.TargetSets {
		if ts.Kind == model.SetDatabases {
			n += len(ts.Members)
		}
	}
	return n
}

// TooBig returns an error that says how to draw part of the picture when
// it would have more than limit links, or nil.
func TooBig(m *model.Model, findings []report.Finding, limit int) error {
	n := Links(m, findings)
	if limit <= 0 || n <= limit {
		return nil
	}
	return fmt.Errorf("the picture would have about %d links, more than --max-links %d: too many to read or lay out in bounded time; draw part of it with --focus (a function, a database, a module such as %s, or a rule id), or raise --max-links", n, limit, focusExample(functionAddrs(m)))
}

func functionAddrs(m *model.Model) []string {
	if m == nil {
		return nil
	}
	addrs := make([]string, len(m.Functions))
	for i, fn := range m.Functions {
		addrs[i] = fn.Address
	}
	return addrs
}

// focusExample names the first module path among addrs, the most useful
// --focus for a stack of many tenants, or a function address pattern.
func focusExample(addrs []string) string {
	var mods []string
	for _, a := range addrs {
		if rest, ok := strings.CutPrefix(a, "module."); ok {
			name, _, _ := strings.Cut(rest, ".")
			mods = append(mods, "module."+name)
		}
	}
	if len(mods) == 0 {
		return "aws_lambda_function.NAME"
	}
	sort.Strings(mods)
	return mods[0]
}
