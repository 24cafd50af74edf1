package badinput

import (
	"regexp"
	"strings"
	"testing"
)

// advice matches a plain-language "what to do" clause: an imperative verb
// telling the user the next step.
var advice = regexp.MustCompile(`(?i)\b(pass|run|fix|install|use|raise|split|remove|rename|check|set|give|add|point|write|declare|change|correct|rewrite|increase|simplify|make|keep|drop|must be|is this|one of)\b|\(want `)

// goInternals are fragments of Go or library internals a user should never
// have to read in a message.
var goInternals = regexp.MustCompile(`tfjson\.|\[\]\*|map\[string\]|json: cannot unmarshal|\*ast\.|goroutine |runtime error`)

// inputErr is what a bad-input case must print: exit 2 and one line (or a
// short block) naming the file, with the deterministic parts given here.
type inputErr struct {
	line     string   // the full expected first line, "{file}" stands for the path; "" skips
	contains []string // fragments the stderr must contain ("{file}" expanded)
	matches  []string // regular expressions the stderr must match
	maxLines int      // default 1
	// passthrough: the message is another tool's own (terraform, the Rego
	// compiler); it must be there, but its wording is not ours to judge.
	passthrough bool
}

func assertInputErr(t *testing.T, res result, file string, want inputErr) {
	t.Helper()
	if res.code != 2 {
		t.Fatalf("exit code = %d, want 2 (usage or input error)\nstdout:\n%s\nstderr:\n%s", res.code, tail(res.stdout), tail(res.stderr))
	}
	msg := strings.TrimRight(res.stderr, "\n")
	if msg == "" {
		t.Fatalf("exit 2 with nothing on stderr: the user cannot tell what went wrong")
	}
	lines := strings.Split(msg, "\n")
	max := want.maxLines
	if max == 0 {
		max = 1
	}
	if len(lines) > max {
		t.Errorf("stderr has %d lines, want at most %d (one clear message):\n%s", len(lines), max, tail(msg))
	}
	expand := func(s string) string { return strings.ReplaceAll(s, "{file}", file) }
	if want.line != "" && lines[0] != expand(want.line) {
		t.Errorf("stderr first line:\n got: %s\nwant: %s", lines[0], expand(want.line))
	}
	if file != "" && !strings.Contains(msg, file) {
		t.Errorf("stderr does not name the file %s:\n%s", file, tail(msg))
	}
	for _, c := range want.contains {
		if !strings.Contains(msg, expand(c)) {
			t.Errorf("stderr lacks %q:\n%s", expand(c), tail(msg))
		}
	}
	for _, re := range want.matches {
		if !regexp.MustCompile(re).MatchString(msg) {
			t.Errorf("stderr does not match %s:\n%s", re, tail(msg))
		}
	}
	if m := goInternals.FindString(msg); m != "" {
		t.Errorf("stderr leaks Go internals (%q) into a user message:\n%s", m, tail(msg))
	}
	// Look for the advice after the file name: a context prefix such as
	// "write FILE:" is not advice.
	said := msg
	if file != "" {
		if i := strings.LastIndex(msg, file); i >= 0 {
			said = msg[i+len(file):]
		}
	}
	if !want.passthrough && !advice.MatchString(said) {
		t.Errorf("stderr says what went wrong but not what to do (no plain-language next step):\n%s", tail(msg))
	}
	if strings.TrimSpace(res.stdout) != "" {
		t.Errorf("an input error wrote a report to stdout, which a CI step could mistake for a result:\n%s", tail(res.stdout))
	}
}
