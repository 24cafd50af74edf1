package plan_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/letsleep/letsleep/internal/report"
	"github.com/letsleep/letsleep/internal/runner"
)

// pair is what a spec asserts about a finding: its category and where it is placed.
type pair struct {
	Category string `json:"category"`
	Resource string `json:"resource"`
}

func (p pair) String() string { return p.Category + " @ " + p.Resource }

type pairSet map[pair]bool

func (s pairSet) sorted() []string {
	out := make([]string, 0, len(s))
	for p := range s {
		out = append(out, p.String())
	}
	sort.Strings(out)
	return out
}

// atLeast collects the (category, resource) pairs of findings at or above sev.
func atLeast(rep *report.Report, sev string) pairSet {
	set := pairSet{}
	for _, f := range rep.Findings {
		if report.Rank(f.Severity) >= report.Rank(sev) {
			set[pair{f.Category, f.Resource}] = true
		}
	}
	return set
}

// diff says which expected pairs are missing and which found pairs are extra.
func diff(want, got pairSet) (missing, extra []string) {
	for p := range want {
		if !got[p] {
			missing = append(missing, p.String())
		}
	}
	for p := range got {
		if !want[p] {
			extra = append(extra, p.String())
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	return missing, extra
}

func describeDiff(missing, extra []string) string {
	var b strings.Builder
	if len(missing) > 0 {
		fmt.Fprintf(&b, "missing:\n  %s\n", strings.Join(missing, "\n  "))
	}
	if len(extra) > 0 {
		fmt.Fprintf(&b, "extra:\n  %s\n", strings.Join(extra, "\n  "))
	}
	return b.String()
}

func loadExpected(path string) (pairSet, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read expected findings: %w", err)
	}
	var list []pair
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, fmt.Errorf("%s: not a JSON list of {category, resource}: %w", path, err)
	}
	set := pairSet{}
	for i, p := range list {
		if p.Category == "" || p.Resource == "" {
			return nil, fmt.Errorf("%s: entry %d needs both category and resource", path, i)
		}
		if set[p] {
			return nil, fmt.Errorf("%s: entry %d (%s) is listed twice", path, i, p)
		}
		set[p] = true
	}
	return set, nil
}

// check runs the real checker on one plan JSON file.
func check(ctx context.Context, planFile, profile string) (*report.Report, error) {
	return runner.Check(ctx, runner.Options{Paths: []string{planFile}, Profile: profile, FailOn: "medium"})
}
