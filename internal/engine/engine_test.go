package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/letsleep/letsleep/internal/model"
	"github.com/letsleep/letsleep/internal/report"
)

func newEngine(t *testing.T, opts Options) *Engine {
	t.Helper()
	e, err := New(context.Background(), opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return e
}

func eval(t *testing.T, e *Engine, m *model.Model) []report.Finding {
	t.Helper()
	fs, err := e.Eval(context.Background(), m, nil)
	if err != nil {
		t.Fatalf("Eval: %v", err)
	}
	return fs
}

// ruleResources lists findings as "RULE resource", sorted.
func ruleResources(fs []report.Finding) []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		out = append(out, f.Rule+" "+f.Resource)
	}
	sort.Strings(out)
	return out
}

func TestReferenceModelIsClean(t *testing.T) {
	e := newEngine(t, Options{})
	if fs := eval(t, e, referenceModel()); len(fs) != 0 {
		t.Fatalf("reference model has findings: %v", ruleResources(fs))
	}
}

func TestCatalogueHasTheBuiltinChecks(t *testing.T) {
	e := newEngine(t, Options{})
	cat := e.Catalogue()
	if len(cat) != 15 {
		t.Fatalf("catalogue has %d checks, want 15", len(cat))
	}
	for i, c := range cat {
		want := fmt.Sprintf("LSL-%03d", i+1)
		if c.ID != want || !c.Builtin || c.Title == "" || c.Remediation == "" || !strings.HasPrefix(c.Package, "letsleep.checks.") || !c.Enabled {
			t.Errorf("catalogue[%d] = %+v, want id %s, built-in, enabled, with title and remediation", i, c, want)
		}
	}
	if got := e.KnownRules(); len(got) != 15 || got[0] != "LSL-001" || got[14] != "LSL-015" {
		t.Errorf("KnownRules = %v", got)
	}
}

func TestEvalFindsBrokenWirings(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(m *model.Model)
		want   []string
	}{
		{
			name: "egress function moved into the VPC with an SG path",
			mutate: func(m *model.Model) {
				m.Functions[1].DataPaths = []model.Path{networkPath(m.Functions[1].Address)}
			},
			// one violation, one finding: LSL-001 names the wake, LSL-002 stays silent
			want: []string{"LSL-001 module.egress.aws_lambda_function.this"},
		},
		{
			name: "hot function in the VPC without egress, with an SG path",
			mutate: func(m *model.Model) {
				m.Functions[2].Egress = nil
				m.Functions[2].InVPC = true
				m.Functions[2].DataPaths = []model.Path{networkPath(m.Functions[2].Address)}
			},
			want: []string{"LSL-002 module.hot.aws_lambda_function.this"},
		},
		{
			name: "hot function with a data-api grant",
			mutate: func(m *model.Model) {
				m.Functions[2].DataPaths = []model.Path{dataAPIPath(m.Functions[2].Address)}
				m.Roles = append(m.Roles, model.Role{Address: "module.hot.aws_iam_role.this", Grants: []model.Grant{{Action: "rds-data:ExecuteStatement", Resource: "*", Broad: true}}})
			},
			want: []string{"LSL-001 module.hot.aws_lambda_function.this", "LSL-011 module.hot.aws_iam_role.this"},
		},
		{
			name: "NAT gateway and proxy",
			mutate: func(m *model.Model) {
				m.NATGateways = []model.Gateway{{Address: "module.vpc.aws_nat_gateway.this[0]"}}
				m.Proxies = []model.Proxy{{Address: "aws_db_proxy.this", Targets: []string{clusterAddr}}}
			},
			want: []string{"LSL-004 module.vpc.aws_nat_gateway.this[0]", "LSL-005 aws_db_proxy.this"},
		},
		{
			name: "min ACU 0.5",
			mutate: func(m *model.Model) {
				m.Databases[0].MinCapacity = ptr(0.5)
			},
			want: []string{"LSL-006 " + clusterAddr},
		},
		{
			name: "public warm-up URL",
			mutate: func(m *model.Model) {
				m.EntryPoints[1].Auth = "NONE"
				m.EntryPoints[1].Throttled = false
				m.Functions[3].Reserved = nil
			},
			want: []string{"LSL-003 module.warmup.aws_apigatewayv2_route.warm", "LSL-014 module.warmup.aws_apigatewayv2_route.warm"},
		},
		{
			name: "open DB security group",
			mutate: func(m *model.Model) {
				sg := &m.SecurityGroups[0]
				sg.Ingress = append(sg.Ingress, model.SGRule{Address: "aws_security_group_rule.open", Protocol: "tcp", FromPort: 5432, ToPort: 5432, CIDRs: []string{"0.0.0.0/0"}})
			},
			want: []string{"LSL-007 module.data.aws_security_group.db", "LSL-008 aws_security_group_rule.open"},
		},
		{
			name: "warnings become findings",
			mutate: func(m *model.Model) {
				m.Warnings = []model.Warning{{Kind: "blind-spot", Address: "aws_ec2_transit_gateway_route.x", Message: "transit gateway route not modelled"}}
			},
			want: []string{"LSL-015 aws_ec2_transit_gateway_route.x"},
		},
	}
	e := newEngine(t, Options{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := referenceModel()
			tc.mutate(m)
			got := ruleResources(eval(t, e, m))
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("findings = %v\nwant %v", got, tc.want)
			}
		})
	}
}

