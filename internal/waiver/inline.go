package waiver

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/letsleep/letsleep/internal/report"
)

// inlineUsage is the form every error message shows.
const inlineUsage = `# letsleep:ignore LSL-001 reason="why it is accepted" expires=YYYY-MM-DD`

// Inline is one in-source suppression, a comment on or above a resource or
// module block:
//
//	# letsleep:ignore LSL-001,LSL-007 reason="reviewed in SEC-12" expires=2027-03-31
//
// It works like a waiver whose resource is the block it sits on: a reason
// and an expiry are required, and it waives through its expiry day (UTC).
type Inline struct {
	Rules   []string // rule ids or categories
	Reason  string
	Expires time.Time
	File    string // as shown to the user (relative to the source root)
	Line    int
}

// Source is "file:line", where the comment is.
func (in Inline) Source() string { return fmt.Sprintf("%s:%d", in.File, in.Line) }

// ParseInline reads the text after the `letsleep:ignore` marker. known
// lists the rule ids and categories that exist (nil skips that check).
func ParseInline(text, file string, line int, known []string) (Inline, error) {
	in := Inline{File: file, Line: line}
	fail := func(format string, args ...any) (Inline, error) {
		return Inline{}, &InputError{File: file, Line: line, Msg: fmt.Sprintf(format, args...) + "; write " + inlineUsage}
	}
	words, err := splitDirective(text)
	if err != nil {
		return fail("letsleep:ignore %v", err)
	}
	var expires string
	seen := map[string]bool{}
	for _, w := range words {
		key, val, isKV := strings.Cut(w, "=")
		if !isKV {
			for _, r := range strings.Split(w, ",") {
				if r = strings.TrimSpace(r); r != "" {
					in.Rules = append(in.Rules, r)
				}
			}
			continue
		}
		if seen[key] {
			return fail("letsleep:ignore gives %s twice", key)
		}
		seen[key] = true
		switch key {
		case "reason":
			in.Reason = strings.TrimSpace(val)
		case "expires":
			expires = strings.TrimSpace(val)
		default:
			return fail("letsleep:ignore has an unknown setting %q (only reason and expires)", key)
		}
	}
	switch {
	case len(in.Rules) == 0:
		return fail("letsleep:ignore names no rule")
	case in.Reason == "":
		return fail("letsleep:ignore %s has no reason: say why the finding is accepted", strings.Join(in.Rules, ","))
	case expires == "":
		return fail("letsleep:ignore %s has no expiry: suppressions must expire", strings.Join(in.Rules, ","))
	}
	if len(known) > 0 {
		for _, r := range in.Rules {
			if !contains(known, r) {
				return Inline{}, &InputError{File: file, Line: line, Msg: fmt.Sprintf("letsleep:ignore names unknown rule %q: use a rule id or category (%s)", r, strings.Join(known, ", "))}
			}
		}
	}
	t, err := time.Parse(dateLayout, expires)
	if err != nil {
		return fail("letsleep:ignore expires %q is not a date", expires)
	}
	in.Expires = t
	return in, nil
}

// splitDirective splits on spaces, keeping a double-quoted value (Go
// string syntax, so \" may appear in a reason) as one word.
func splitDirective(s string) ([]string, error) {
	var out []string
	for {
		s = strings.TrimLeft(s, " \t")
		if s == "" {
			return out, nil
		}
		end := strings.IndexAny(s, " \t=")
		if end < 0 {
			return append(out, s), nil
		}
		if s[end] != '=' {
			out = append(out, s[:end])
			s = s[end:]
			continue
		}
		key, rest := s[:end], s[end+1:]
		if strings.HasPrefix(rest, `"`) {
			q, err := strconv.QuotedPrefix(rest)
			if err != nil {
				return nil, fmt.Errorf("%s= has an unterminated quoted value", key)
			}
			val, _ := strconv.Unquote(q)
			out = append(out, key+"="+val)
			s = rest[len(q):]
			continue
		}
		v := strings.IndexAny(rest, " \t")
		if v < 0 {
			v = len(rest)
		}
		out = append(out, key+"="+rest[:v])
		s = rest[v:]
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// Matches reports whether the suppression names f's rule or category.
func (in Inline) Matches(f report.Finding) bool {
	return contains(in.Rules, f.Rule) || contains(in.Rules, f.Category)
}

// Expired is Waiver.Expired for a comment.
func (in Inline) Expired(now time.Time) bool {
	return Waiver{Expires: in.Expires}.Expired(now)
}

// ApplyInline splits findings into kept and waived by the suppression
// comments on each finding's blocks (on returns them). An expired comment
// waives nothing and yields an `expired-suppression` notice; a live one
// that waives nothing yields an `unused-suppression` notice. all is every
// comment of the sources, so that unused ones are found.
func ApplyInline(findings []report.Finding, all []Inline, on func(report.Finding) []Inline, now time.Time) ([]report.Finding, []report.WaivedFinding, []report.Notice) {
	kept := []report.Finding{}
	waived := []report.WaivedFinding{}
	used := map[string]int{}
	expiredHits := map[string][]string{}
	for _, f := range findings {
		done := false
		for _, in := range on(f) {
			if !in.Matches(f) {
				continue
			}
			if in.Expired(now) {
				expiredHits[in.Source()] = append(expiredHits[in.Source()], f.Resource)
				continue
			}
			if !done {
				waived = append(waived, report.WaivedFinding{Finding: f, Waiver: report.Waiver{
					Rule: strings.Join(in.Rules, ","), Resource: f.Resource, Reason: in.Reason,
					Expires: in.Expires.Format(dateLayout), Kind: report.KindInSource, Source: in.Source(),
				}})
				used[in.Source()]++
				done = true
			}
		}
		if !done {
			kept = append(kept, f)
		}
	}
	notices := []report.Notice{}
	for _, in := range all {
		src := in.Source()
		rules := strings.Join(in.Rules, ",")
		switch {
		case in.Expired(now):
			n := report.Notice{Kind: "expired-suppression", Source: src,
				Message: fmt.Sprintf("letsleep:ignore %s at %s expired on %s and no longer waives anything (%d finding(s) now count): renew it with a new date or fix the finding", rules, src, in.Expires.Format(dateLayout), len(expiredHits[src]))}
			if len(expiredHits[src]) == 1 {
				n.Address = expiredHits[src][0]
			}
			notices = append(notices, n)
		case used[src] == 0:
			notices = append(notices, report.Notice{Kind: "unused-suppression", Source: src,
				Message: fmt.Sprintf("letsleep:ignore %s matched no finding of its block: remove it, or check the rule", rules)})
		}
	}
	return kept, waived, capNotices(notices, MaxNotices)
}
