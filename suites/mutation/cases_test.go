package mutation

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/letsleep/letsleep/internal/backend"
	"github.com/letsleep/letsleep/internal/tftree"
	"github.com/letsleep/letsleep/suites/boundary"
	"github.com/letsleep/letsleep/suites/sleep"
)

// TestEveryExampleDeclaresItsLabSignal fails when an example under
// terraform/examples/ (a new one included) has no valid lab-signal.json.
func TestEveryExampleDeclaresItsLabSignal(t *testing.T) {
	root, err := tftree.RepoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	cases, err := LoadCases(root)
	if err != nil {
		t.Fatal(err)
	}
	dirs, _ := os.ReadDir(filepath.Join(root, "terraform", "examples"))
	n := 0
	for _, d := range dirs {
		if d.IsDir() && !tftree.IsCleanExample(d.Name()) {
			n++
		}
	}
	if len(cases) != n || n == 0 {
		t.Fatalf("%d cases for %d example folders", len(cases), n)
	}
	for _, c := range cases {
		if c.Mistake == "" {
			t.Errorf("%s: README has no 'Mistake: ' line", c.Name)
		}
	}
}

func TestLoadCasesNamesTheMissingDeclaration(t *testing.T) {
	root := t.TempDir()
	ex := filepath.Join(root, "terraform", "examples")
	for name, signal := range map[string]string{
		"declared": `{"signal":"probe","function":"aws_lambda_function.x","target":"db","why":"it reaches the DB"}`,
		"bad":      `{"signal":"wake","endpoint":"aws_lambda_function_url.x","why":"no caller"}`,
		"missing":  "",
	} {
		if err := os.MkdirAll(filepath.Join(ex, name), 0o755); err != nil {
			t.Fatal(err)
		}
		_ = os.WriteFile(filepath.Join(ex, name, "expected.json"), []byte(`[]`), 0o644)
		if signal != "" {
			_ = os.WriteFile(filepath.Join(ex, name, SignalFile), []byte(signal), 0o644)
		}
	}
	cases, err := LoadCases(root)
	if len(cases) != 1 || cases[0].Name != "declared" {
		t.Fatalf("cases %+v; want only the declared one", cases)
	}
	for _, want := range []string{"missing: no lab signal declared: write " + filepath.Join(ex, "missing", SignalFile), "bad/lab-signal.json: wake signal: missing caller"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v; want it to contain %q", err, want)
		}
	}
}

// Only the declared signal catches a case: another violation in the same
// run, or the right kind of signal from the wrong place, does not.
func TestSignalSeenOnlyForTheDeclaredEvidence(t *testing.T) {
	b := &boundary.Result{Matrix: backend.Matrix{Rows: []backend.Row{
		{Function: "module.s.aws_lambda_function.hot", Target: backend.TargetDB, Expect: backend.ExpectBlocked, Observed: "reachable"},
		{Function: "aws_lambda_function.feed", Target: backend.TargetDB, Expect: backend.ExpectBlocked, Observed: "timeout"},
		{Function: "aws_lambda_function.feed", Target: backend.TargetCanary, Expect: backend.ExpectBlocked, Observed: "reachable"},
	}}}
	neverPaused := &sleep.Report{PauseErr: "database never paused: 1 connection(s) held open by aws_db_proxy.this (a proxy or pool keeps it awake)"}
	woke := &sleep.Report{Paused: true, Endpoints: []sleep.EndpointResult{
		{Endpoint: backend.Endpoint{Name: "aws_lambda_function_url.warmup"}, Woke: true, Wakers: []string{"module.stack.module.control.aws_lambda_function.this"}},
	}}
	schedule := func(kept bool) *sleep.Report {
		return &sleep.Report{Paused: true, Schedules: []sleep.ScheduleResult{{Schedule: backend.Schedule{Name: "aws_cloudwatch_event_rule.keep_warm", Clock: "rate(5 minutes) at 1/150 scale: every 2s"},
			Woke: true, KeptAwake: kept, Wakers: []string{"module.stack.module.control.aws_lambda_function.this"}}}}
	}
	keepWarm := Signal{Kind: SignalWake, Endpoint: "aws_cloudwatch_event_rule.keep_warm", Caller: "module.control.aws_lambda_function.this"}
	cases := []struct {
		name string
		sig  Signal
		b    *boundary.Result
		s    *sleep.Report
		want bool
	}{
		{"probe cell violated", Signal{Kind: SignalProbe, Function: "aws_lambda_function.hot", Target: "db"}, b, nil, true},
		{"same function, cell held", Signal{Kind: SignalProbe, Function: "aws_lambda_function.feed", Target: "db"}, b, nil, false},
		{"suffix must follow a dot", Signal{Kind: SignalProbe, Function: "function.hot", Target: "db"}, b, nil, false},
		{"never paused for the declared holder", Signal{Kind: SignalNeverPaused, Reason: "held open by aws_db_proxy.this"}, nil, neverPaused, true},
		{"never paused for another reason", Signal{Kind: SignalNeverPaused, Reason: "min capacity"}, nil, neverPaused, false},
		{"a slow pause is not a wake", Signal{Kind: SignalWake, Endpoint: "aws_lambda_function_url.warmup", Caller: "aws_lambda_function.this"}, nil, neverPaused, false},
		{"wake with the declared caller", Signal{Kind: SignalWake, Endpoint: "aws_lambda_function_url.warmup", Caller: "module.control.aws_lambda_function.this"}, nil, woke, true},
		{"a schedule that kept the DB awake", keepWarm, nil, schedule(true), true},
		{"a schedule that let it sleep between runs", keepWarm, nil, schedule(false), false},
		{"wake attributed elsewhere", Signal{Kind: SignalWake, Endpoint: "aws_lambda_function_url.warmup", Caller: "aws_lambda_function.warmup"}, nil, woke, false},
	}
	for _, c := range cases {
		if got := c.sig.Seen(c.b, c.s) != ""; got != c.want {
			t.Errorf("%s: seen=%v, want %v", c.name, got, c.want)
		}
	}
}