func TestFindingCarriesMetadataAndPath(t *testing.T) {
	e := newEngine(t, Options{})
	m := referenceModel()
	m.Functions[1].DataPaths = []model.Path{dataAPIPath(m.Functions[1].Address)}
	fs := eval(t, e, m)
	if len(fs) == 0 {
		t.Fatal("no findings")
	}
	f := fs[0]
	if f.Rule != "LSL-001" || f.Category != "egress-reaches-db" || f.Severity != "critical" || f.Title != "Egress function reaches the database" {
		t.Errorf("first finding metadata = %+v", f)
	}
	if !strings.HasPrefix(f.Remediation, "Split the function") || f.Unresolved || f.Source != "reference.json" {
		t.Errorf("remediation/unresolved/source = %q %v %q", f.Remediation, f.Unresolved, f.Source)
	}
	if f.Assumptions == nil || len(f.Assumptions) != 0 {
		t.Errorf("a fact has an empty (not null) assumption list, got %#v", f.Assumptions)
	}
	// the function is named once: the data path's leading function step is dropped
	wantPath := append(append([]model.Step{}, outsideVPC(f.Resource).Steps...), dataAPIPath(f.Resource).Steps[1:]...)
	if !reflect.DeepEqual(f.Path, wantPath) {
		t.Errorf("path = %+v\nwant %+v", f.Path, wantPath)
	}
}

// A path through an assumed step makes the finding carry that assumption
// and caps it at medium, whatever the check's severity.
func TestFindingOnAnAssumedPathIsCappedAndSaysWhy(t *testing.T) {
	e := newEngine(t, Options{})
	m := referenceModel()
	guess := model.Assumption{Address: "aws_secretsmanager_secret.x", Unknown: "which cluster the secret opens", Assumed: "this one"}
	p := dataAPIPath(m.Functions[1].Address)
	p.Unresolved = true
	p.Steps = append(p.Steps[:1:1], append([]model.Step{{Kind: "secret", Detail: "guess", Assumption: &guess}}, p.Steps[1:]...)...)
	m.Functions[1].DataPaths = []model.Path{p}
	var lsl001 []report.Finding
	for _, f := range eval(t, e, m) {
		if f.Rule == "LSL-001" {
			lsl001 = append(lsl001, f)
		}
	}
	if len(lsl001) != 1 {
		t.Fatalf("LSL-001 findings = %+v", lsl001)
	}
	f := lsl001[0]
	if f.Severity != "medium" || !f.Unresolved || !reflect.DeepEqual(f.Assumptions, []model.Assumption{guess}) {
		t.Errorf("severity %s unresolved %v assumptions %+v; want medium, true, [%+v]", f.Severity, f.Unresolved, f.Assumptions, guess)
	}
}

func TestProfileAlwaysOnDisablesSleepChecks(t *testing.T) {
	m := referenceModel()
	m.NATGateways = []model.Gateway{{Address: "aws_nat_gateway.a"}}
	m.Databases[0].MinCapacity = ptr(2.0)
	m.Tables[0].TTL = false
	m.SecurityGroups[0].Ingress = append(m.SecurityGroups[0].Ingress, model.SGRule{Address: "aws_security_group_rule.ssh", Protocol: "tcp", FromPort: 22, ToPort: 22, CIDRs: []string{"0.0.0.0/0"}})

	sleep := ruleResources(eval(t, newEngine(t, Options{Profile: ProfileSleepFirst}), m))
	wantSleep := []string{"LSL-004 aws_nat_gateway.a", "LSL-006 " + clusterAddr, "LSL-008 aws_security_group_rule.ssh", "LSL-012 module.hot.aws_dynamodb_table.cache"}
	if !reflect.DeepEqual(sleep, wantSleep) {
		t.Errorf("sleep-first = %v, want %v", sleep, wantSleep)
	}
	on := newEngine(t, Options{Profile: ProfileAlwaysOn})
	if got := ruleResources(eval(t, on, m)); !reflect.DeepEqual(got, []string{"LSL-008 aws_security_group_rule.ssh"}) {
		t.Errorf("always-on = %v", got)
	}
	disabled := map[string]bool{}
	for _, c := range on.Catalogue() {
		if !c.Enabled {
			disabled[c.ID] = true
		}
	}
	for _, id := range []string{"LSL-002", "LSL-004", "LSL-005", "LSL-006", "LSL-012", "LSL-014"} {
		if !disabled[id] {
			t.Errorf("%s is enabled under always-on", id)
		}
	}
	if len(disabled) != 6 {
		t.Errorf("always-on disables %d checks, want 6", len(disabled))
	}
}

