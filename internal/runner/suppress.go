package runner

import (
	"fmt"
	"time"

	"github.com/letsleep/letsleep/internal/report"
	"github.com/letsleep/letsleep/internal/source"
	"github.com/letsleep/letsleep/internal/waiver"
)

// suppress applies the `letsleep:ignore` comments of one plan's sources to
// its findings. A comment that is malformed, names an unknown rule or sits
// on no block is an input error at its file and line: a suppression that
// silently does nothing would be worse than none.
func suppress(findings []report.Finding, src *Sources, known []string, now time.Time) ([]report.Finding, []report.WaivedFinding, []report.Notice, error) {
	if src == nil {
		return findings, nil, nil, nil
	}
	onBlocks, stray := src.Config.Directives()
	if len(stray) > 0 {
		d := stray[0]
		loc := src.location(d.Range)
		return nil, nil, nil, &waiver.InputError{File: loc.File, Line: loc.StartLine,
			Msg: "letsleep:ignore is on no resource, data or module block: put it on the block's first line or on the comment lines directly above it"}
	}
	parsed := map[source.Range]waiver.Inline{}
	all := make([]waiver.Inline, 0, len(onBlocks))
	for _, d := range onBlocks {
		loc := src.location(d.Range)
		in, err := waiver.ParseInline(d.Text, loc.File, loc.StartLine, known)
		if err != nil {
			return nil, nil, nil, err
		}
		parsed[d.Range] = in
		all = append(all, in)
	}
	if len(all) == 0 {
		return findings, nil, nil, nil
	}
	on := func(f report.Finding) []waiver.Inline {
		p, ok := src.Config.Locate(f.Resource)
		if !ok {
			return nil
		}
		out := make([]waiver.Inline, 0, len(p.Ignores))
		for _, d := range p.Ignores {
			out = append(out, parsed[d.Range])
		}
		return out
	}
	kept, waived, notices := waiver.ApplyInline(findings, all, on, now)
	return kept, waived, notices, nil
}

// suppressError wraps a suppression error with the plan it came from.
func suppressError(path string, err error) error {
	return fmt.Errorf("read suppressions for %s: %w", path, err)
}
