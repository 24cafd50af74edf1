package community_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// finding is what a spec asserts about one finding: its category and the
// resource it is placed on.
type finding struct {
	Category string `json:"category"`
	Resource string `json:"resource"`
}

func (f finding) String() string { return f.Category + " @ " + f.Resource }

// expectation is one stack's expected.json: the exact findings at medium or
// above, as an AWS reviewer would sign them. A stack letsleep does not get
// right yet is written as an object {"findings": [...], "pending": "what is
// wrong today"}; every other stack is a plain list, the shape of
// terraform/examples/*/expected.json.
type expectation struct {
	Findings []finding `json:"findings"`
	Pending  string    `json:"pending"`
}

func loadExpectation(path string) (expectation, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return expectation{}, fmt.Errorf("read expected findings: %w", err)
	}
	var exp expectation
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if trimmed := bytes.TrimSpace(raw); len(trimmed) > 0 && trimmed[0] == '[' {
		err = dec.Decode(&exp.Findings)
	} else {
		err = dec.Decode(&exp)
		if err == nil && exp.Pending == "" {
			err = fmt.Errorf("the object form is for pending stacks: give \"pending\" or write a plain list")
		}
	}
	if err != nil {
		return expectation{}, fmt.Errorf("%s: want a list of {category, resource} or {findings, pending}: %w", path, err)
	}
	seen := map[finding]bool{}
	for i, f := range exp.Findings {
		if f.Category == "" || f.Resource == "" {
			return expectation{}, fmt.Errorf("%s: entry %d needs both category and resource", path, i)
		}
		if seen[f] {
			return expectation{}, fmt.Errorf("%s: entry %d (%s) is listed twice", path, i, f)
		}
		seen[f] = true
	}
	return exp, nil
}

// sortedStrings renders findings as sorted "category @ resource" lines.
func sortedStrings(fs []finding) []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		out = append(out, f.String())
	}
	sort.Strings(out)
	return out
}

// communityStacks lists the stack folders under terraform/community.
func communityStacks(root string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(root, "terraform", "community"))
	if err != nil {
		return nil, fmt.Errorf("list community stacks: %w", err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	return names, nil
}