func TestUnknownProfile(t *testing.T) {
	_, err := New(context.Background(), Options{Profile: "nap-time"})
	if !errors.Is(err, ErrUsage) || !strings.Contains(err.Error(), `"nap-time"`) {
		t.Fatalf("err = %v, want ErrUsage naming the profile", err)
	}
}

// Strict reaches the policies as input.config.strict; LSL-015 keeps its
// severity (the runner fails the run on it under --strict).
func TestStrictReachesPolicies(t *testing.T) {
	dir := writeDir(t, map[string]string{"strict.rego": `package letsleep.checks.strict_probe

deny contains {"message": sprintf("strict=%v profile=%s", [input.config.strict, input.config.profile]), "severity": "info"} if true
`})
	m := referenceModel()
	m.Warnings = []model.Warning{{Kind: "unknown-policy", Address: "aws_iam_role_policy.p", Message: "policy unknown at plan time"}}
	for _, strict := range []bool{false, true} {
		fs := eval(t, newEngine(t, Options{Strict: strict, Profile: ProfileAlwaysOn, PolicyDirs: []string{dir}}), m)
		if len(fs) != 2 || fs[0].Rule != "LSL-015" || fs[0].Severity != "low" || !fs[0].Unresolved {
			t.Fatalf("strict=%v: findings %+v", strict, fs)
		}
		want := fmt.Sprintf("strict=%v profile=always-on", strict)
		if fs[1].Message != want || fs[1].Severity != "info" {
			t.Errorf("strict=%v: probe finding %+v, want message %q at info", strict, fs[1], want)
		}
	}
}

func TestEvalIsDeterministic(t *testing.T) {
	e := newEngine(t, Options{})
	build := func(reverse bool) *model.Model {
		m := referenceModel()
		for i := 0; i < 20; i++ {
			addr := "aws_nat_gateway.n" + strconv.Itoa(i)
			m.NATGateways = append(m.NATGateways, model.Gateway{Address: addr})
			m.Warnings = append(m.Warnings, model.Warning{Kind: "blind-spot", Address: "aws_x.w" + strconv.Itoa(i), Message: "m"})
			m.Functions = append(m.Functions, model.Function{Address: "aws_lambda_function.f" + strconv.Itoa(i), Role: "hot", Egress: []model.Path{outsideVPC("f")}, DataPaths: []model.Path{dataAPIPath("f")}})
		}
		if reverse {
			for i, j := 0, len(m.Functions)-1; i < j; i, j = i+1, j-1 {
				m.Functions[i], m.Functions[j] = m.Functions[j], m.Functions[i]
			}
			for i, j := 0, len(m.NATGateways)-1; i < j; i, j = i+1, j-1 {
				m.NATGateways[i], m.NATGateways[j] = m.NATGateways[j], m.NATGateways[i]
			}
		}
		return m
	}
	first, _ := json.Marshal(eval(t, e, build(false)))
	for i := 0; i < 3; i++ {
		again, _ := json.Marshal(eval(t, e, build(i%2 == 1)))
		if string(again) != string(first) {
			t.Fatalf("run %d differs:\n%s\n%s", i, first, again)
		}
	}
	var fs []report.Finding
	_ = json.Unmarshal(first, &fs)
	for i := 1; i < len(fs); i++ {
		if report.Rank(fs[i-1].Severity) < report.Rank(fs[i].Severity) {
			t.Fatalf("not sorted by severity at %d: %s before %s", i, fs[i-1].Severity, fs[i].Severity)
		}
	}
}

func TestEvalNilModel(t *testing.T) {
	if _, err := newEngine(t, Options{}).Eval(context.Background(), nil, nil); err == nil {
		t.Fatal("no error for a nil model")
	}
}

func TestEvalEmptyModelWithNilSlices(t *testing.T) {
	if fs := eval(t, newEngine(t, Options{}), &model.Model{}); len(fs) != 0 {
		t.Fatalf("empty model has findings: %v", ruleResources(fs))
	}
}

func TestBuiltinsDoNotReadThePlan(t *testing.T) {
	e := newEngine(t, Options{})
	if e.UsesPlan() {
		t.Fatal("built-in checks reference input.plan")
	}
	called := false
	_, err := e.Eval(context.Background(), referenceModel(), func() (any, error) { called = true; return nil, nil })
	if err != nil {
		t.Fatal(err)
	}
	if called {
		t.Fatal("raw plan materialised although no policy reads input.plan")
	}
}

// One Engine serves concurrent evaluations (the prepared query is shared).
func TestEvalConcurrent(t *testing.T) {
	e := newEngine(t, Options{})
	m := referenceModel()
	m.NATGateways = []model.Gateway{{Address: "aws_nat_gateway.a"}}
	want, _ := json.Marshal(eval(t, e, m))
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		go func() {
			fs, err := e.Eval(context.Background(), m, nil)
			if err == nil {
				if got, _ := json.Marshal(fs); string(got) != string(want) {
					err = fmt.Errorf("concurrent result differs: %s", got)
				}
			}
			errs <- err
		}()
	}
	for i := 0; i < 4; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
