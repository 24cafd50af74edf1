package model

import (
	"strings"
	"testing"
)

const hopsDB = "aws_rds_cluster.db"

// TestHopsChains: every hop kind of testdata/hops reaches the database
// through the function that holds the Data API grant, and the evidence
// names each hop.
func TestHopsChains(t *testing.T) {
	m := buildFixture(t, "hops", Config{})
	cases := []struct {
		fn, kind string
		steps    [][2]string // kind, address that must appear in order
		// unresolved: the grant rests on a policy unknown at plan time
		// (jsonencode with the state machine's ARN), assumed from its
		// references.
		unresolved bool
	}{
		{"aws_lambda_function.caller", PathInvoke, [][2]string{
			{"role", "aws_iam_role.caller"}, {"policy", "aws_lambda_permission.caller"},
			{"function", "aws_lambda_function.dbfn"}, {"database", hopsDB},
		}, false},
		{"aws_lambda_function.chain", PathAssumeRole, [][2]string{
			{"role", "aws_iam_role.a"}, {"role", "aws_iam_role.b"}, {"role", "aws_iam_role.c"},
			{"policy", "aws_secretsmanager_secret_policy.dbcopy"}, {"database", hopsDB},
		}, false},
		{"aws_lambda_function.starter", PathStateMachine, [][2]string{
			{"role", "aws_iam_role.starter"}, {"state_machine", "aws_sfn_state_machine.flow"},
			{"function", "aws_lambda_function.dbfn"}, {"database", hopsDB},
		}, true},
		{"aws_lambda_function.signer", PathAPIInvoke, [][2]string{
			{"role", "aws_iam_role.signer"}, {"entry_point", "aws_apigatewayv2_route.ops"},
			{"function", "aws_lambda_function.dbfn"}, {"database", hopsDB},
		}, false},
	}
	for _, c := range cases {
		f := fn(t, m, c.fn)
		p := findPath(t, f.DataPaths, c.kind)
		if p.Target != hopsDB || p.Unresolved != c.unresolved {
			t.Errorf("%s: %s path = %+v", c.fn, c.kind, p)
		}
		at := 0
		for _, want := range c.steps {
			found := false
			for ; at < len(p.Steps); at++ {
				if p.Steps[at].Kind == want[0] && p.Steps[at].Address == want[1] {
					found = true
					break
				}
			}
			if !found {
				t.Errorf("%s: no step %v in order in %+v", c.fn, want, p.Steps)
			}
		}
	}
}

// TestHopsBlocked: a trust policy that does not admit the caller stops the
// hop, and the a ↔ b trust cycle ends.
func TestHopsBlocked(t *testing.T) {
	m := buildFixture(t, "hops", Config{})
	if f := fn(t, m, "aws_lambda_function.stranger"); len(f.DataPaths) != 0 {
		t.Errorf("stranger may assume c, but c trusts only b: %+v", f.DataPaths)
	}
	chain := fn(t, m, "aws_lambda_function.chain")
	if n := len(chain.DataPaths); n != 1 {
		t.Errorf("chain: want one assume-role path through the cycle, got %d: %+v", n, chain.DataPaths)
	}
}

func TestHopsPublicEntryPoints(t *testing.T) {
	m := buildFixture(t, "hops", Config{})
	got := map[string]EntryPoint{}
	for _, ep := range m.EntryPoints {
		got[ep.Address] = ep
	}
	if ep, ok := got["aws_lb_listener.public"]; !ok || ep.Kind != "alb" || ep.Auth != "NONE" || ep.Function != "aws_lambda_function.dbfn" {
		t.Errorf("internet-facing ALB listener = %+v (present %v)", ep, ok)
	}
	if _, ok := got["aws_lb_listener.internal"]; ok {
		t.Errorf("an internal ALB is not an entry point from the internet")
	}
	if ep := got["aws_sqs_queue.inbox"]; ep.Kind != "sqs_queue" || ep.Auth != "NONE" || ep.Function != "aws_lambda_function.dbfn" || len(ep.Steps) < 2 {
		t.Errorf("public queue = %+v", ep)
	}
	g := got["aws_cognito_identity_pool.guests"]
	if g.Kind != "cognito_unauthenticated" || len(g.DataPaths) == 0 || g.DataPaths[0].Target != hopsDB {
		t.Errorf("guest role with the Data API = %+v", g)
	}
	if r := got["aws_apigatewayv2_route.ops"]; r.Auth != "AWS_IAM" {
		t.Errorf("IAM route = %+v", r)
	}
}

