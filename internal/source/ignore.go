package source

import (
	"bytes"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// IgnoreMarker starts an in-source suppression comment:
//
//	# letsleep:ignore LSL-001 reason="..." expires=2027-03-31
//
// The rest of the comment is read by the waiver package; this package only
// finds the comments and the block each one belongs to.
const IgnoreMarker = "letsleep:ignore"

// Directive is one suppression comment: its text after the marker and
// the line it is on.
type Directive struct {
	Text  string
	Range Range
}

// comment is one comment token of a file, with whether it is the first
// token on its line (a comment line, not a trailing comment).
type comment struct {
	text      string
	start     int // first line
	end       int // last line holding comment text
	ownLine   bool
	directive bool
}

// fileComments lexes one file for its comments. The lexer, not a hand
// scan, tells a `#` in a string from a comment. Comments matter only as
// suppression directives, so a file without the marker anywhere is not
// lexed a second time (the parse lexed it once): that second lexing was a
// third of the bytes that reading the community modules allocates.
func fileComments(data []byte, filename string) []comment {
	if !bytes.Contains(data, []byte(IgnoreMarker)) {
		return nil
	}
	toks, _ := hclsyntax.LexConfig(data, filename, hcl.InitialPos)
	var out []comment
	prevLine := 0
	for _, t := range toks {
		if t.Type == hclsyntax.TokenNewline || t.Type == hclsyntax.TokenEOF {
			continue
		}
		end := t.Range.End.Line
		if t.Type != hclsyntax.TokenComment {
			prevLine = end
			continue
		}
		if t.Range.End.Column == 1 && end > t.Range.Start.Line {
			end-- // a line comment's token ends after its newline
		}
		text := commentText(string(t.Bytes))
		out = append(out, comment{
			text:      text,
			start:     t.Range.Start.Line,
			end:       end,
			ownLine:   t.Range.Start.Line != prevLine,
			directive: strings.HasPrefix(text, IgnoreMarker),
		})
		prevLine = end
	}
	return out
}

// commentText strips the comment markers and surrounding space.
func commentText(s string) string {
	s = strings.TrimSpace(s)
	switch {
	case strings.HasPrefix(s, "#"):
		s = s[1:]
	case strings.HasPrefix(s, "//"):
		s = s[2:]
	case strings.HasPrefix(s, "/*"):
		s = strings.TrimSuffix(s[2:], "*/")
	}
	return strings.TrimSpace(s)
}

// attachIgnores gives each block the directives on its header line or in
// the run of comment lines directly above it (no blank line between), and
// returns the directives that belong to no block.
func attachIgnores(comments []comment, blocks []*hclsyntax.Block, filename string) (map[*hclsyntax.Block][]Directive, []Directive) {
	if len(comments) == 0 {
		return nil, nil
	}
	byEnd := map[int]comment{} // own-line comments by their last line
	for _, c := range comments {
		if c.ownLine {
			byEnd[c.end] = c
		}
	}
	attached := map[*hclsyntax.Block][]Directive{}
	used := map[int]bool{} // directive start lines given to a block
	for _, b := range blocks {
		header := b.TypeRange.Start.Line
		var ds []Directive
		for _, c := range comments {
			if c.directive && c.start == header && !c.ownLine {
				ds = append(ds, directive(c, filename))
				used[c.start] = true
			}
		}
		for line := header - 1; line > 0; {
			c, ok := byEnd[line]
			if !ok {
				break
			}
			if c.directive {
				ds = append(ds, directive(c, filename))
				used[c.start] = true
			}
			line = c.start - 1
		}
		if len(ds) > 0 {
			sort.Slice(ds, func(i, j int) bool { return ds[i].Range.StartLine < ds[j].Range.StartLine })
			attached[b] = ds
		}
	}
	var stray []Directive
	for _, c := range comments {
		if c.directive && !used[c.start] {
			stray = append(stray, directive(c, filename))
		}
	}
	return attached, stray
}

func directive(c comment, filename string) Directive {
	return Directive{
		Text:  strings.TrimSpace(strings.TrimPrefix(c.text, IgnoreMarker)),
		Range: Range{File: filename, StartLine: c.start, EndLine: c.end},
	}
}

// Directives lists every suppression comment of the configuration, each
// once (a module folder used by several calls is read once): those on
// blocks and, in stray, those that sit on no block.
func (c *Config) Directives() (onBlocks, stray []Directive) {
	if c == nil {
		return nil, nil
	}
	seen := map[*Module]bool{}
	for _, path := range sortedKeys(c.modules) {
		m := c.modules[path]
		if seen[m] {
			continue
		}
		seen[m] = true
		for _, k := range sortedKeys(m.Resources) {
			onBlocks = append(onBlocks, m.Resources[k].Ignores...)
		}
		for _, k := range sortedKeys(m.Calls) {
			onBlocks = append(onBlocks, m.Calls[k].Ignores...)
		}
		stray = append(stray, m.Stray...)
	}
	return onBlocks, stray
}