func TestSummaryCountsEveryExample(t *testing.T) {
	outs := []Outcome{
		{Case: Case{Name: "a", Signal: Signal{Kind: SignalProbe, Function: "f", Target: "db", Why: "w"}}, Seen: "probe f → db: reachable"},
		{Case: Case{Name: "b", Signal: Signal{Kind: SignalNeverPaused, Reason: "min capacity", Why: "w"}}, Violations: []string{"sentinel: endpoint x woke the DB"}},
		{Case: Case{Name: "c", Signal: Signal{Kind: SignalNotObservable, Why: "IAM only"}}},
	}
	var sb strings.Builder
	tally := WriteSummary(&sb, nil, outs)
	if tally != (Tally{Caught: 1, NotObservable: 1, Missed: 1, Total: 3}) {
		t.Fatalf("tally %+v", tally)
	}
	for _, want := range []string{"mutation: caught 1/3, not observable 1/3 (reasons above), missed 1/3", "MISSED", "seen instead: sentinel: endpoint x woke the DB", "IAM only"} {
		if !strings.Contains(sb.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, sb.String())
		}
	}
}

func TestIAMSignalCountsOnlyWhatThePlanAloneAllowed(t *testing.T) {
	s := Signal{Kind: SignalProbe, Function: "aws_lambda_function.egress", Target: backend.ColumnDBSecret, Why: "x"}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := (Signal{Kind: SignalProbe, Function: "f", Target: "db-secrets", Why: "x"}).Validate(); err == nil {
		t.Fatal("an unknown IAM column validated")
	}
	cell := boundary.IAMCellRow{Function: "module.x.aws_lambda_function.egress", Column: backend.ColumnDBSecret, Target: "db",
		Expect: backend.ExpectBlocked, Observed: "reachable"}
	if s.Seen(&boundary.Result{IAMCells: []boundary.IAMCellRow{cell}}, nil) == "" {
		t.Fatal("a certain IAM read was not seen")
	}
	cell.Assumed = []string{"unknown document"}
	if got := s.Seen(&boundary.Result{IAMCells: []boundary.IAMCellRow{cell}}, nil); got != "" {
		t.Fatalf("an IAM read that rests on an assumption was seen: %s", got)
	}
	cell.Assumed, cell.Observed = nil, "denied"
	if got := s.Seen(&boundary.Result{IAMCells: []boundary.IAMCellRow{cell}}, nil); got != "" {
		t.Fatalf("a denied read was seen: %s", got)
	}
}
