// Package waiver reads a waivers file and applies it to findings. A waiver
// keeps a finding out of the verdict until it expires; waived findings are
// reported, never dropped, and expired or unused waivers become notices.
//
// File format (YAML):
//
//	waivers:
//	  - rule: LSL-004                 # a rule id or a category
//	    resource: "module.legacy.*"   # glob over the full resource address
//	    reason: "legacy VPC, NAT removed in the Q1 migration"
//	    expires: 2027-01-31           # YYYY-MM-DD, waives through that day (UTC)
//
// The resource glob uses github.com/gobwas/glob syntax: `*` matches any run
// of characters (dots included), `?` one character, `[...]` a character
// class and `{a,b}` alternatives. A literal index such as `[0]` must be
// escaped: `aws_nat_gateway.this\[0\]` (in a double-quoted YAML string write
// "aws_nat_gateway.this\\[0\\]").
package waiver

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/gobwas/glob"
	"gopkg.in/yaml.v3"

	"github.com/letsleep/letsleep/internal/report"

	"github.com/letsleep/letsleep/internal/readlimit"
)

// ErrInput marks errors caused by a bad waivers file; the CLI exits 2.
var ErrInput = errors.New("waiver input error")

// InputError names the place in the file and what to do.
type InputError struct {
	File string
	Line int
	Msg  string
}