func TestHopsSchedules(t *testing.T) {
	m := buildFixture(t, "hops", Config{})
	got := map[string]Schedule{}
	for _, s := range m.Schedules {
		got[s.Address] = s
	}
	cases := []struct {
		addr     string
		period   int
		enabled  bool
		wakeKind string // "" when no wake
		targets  []string
	}{
		{"aws_cloudwatch_event_rule.every_ten", 600, true, PathInvoke, []string{"aws_lambda_function.dbfn"}},
		{"aws_cloudwatch_event_rule.disabled", 60, false, PathInvoke, []string{"aws_lambda_function.dbfn"}},
		{"aws_scheduler_schedule.failover", 120, true, PathUniversal, []string{"arn:aws:scheduler:::aws-sdk:rds:failoverDBCluster"}},
		{"aws_scheduler_schedule.snapshot", 60, true, "", []string{"arn:aws:scheduler:::aws-sdk:rds:createDBClusterSnapshot"}},
		// a queue runs the function through its mapping: no direct target
		{"aws_scheduler_schedule.via_queue", 180, true, PathInvoke, []string{}},
	}
	for _, c := range cases {
		s, ok := got[c.addr]
		if !ok {
			t.Errorf("schedule %s missing", c.addr)
			continue
		}
		if !equal(s.Targets, c.targets) || s.Targets == nil {
			t.Errorf("%s: targets %#v, want %v", c.addr, s.Targets, c.targets)
		}
		if s.PeriodSeconds != c.period || s.Enabled != c.enabled {
			t.Errorf("%s: period %d enabled %v, want %d %v", c.addr, s.PeriodSeconds, s.Enabled, c.period, c.enabled)
		}
		switch {
		case c.wakeKind == "" && len(s.Wakes) != 0:
			t.Errorf("%s: a snapshot does not wake the cluster: %+v", c.addr, s.Wakes)
		case c.wakeKind != "" && (len(s.Wakes) != 1 || s.Wakes[0].Kind != c.wakeKind || s.Wakes[0].Target != hopsDB):
			t.Errorf("%s: wakes = %+v, want one %s wake of %s", c.addr, s.Wakes, c.wakeKind, hopsDB)
		}
	}
	if w := got["aws_scheduler_schedule.via_queue"].Wakes; len(w) == 1 && !hasStep(w[0], "event_source_mapping", "aws_lambda_event_source_mapping.inbox", "") {
		t.Errorf("via_queue wake must pass the event source mapping: %+v", w[0].Steps)
	}
}

func TestSchedulePeriod(t *testing.T) {
	cases := map[string]int{
		"rate(1 minute)":                60,
		"rate(5 minutes)":               300,
		"rate(2 hours)":                 7200,
		"rate(1 day)":                   86400,
		"rate(0 minutes)":               0,
		"cron(0/4 * * * ? *)":           240,
		"cron(*/15 * * * ? *)":          900,
		"cron(0,30 * * * ? *)":          1800,
		"cron(5,55 * * * ? *)":          600, // 55 → 5 wraps round the hour
		"cron(0-59 9-17 ? * MON-FRI *)": 60,
		"cron(0 * * * ? *)":             3600,
		"cron(0 */6 * * ? *)":           21600,
		"cron(0 3 * * ? *)":             86400,
		"at(2030-01-01T00:00:00)":       0,
		"":                              0,
		"rate(x minutes)":               0,
		"cron(0 *)":                     0,
	}
	for expr, want := range cases {
		if got := schedulePeriod(expr); got != want {
			t.Errorf("schedulePeriod(%q) = %d, want %d", expr, got, want)
		}
	}
}

func TestUniversalTarget(t *testing.T) {
	svc, api, ok := universalTarget("arn:aws:scheduler:::aws-sdk:rdsdata:executeStatement")
	if !ok || svc != "rdsdata" || api != "executeStatement" {
		t.Errorf("rdsdata target = %q %q %v", svc, api, ok)
	}
	if _, _, ok := universalTarget("arn:aws:lambda:eu-west-1:123456789012:function:x"); ok {
		t.Errorf("a function ARN is a templated target, not a universal one")
	}
}

func TestHopNameInARN(t *testing.T) {
	cases := []struct{ action, arn, want string }{
		{ActionAssumeRole, "arn:aws:iam::123456789012:role/team/reader", "reader"},
		{ActionAssumeRole, "arn:aws:iam::123456789012:user/bob", ""},
		{ActionPublish, "arn:aws:sns:eu-west-1:123456789012:jobs", "jobs"},
		{ActionSendMessage, "arn:aws:sqs:eu-west-1:123456789012:work.fifo", "work.fifo"},
		{ActionStartExecution, "arn:aws:states:eu-west-1:123456789012:stateMachine:flow", "flow"},
		{ActionAPIInvoke, "arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/POST/ops", "abc123"},
	}
	for _, c := range cases {
		if got := hopNameInARN(c.action, c.arn); got != c.want {
			t.Errorf("hopNameInARN(%s, %s) = %q, want %q", c.action, c.arn, got, c.want)
		}
	}
	if !strings.HasPrefix(hopTargetKind(ActionPublish), "topic") {
		t.Errorf("publish targets are topics")
	}
}
