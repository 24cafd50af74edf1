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
