package mutation

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/letsleep/letsleep/internal/backend"
	"github.com/letsleep/letsleep/internal/tftree"
	"github.com/letsleep/letsleep/suites/boundary"
	"github.com/letsleep/letsleep/suites/sleep"
)

// SignalFile is the file in each terraform/examples/<name>/ folder that
// declares which lab signal must catch the example's mistake.
const SignalFile = "lab-signal.json"

// Signal kinds.
const (
	// SignalProbe: a probe from Function's context reaches Target (db or
	// canary, or an IAM column: db-secret, data-api, invoke-control,
	// db-password, assume-role), a cell the invariant says must be
	// blocked. An IAM cell counts only when the lab's IAM allowed it on
	// the plan alone (nothing assumed).
	SignalProbe = "probe"
	// SignalWake: hitting Endpoint woke the paused database and the sentinel
	// attributed the wake to Caller. Endpoint may name a schedule, which the
	// lab runs on its scaled clock: it then must also have kept the
	// database awake.
	SignalWake = "wake"
	// SignalNeverPaused: the database never paused, for a reason whose text
	// contains Reason.
	SignalNeverPaused = "never-paused"
	// SignalNotObservable: the lab cannot see this mistake; Why says why.
	SignalNotObservable = "not-observable"
)

// Signal is the declared evidence for one example. Addresses match a model
// address exactly or as its suffix after a dot ("aws_lambda_function.feed"
// matches "module.x.aws_lambda_function.feed").
type Signal struct {
	Kind     string `json:"signal"`
	Function string `json:"function,omitempty"` // probe
	Target   string `json:"target,omitempty"`   // probe: db | canary | an IAM column
	Endpoint string `json:"endpoint,omitempty"` // wake
	Caller   string `json:"caller,omitempty"`   // wake
	Reason   string `json:"reason,omitempty"`   // never-paused
	// Why says in a sentence what the lab sees, or, when not observable,
	// why the lab cannot see it.
	Why string `json:"why"`
}

// Observable reports whether the lab is expected to see the mistake.
func (s Signal) Observable() bool { return s.Kind != SignalNotObservable }

// String is the declared signal as the report prints it.
func (s Signal) String() string {
	switch s.Kind {
	case SignalProbe:
		return fmt.Sprintf("probe %s → %s reachable", s.Function, s.Target)
	case SignalWake:
		return fmt.Sprintf("wake via %s, attributed to %s", s.Endpoint, s.Caller)
	case SignalNeverPaused:
		return fmt.Sprintf("never paused: %s", s.Reason)
	}
	return "not observable: " + s.Why
}

// Validate checks that the declaration names what its kind needs.
func (s Signal) Validate() error {
	var missing []string
	need := func(field, v string) {
		if strings.TrimSpace(v) == "" {
			missing = append(missing, field)
		}
	}
	need("why", s.Why)
	switch s.Kind {
	case SignalProbe:
		need("function", s.Function)
		if s.Target != backend.TargetDB && s.Target != backend.TargetCanary && !slices.Contains(backend.IAMColumns, s.Target) {
			return fmt.Errorf("probe signal: target %q: want %q, %q or an IAM column (%s)", s.Target, backend.TargetDB, backend.TargetCanary, strings.Join(backend.IAMColumns, ", "))
		}
	case SignalWake:
		need("endpoint", s.Endpoint)
		need("caller", s.Caller)
	case SignalNeverPaused:
		need("reason", s.Reason)
	case SignalNotObservable:
	default:
		return fmt.Errorf("signal %q: want one of %s, %s, %s, %s", s.Kind, SignalProbe, SignalWake, SignalNeverPaused, SignalNotObservable)
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s signal: missing %s", s.Kind, strings.Join(missing, ", "))
	}
	return nil
}