func (e *InputError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Is makes errors.Is(err, ErrInput) true.
func (e *InputError) Is(target error) bool { return target == ErrInput }

const dateLayout = "2006-01-02"

// Waiver is one entry of the file.
type Waiver struct {
	Rule     string
	Resource string
	Reason   string
	Expires  time.Time // start of the expiry day, UTC
	File     string
	Line     int
	match    *glob.Pattern
}

// Set is a parsed waivers file.
type Set struct {
	File    string
	Waivers []Waiver
}

// Parse reads and validates a waivers file. known lists the rule ids and
// categories that exist; a waiver naming anything else is an error (nil
// skips that check).
func Parse(path string, known []string) (*Set, error) {
	data, err := readlimit.ReadFile(path, readlimit.Waivers)
	if errors.Is(err, readlimit.ErrTooLarge) {
		return nil, &InputError{File: path, Msg: strings.TrimPrefix(err.Error(), path+": ")}
	}
	if err != nil {
		return nil, &InputError{File: path, Msg: fmt.Sprintf("cannot read the waivers file (%v): check the --waivers path", unwrapPath(err))}
	}
	if data, err = readlimit.UTF8(path, data); err != nil {
		return nil, &InputError{File: path, Msg: strings.TrimPrefix(err.Error(), path+": ")}
	}
	return ParseBytes(path, data, known)
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// ParseBytes parses waivers from data; name is used in error messages.
func ParseBytes(name string, data []byte, known []string) (*Set, error) {
	set := &Set{File: name}
	if strings.TrimSpace(string(data)) == "" {
		return nil, &InputError{File: name, Msg: "the waivers file is empty: add a top-level `waivers:` list, or drop --waivers"}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &InputError{File: name, Msg: fmt.Sprintf("not valid YAML (%s): fix the syntax", strings.TrimPrefix(err.Error(), "yaml: "))}
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		return nil, &InputError{File: name, Line: root.Line, Msg: "expected a mapping with a `waivers:` list at the top level"}
	}
	var list *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Value != "waivers" {
			return nil, &InputError{File: name, Line: k.Line, Msg: fmt.Sprintf("unknown top-level key %q: the only key is `waivers`", k.Value)}
		}
		list = v
	}
	if list == nil {
		return nil, &InputError{File: name, Line: root.Line, Msg: "missing top-level `waivers:` list"}
	}
	if list.Kind == yaml.ScalarNode && list.Tag == "!!null" {
		return set, nil // `waivers:` with nothing under it: no waivers
	}
	if list.Kind != yaml.SequenceNode {
		return nil, &InputError{File: name, Line: list.Line, Msg: "`waivers` must be a list of entries (- rule: ..., resource: ..., reason: ..., expires: ...)"}
	}
	knownSet := map[string]bool{}
	for _, k := range known {
		knownSet[k] = true
	}
	seen := map[string]int{}
	for _, item := range list.Content {
		w, err := parseEntry(name, item, known, knownSet)
		if err != nil {
			return nil, err
		}
		key := w.Rule + "\x00" + w.Resource
		if first, dup := seen[key]; dup {
			return nil, &InputError{File: name, Line: w.Line, Msg: fmt.Sprintf("duplicate waiver for rule %s and resource `%s` (first at line %d): keep one", w.Rule, w.Resource, first)}
		}
		seen[key] = w.Line
		set.Waivers = append(set.Waivers, w)
	}
	return set, nil
}

func parseEntry(name string, item *yaml.Node, known []string, knownSet map[string]bool) (Waiver, error) {
	w := Waiver{File: name, Line: item.Line}
	fail := func(line int, format string, args ...any) (Waiver, error) {
		return Waiver{}, &InputError{File: name, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	if item.Kind != yaml.MappingNode {
		return fail(item.Line, "a waiver must be a mapping with rule, resource, reason and expires")
	}
	var expires string
	var expiresLine int
	for i := 0; i+1 < len(item.Content); i += 2 {
		k, v := item.Content[i], item.Content[i+1]
		if v.Kind != yaml.ScalarNode {
			return fail(v.Line, "%s must be a single value", k.Value)
		}
		switch k.Value {
		case "rule":
			w.Rule = strings.TrimSpace(v.Value)
		case "resource":
			w.Resource = strings.TrimSpace(v.Value)
		case "reason":
			w.Reason = strings.TrimSpace(v.Value)
		case "expires":
			expires, expiresLine = strings.TrimSpace(v.Value), v.Line
		default:
			return fail(k.Line, "unknown key %q: a waiver has rule, resource, reason and expires", k.Value)
		}
	}
	switch {
	case w.Rule == "":
		return fail(item.Line, "waiver without `rule`: name a rule id (e.g. LSL-004) or a category")
	case w.Resource == "":
		return fail(item.Line, "waiver for %s without `resource`: give a resource address glob (\"*\" for all)", w.Rule)
	case w.Reason == "":
		return fail(item.Line, "waiver for %s without `reason`: say why the finding is accepted", w.Rule)
	case expires == "":
		return fail(item.Line, "waiver for %s without `expires`: give a date YYYY-MM-DD; waivers must expire", w.Rule)
	}
	if len(knownSet) > 0 && !knownSet[w.Rule] {
		return fail(item.Line, "unknown rule %q: use a rule id or category (%s)", w.Rule, strings.Join(known, ", "))
	}
	t, err := time.Parse(dateLayout, expires)
	if err != nil {
		return fail(expiresLine, "expires %q is not a date: write YYYY-MM-DD, e.g. 2027-01-31", expires)
	}
	w.Expires = t
	g, err := glob.Compile(w.Resource)
	if err != nil {
		return fail(item.Line, "resource `%s` is not a valid glob (%v): escape literal brackets as \\[0\\]", w.Resource, err)
	}
	w.match = g
	return w, nil
}

// Matches reports whether the waiver applies to f (ignoring expiry).
func (w Waiver) Matches(f report.Finding) bool {
	if w.Rule != f.Rule && w.Rule != f.Category {
		return false
	}
	return w.match != nil && w.match.Match(f.Resource)
}

// Expired reports whether the waiver no longer applies at now: it waives
// through the whole expiry day in UTC.
func (w Waiver) Expired(now time.Time) bool {
	return !now.UTC().Before(w.Expires.AddDate(0, 0, 1))
}

func (w Waiver) toReport() report.Waiver {
	return report.Waiver{Rule: w.Rule, Resource: w.Resource, Reason: w.Reason, Expires: w.Expires.Format(dateLayout)}
}

// Apply splits findings into kept and waived. The first live waiver (in file
// order) that matches a finding waives it. An expired waiver waives nothing
// and yields an `expired-waiver` notice; a live waiver that matches nothing
// yields an `unused-waiver` notice. A nil Set keeps every finding.
func (s *Set) Apply(findings []report.Finding, now time.Time) ([]report.Finding, []report.WaivedFinding, []report.Notice) {
	kept := []report.Finding{}
	waived := []report.WaivedFinding{}
	notices := []report.Notice{}
	if s == nil {
		return append(kept, findings...), waived, notices
	}
	used := make([]int, len(s.Waivers))
	expiredHits := make([][]string, len(s.Waivers))
	for _, f := range findings {
		done := false
		for i, w := range s.Waivers {
			if !w.Matches(f) {
				continue
			}
			if w.Expired(now) {
				expiredHits[i] = append(expiredHits[i], f.Resource)
				continue
			}
			if !done {
				waived = append(waived, report.WaivedFinding{Finding: f, Waiver: w.toReport()})
				used[i]++
				done = true
			}
		}
		if !done {
			kept = append(kept, f)
		}
	}
	for i, w := range s.Waivers {
		src := fmt.Sprintf("%s:%d", w.File, w.Line)
		switch {
		case w.Expired(now):
			n := report.Notice{Kind: "expired-waiver", Source: src,
				Message: fmt.Sprintf("waiver for %s on `%s` expired on %s and no longer waives anything (%d finding(s) now count): renew it with a new date or fix the finding", w.Rule, w.Resource, w.Expires.Format(dateLayout), len(expiredHits[i]))}
			if len(expiredHits[i]) == 1 {
				n.Address = expiredHits[i][0]
			}
			notices = append(notices, n)
		case used[i] == 0:
			notices = append(notices, report.Notice{Kind: "unused-waiver", Source: src,
				Message: fmt.Sprintf("waiver for %s on `%s` matched no finding: remove it, or check the rule and the resource glob", w.Rule, w.Resource)})
		}
	}
	return kept, waived, capNotices(notices, MaxNotices)
}

// MaxNotices caps the notices of one kind: a file of a million unused
// waivers must not print a million lines. The rest are counted in one
// closing notice of the same kind.
const MaxNotices = 20

func capNotices(notices []report.Notice, max int) []report.Notice {
	count := map[string]int{}
	out := notices[:0]
	var firstDropped []report.Notice // one per kind, in order of first drop
	for _, n := range notices {
		count[n.Kind]++
		if count[n.Kind] <= max {
			out = append(out, n)
		} else if count[n.Kind] == max+1 {
			firstDropped = append(firstDropped, n)
		}
	}
	for _, d := range firstDropped {
		more := count[d.Kind] - max
		out = append(out, report.Notice{Kind: d.Kind, Source: d.Source,
			Message: fmt.Sprintf("and %d more %s notices from %s onwards, not listed: the first %d are above", more, d.Kind, d.Source, max)})
	}
	return out
}
