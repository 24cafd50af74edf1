package boundary

import (
	"context"
	"strings"
	"testing"

	"github.com/letsleep/letsleep/internal/backend"
	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/probe"
)

// fakeNet answers probes from a table: function → target kind → outcome.
type fakeNet struct {
	backend.Boundary
	outcomes  map[string]map[string]string
	allowWake bool
	grants    map[string]bool // function → holds the data actions
	requests  map[string]int
}

func (f *fakeNet) Name() string    { return "fake" }
func (f *fakeNet) AllowWake() bool { return f.allowWake }
func (f *fakeNet) DBEndpoint() backend.HostPort {
	return backend.HostPort{Host: "10.0.0.5", Port: 5432}
}
func (f *fakeNet) Canary() backend.Canary { return backend.Canary{URL: "https://canary.test/"} }
func (f *fakeNet) Probe(_ context.Context, fn string, req probe.Request) (probe.Response, error) {
	f.requests[fn]++
	var resp probe.Response
	for _, c := range req.Checks {
		target := "db"
		if c.Kind == probe.KindHTTPS {
			target = "canary"
		}
		resp.Results = append(resp.Results, probe.Result{Name: c.Name, Kind: c.Kind, Outcome: f.outcomes[fn][target]})
	}
	return resp, nil
}
func (f *fakeNet) SimulateEgressIAM(_ context.Context, fn string) ([]backend.IAMDecision, error) {
	d := backend.DecisionImplicitDeny
	if f.grants[fn] {
		d = backend.DecisionAllowed
	}
	return []backend.IAMDecision{{Action: "rds-data:ExecuteStatement", Resource: "db", Decision: d}}, nil
}

func stack() *model.Model {
	return &model.Model{Functions: []model.Function{
		{Address: "egress", Role: model.RoleEgress, Egress: []model.Path{{Kind: model.PathOutsideVPC}}},
		{Address: "control", Role: model.RoleControl, InVPC: true, DataPaths: []model.Path{{Kind: model.PathNetwork}}},
	}}
}

func TestRunFillsTheMatrixOneRequestPerFunction(t *testing.T) {
	f := &fakeNet{allowWake: true, requests: map[string]int{}, outcomes: map[string]map[string]string{
		"egress":  {"db": "timeout", "canary": "reachable"},
		"control": {"db": "reachable", "canary": "timeout"},
	}}
	res, err := Run(context.Background(), f, stack(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if v := res.Violations(); len(v) != 0 {
		t.Fatalf("violations %v", v)
	}
	if f.requests["egress"] != 1 || f.requests["control"] != 1 {
		t.Fatalf("requests %v; want one per function", f.requests)
	}
	if len(res.IAM) != 1 || res.IAM[0].Function != "egress" {
		t.Fatalf("IAM %+v; want the egress function simulated", res.IAM)
	}
}

func TestRunReportsViolations(t *testing.T) {
	f := &fakeNet{allowWake: false, requests: map[string]int{}, grants: map[string]bool{"egress": true},
		outcomes: map[string]map[string]string{
			"egress":  {"db": "reachable", "canary": "reachable"},
			"control": {"db": "reachable", "canary": "reachable"},
		}}
	res, err := Run(context.Background(), f, stack(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	v := strings.Join(res.Violations(), "\n")
	for _, want := range []string{"probe: egress → db observed reachable", "probe: control → canary observed reachable", "iam: egress may rds-data:ExecuteStatement"} {
		if !strings.Contains(v, want) {
			t.Errorf("violations lack %q:\n%s", want, v)
		}
	}
	for _, r := range res.Matrix.Rows {
		if r.NeedsWake && r.Skipped == "" {
			t.Errorf("%s → %s would wake the DB but ran without AllowWake", r.Function, r.Target)
		}
	}
	if strings.Contains(v, "control → db") {
		t.Error("a skipped positive control counted as a violation")
	}
}

// fakeIAMNet is a twin with an IAM of its own: the egress function's probe
// reads the DB secret (a violation), control's may (control may touch the
// data), and the hot function's read rested on an assumption.
type fakeIAMNet struct {
	*fakeNet
}

func (f fakeIAMNet) Contexts() []backend.FunctionContext {
	return []backend.FunctionContext{
		{Function: "egress", Role: model.RoleEgress, CanGoOut: true},
		{Function: "control", Role: model.RoleControl, DataCapable: true},
		{Function: "hot", Role: model.RoleHot},
	}
}

func (f fakeIAMNet) IAMCells(fn string) []backend.IAMCell {
	return []backend.IAMCell{{Column: backend.ColumnDBSecret, Target: "db.master_user_secret",
		Check: probe.Check{Name: "db-secret", Kind: probe.KindAWS, Action: probe.ActionGetSecretValue, Target: "arn:s"}}}
}

func (f fakeIAMNet) IAMAssumptions(fn string, _ backend.IAMCell) []string {
	if fn == "hot" {
		return []string{"a document unknown at plan time"}
	}
	return nil
}

func (f fakeIAMNet) Probe(_ context.Context, fn string, req probe.Request) (probe.Response, error) {
	var resp probe.Response
	for _, c := range req.Checks {
		outcome := f.outcomes[fn]["db"]
		if c.Kind == probe.KindAWS {
			outcome = f.outcomes[fn]["iam"]
		}
		resp.Results = append(resp.Results, probe.Result{Name: c.Name, Kind: c.Kind, Outcome: outcome})
	}
	return resp, nil
}

func TestRunTriesTheIAMCellsOfATwinWithIAM(t *testing.T) {
	f := fakeIAMNet{&fakeNet{allowWake: true, requests: map[string]int{}, outcomes: map[string]map[string]string{
		"egress":  {"db": "timeout", "canary": "reachable", "iam": "reachable"},
		"control": {"db": "reachable", "canary": "timeout", "iam": "reachable"},
		"hot":     {"iam": "reachable"},
	}}}
	res, err := Run(context.Background(), f, stack(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.IAMCells) != 3 {
		t.Fatalf("iam cells %+v; want one per function", res.IAMCells)
	}
	v := strings.Join(res.Violations(), "\n")
	if !strings.Contains(v, "probe: egress → db-secret db.master_user_secret observed reachable") {
		t.Errorf("violations lack the egress read:\n%s", v)
	}
	if strings.Contains(v, "control → db-secret") {
		t.Errorf("control may read the DB secret; counted as a violation:\n%s", v)
	}
	if !strings.Contains(v, "hot → db-secret") || !strings.Contains(v, "assumed: a document unknown at plan time") {
		t.Errorf("the hot read must be a violation that says what the IAM assumed:\n%s", v)
	}
	var out strings.Builder
	res.Write(&out)
	if !strings.Contains(out.String(), "iam cells: function × IAM path") || !strings.Contains(out.String(), "3 iam cells tried") {
		t.Errorf("report lacks the IAM columns:\n%s", out.String())
	}
}