// Seen returns the evidence of the declared signal in a run's results, or
// "" when the signal did not appear. Only that signal counts: another
// violation in the same run does not catch the case.
func (s Signal) Seen(b *boundary.Result, sl *sleep.Report) string {
	switch s.Kind {
	case SignalProbe:
		if b == nil {
			return ""
		}
		for _, r := range b.Matrix.Rows {
			if addrMatch(r.Function, s.Function) && r.Target == s.Target && r.Skipped == "" &&
				r.Expect == backend.ExpectBlocked && r.Observed == "reachable" {
				return fmt.Sprintf("probe %s → %s: %s (%s)", r.Function, r.Target, r.Observed, r.Detail)
			}
		}
		for _, r := range b.IAMCells {
			if addrMatch(r.Function, s.Function) && r.Column == s.Target && r.Violation() && len(r.Assumed) == 0 {
				return fmt.Sprintf("probe %s → %s %s: %s (%s), allowed by the lab's IAM on the plan alone", r.Function, r.Column, r.Target, r.Observed, r.Detail)
			}
		}
	case SignalWake:
		if sl == nil {
			return ""
		}
		for _, e := range sl.Endpoints {
			if !e.Woke || !addrMatch(e.Endpoint.Name, s.Endpoint) {
				continue
			}
			for _, w := range e.Wakers {
				if addrMatch(w, s.Caller) {
					return fmt.Sprintf("sentinel: %s woke the DB, wake attributed to %s", e.Endpoint.Name, w)
				}
			}
		}
		// A schedule counts only when its runs kept the database awake: a
		// schedule slower than the pause delay wakes it too, harmlessly.
		for _, r := range sl.Schedules {
			if !r.KeptAwake || !addrMatch(r.Schedule.Name, s.Endpoint) {
				continue
			}
			for _, w := range r.Wakers {
				if addrMatch(w, s.Caller) {
					return fmt.Sprintf("sentinel: schedule %s (%s) woke the DB and kept it awake (paused %.0f%% of the time after the wake), wake attributed to %s",
						r.Schedule.Name, r.Schedule.Clock, 100*r.PausedShare, w)
				}
			}
		}
	case SignalNeverPaused:
		if sl != nil && !sl.Paused && strings.Contains(sl.PauseErr, s.Reason) {
			return "sentinel: " + sl.PauseErr
		}
	}
	return ""
}

func addrMatch(addr, want string) bool {
	return addr == want || strings.HasSuffix(addr, "."+want)
}

// LoadCases reads every example folder under root/terraform/examples with
// its declared signal, sorted by name. A folder without a declaration, or
// with an invalid one, is an error naming the file and what to write.
func LoadCases(root string) ([]Case, error) {
	dir := filepath.Join(root, "terraform", "examples")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("list examples: %w", err)
	}
	var cases []Case
	var errs []error
	for _, e := range entries {
		if !e.IsDir() || tftree.IsCleanExample(e.Name()) {
			continue
		}
		c := Case{Name: e.Name()}
		path := filepath.Join(dir, e.Name(), SignalFile)
		raw, err := os.ReadFile(path)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: no lab signal declared: write %s naming the signal that must catch the mistake (probe, wake, never-paused) or why the lab cannot see it (not-observable); see docs/lab.md", e.Name(), path))
			continue
		}
		dec := json.NewDecoder(strings.NewReader(string(raw)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c.Signal); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", path, err))
			continue
		}
		if err := c.Signal.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", path, err))
			continue
		}
		c.Mistake = mistake(filepath.Join(dir, e.Name(), "README.md"))
		if err := c.LoadPolicy(root); err != nil {
			errs = append(errs, err)
			continue
		}
		cases = append(cases, c)
	}
	sort.Slice(cases, func(i, j int) bool { return cases[i].Name < cases[j].Name })
	return cases, errors.Join(errs...)
}

// mistake is the "Mistake: ..." sentence of an example's README, cut at
// "Expected:".
func mistake(readme string) string {
	b, err := os.ReadFile(readme)
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "Mistake: "); ok {
			if i := strings.Index(rest, " Expected:"); i >= 0 {
				rest = rest[:i]
			}
			return rest
		}
	}
	return ""
}
