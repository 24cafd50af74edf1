package probe

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/letsleep/letsleep/internal/probe/probetest"
)

func runOne(t *testing.T, c Check, deps Deps) Result {
	t.Helper()
	resp := Run(context.Background(), Request{ID: "t", Checks: []Check{c}}, deps)
	if len(resp.Results) != 1 {
		t.Fatalf("want 1 result, got %d", len(resp.Results))
	}
	return resp.Results[0]
}

func TestTCPOutcomesAgainstRealListeners(t *testing.T) {
	open := probetest.HoldingListener(t)
	hole := blackholeListener(t)
	dns := startFakeDNS(t, map[string][4]byte{"db.lab.test.": {127, 0, 0, 1}})
	openHost, openPort := hostPort(open)
	holeHost, holePort := hostPort(hole)

	cases := []struct {
		name    string
		check   Check
		outcome string
		detail  string
	}{
		{"accepting listener", Check{Kind: KindTCP, Host: openHost, Port: openPort}, OutcomeReachable, "connected to 127.0.0.1:"},
		{"closed port", Check{Kind: KindTCP, Host: "127.0.0.1", Port: closedPort(t)}, OutcomeRefused, "connection refused"},
		{"full backlog drops SYN", Check{Kind: KindTCP, Host: holeHost, Port: holePort, TimeoutMS: 300}, OutcomeTimeout, "no answer within 300ms"},
		{"name through resolver", Check{Kind: KindTCP, Host: "db.lab.test", Port: openPort}, OutcomeReachable, "connected"},
		{"name that does not exist", Check{Kind: KindTCP, Host: "db.nowhere.invalid", Port: openPort}, OutcomeDNSError, "no such host"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.check.Name = tc.name
			r := runOne(t, tc.check, Deps{Resolver: dns.resolver()})
			if r.Outcome != tc.outcome || !strings.Contains(r.Detail, tc.detail) {
				t.Fatalf("got %s %q, want %s containing %q", r.Outcome, r.Detail, tc.outcome, tc.detail)
			}
			if r.Name != tc.name || r.Kind != KindTCP || r.Target == "" {
				t.Fatalf("result does not echo the check: %+v", r)
			}
		})
	}
}

func TestBlackholeCostsAtMostItsTimeout(t *testing.T) {
	host, port := hostPort(blackholeListener(t))
	start := time.Now()
	r := runOne(t, Check{Kind: KindTCP, Host: host, Port: port, TimeoutMS: 500}, Deps{})
	elapsed := time.Since(start)
	if r.Outcome != OutcomeTimeout {
		t.Fatalf("outcome %s (%s), want timeout", r.Outcome, r.Detail)
	}
	if elapsed > 500*time.Millisecond+schedSlack || r.LatencyMS < 450 || r.LatencyMS > 500+slackMS {
		t.Fatalf("blackhole took %v (latency %.0fms), want about its 500ms timeout", elapsed, r.LatencyMS)
	}
}

func TestHundredChecksEndWithinDeadline(t *testing.T) {
	host, port := hostPort(blackholeListener(t))
	req := Request{ID: "many", DeadlineMS: 2000}
	for i := range 100 {
		req.Checks = append(req.Checks, Check{Name: "hole-" + itoa(i), Kind: KindTCP, Host: host, Port: port, TimeoutMS: 1000})
	}
	start := time.Now()
	resp := Run(context.Background(), req, Deps{})
	elapsed := time.Since(start)
	if elapsed > 2000*time.Millisecond+lateGrace+schedSlack {
		t.Fatalf("100 blackholed checks took %v, deadline 2s", elapsed)
	}
	if len(resp.Results) != 100 {
		t.Fatalf("got %d results, want 100", len(resp.Results))
	}
	notRun := 0
	for i, r := range resp.Results {
		if r.Name != "hole-"+itoa(i) {
			t.Fatalf("result %d is %q: order not kept", i, r.Name)
		}
		if r.Outcome != OutcomeTimeout {
			t.Fatalf("result %d: %s (%s), want timeout", i, r.Outcome, r.Detail)
		}
		if strings.HasPrefix(r.Detail, "request deadline") {
			notRun++
		}
	}
	// 16 at a time, 1s each: two rounds fit in 2s, the rest cannot start.
	if notRun < 50 {
		t.Fatalf("only %d results name the request deadline; want the checks that could not start", notRun)
	}
}

func TestRequestDeadlineDefaultsAndCaps(t *testing.T) {
	for _, tc := range []struct{ in, def, max, want int }{
		{0, 25000, 25000, 25000}, {-5, 2000, 10000, 2000}, {500, 2000, 10000, 500}, {60000, 2000, 10000, 10000},
	} {
		if got := clampMS(tc.in, tc.def, tc.max); got != time.Duration(tc.want)*time.Millisecond {
			t.Errorf("clampMS(%d,%d,%d) = %v, want %dms", tc.in, tc.def, tc.max, got, tc.want)
		}
	}
}

func TestInvalidChecksAreErrorsNotPanics(t *testing.T) {
	cases := map[string]Check{
		"no host":        {Kind: KindTCP, Port: 5432},
		"port zero":      {Kind: KindTCP, Host: "127.0.0.1"},
		"port too big":   {Kind: KindTCP, Host: "127.0.0.1", Port: 70000},
		"dns no name":    {Kind: KindDNS},
		"http scheme":    {Kind: KindHTTPS, URL: "http://127.0.0.1/"},
		"bad url":        {Kind: KindHTTPS, URL: "://"},
		"unknown kind":   {Kind: "icmp", Host: "127.0.0.1"},
		"unknown action": {Kind: KindAWS, Action: "s3:GetObject", Target: "b"},
		"secret no id":   {Kind: KindAWS, Action: ActionGetSecretValue},
		"invoke no fn":   {Kind: KindAWS, Action: ActionInvoke},
		"https bad ca":   {Kind: KindHTTPS, URL: "https://127.0.0.1:1/", CAPEM: "not a pem"},
		"aws no clients": {Kind: KindAWS, Action: ActionGetCallerIdentity},
	}
	for name, c := range cases {
		r := runOne(t, c, Deps{})
		if r.Outcome != OutcomeError || r.Detail == "" {
			t.Errorf("%s: got %s %q, want error with a detail", name, r.Outcome, r.Detail)
		}
	}
}

func TestTruncatedBeyondMaxChecks(t *testing.T) {
	req := Request{ID: "big"}
	for range MaxChecks + 3 {
		req.Checks = append(req.Checks, Check{Kind: "nope"})
	}
	resp := Run(context.Background(), req, Deps{})
	if !resp.Truncated || len(resp.Results) != MaxChecks || resp.ID != "big" {
		t.Fatalf("truncated=%v results=%d id=%q", resp.Truncated, len(resp.Results), resp.ID)
	}
}

func TestEmptyRequestAnswersWithEmptyResults(t *testing.T) {
	resp := Run(context.Background(), Request{ID: "none"}, Deps{})
	if resp.Results == nil || len(resp.Results) != 0 || resp.Truncated {
		t.Fatalf("got %+v", resp)
	}
}
