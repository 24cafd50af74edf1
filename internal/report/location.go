package report

import (
	"fmt"
	"strings"
)

// OutsideRoot tells whether a location's file lies outside the source root
// (above it, or in a module folder fetched under .terraform/): a path there
// does not open in the repository, and code scanning cannot show it.
func (l *Location) OutsideRoot() bool {
	f := l.File
	return strings.HasPrefix(f, "../") || f == ".." || strings.HasPrefix(f, ".terraform/") || strings.Contains(f, "/.terraform/")
}

// Primary is where a reader of the repository opens the block: the block
// itself when it is inside the source root, else the module call that
// brings it in (which the author of the change can edit). Nil for nil.
func (l *Location) Primary() *Location {
	if l == nil || l.File == "" {
		return nil
	}
	if l.OutsideRoot() && l.Call != nil && l.Call.File != "" {
		return l.Call
	}
	return l
}

// Lines is "file:start-end", or "file:start" for a one-line block.
func (l *Location) Lines() string {
	switch {
	case l.StartLine <= 0:
		return l.File
	case l.EndLine > l.StartLine:
		return fmt.Sprintf("%s:%d-%d", l.File, l.StartLine, l.EndLine)
	}
	return fmt.Sprintf("%s:%d", l.File, l.StartLine)
}

// InModule says where the block is inside its module, for a block outside
// the source root: "in module source X, main.tf:24-168". "" when the block
// is inside the root, or is not in a module.
func (l *Location) InModule() string {
	if l == nil || !l.OutsideRoot() || l.Call == nil {
		return ""
	}
	if l.ModuleSource == "" || l.ModuleFile == "" {
		// Nothing better to name it by than the path on this machine.
		return "in module file " + l.Lines()
	}
	in := Location{File: l.ModuleFile, StartLine: l.StartLine, EndLine: l.EndLine}
	src := fmt.Sprintf("%q", l.ModuleSource)
	if l.ModuleVersion != "" {
		src += " (version " + l.ModuleVersion + ")"
	}
	return fmt.Sprintf("in module source %s, %s", src, in.Lines())
}
