package probe

import (
	"strings"
	"testing"
)

// DNS checks go to a fake resolver on loopback: no query leaves the machine.
func TestDNSOutcomes(t *testing.T) {
	dns := startFakeDNS(t, map[string][4]byte{"canary.lab.test.": {127, 0, 0, 9}})
	cases := []struct {
		name, outcome, detail string
		timeoutMS             int
	}{
		{"canary.lab.test", OutcomeReachable, "resolved to 127.0.0.9", 0},
		{"nothing.here.invalid", OutcomeDNSError, "no such host", 0},
		{"broken.lab.test", OutcomeDNSError, "dns lookup failed", 0},
		{"quiet.silent.test", OutcomeDNSError, "", 400},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := runOne(t, Check{Name: tc.name, Kind: KindDNS, DNSName: tc.name, TimeoutMS: tc.timeoutMS}, Deps{Resolver: dns.resolver()})
			if r.Outcome != tc.outcome || !strings.Contains(r.Detail, tc.detail) {
				t.Fatalf("got %s %q, want %s containing %q", r.Outcome, r.Detail, tc.outcome, tc.detail)
			}
			if r.Target != tc.name {
				t.Fatalf("target %q, want %q", r.Target, tc.name)
			}
			if tc.timeoutMS > 0 && r.LatencyMS > float64(tc.timeoutMS)+slackMS {
				t.Fatalf("silent resolver took %.0fms, timeout %dms", r.LatencyMS, tc.timeoutMS)
			}
		})
	}
}
