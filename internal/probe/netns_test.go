package probe

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/letsleep/letsleep/internal/testtier"
)

// TestMain lets the test binary act as the probe inside a namespace: the
// netns test re-executes it under `ip netns exec`, the way the lab runs the
// probe binary.
func TestMain(m *testing.M) {
	if os.Getenv("LETSLEEP_PROBE_HELPER") == "1" {
		var req Request
		if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
			fmt.Fprintln(os.Stderr, "helper: decode request:", err)
			os.Exit(2)
		}
		_ = json.NewEncoder(os.Stdout).Encode(Run(context.Background(), req, Deps{}))
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// netnsWithRules makes a throwaway namespace with only loopback up and the
// given nftables ruleset, removed when the test ends. Nothing inside it can
// reach the host network: it has no other interface.
func netnsWithRules(t *testing.T, ruleset string) string {
	t.Helper()
	testtier.Require(t, testtier.Lab)
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("netns probe tests need root, and CI=true forbids skipping")
		}
		t.Skip("netns probe tests need root")
	}
	for _, tool := range []string{"ip", "nft"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s not installed (apt-get install iproute2 nftables)", tool)
		}
	}
	removeStaleNamespaces(t)
	name := fmt.Sprintf("lslprobe-%d-%d", os.Getpid(), time.Now().UnixNano()%1e6)
	run := func(stdin string, args ...string) {
		t.Helper()
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Stdin = strings.NewReader(stdin)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v: %s", strings.Join(args, " "), err, out)
		}
	}
	run("", "ip", "netns", "add", name)
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", name).Run() })
	run("", "ip", "-n", name, "link", "set", "lo", "up")
	run(ruleset, "ip", "netns", "exec", name, "nft", "-f", "-")
	return name
}

// removeStaleNamespaces deletes lslprobe-<pid>-* namespaces whose test
// process is gone (a run killed before its cleanup).
func removeStaleNamespaces(t *testing.T) {
	t.Helper()
	out, err := exec.Command("ip", "netns", "list").Output()
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(out), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 || !strings.HasPrefix(fields[0], "lslprobe-") {
			continue
		}
		parts := strings.Split(fields[0], "-")
		if len(parts) != 3 {
			continue
		}
		if _, err := os.Stat("/proc/" + parts[1]); err == nil {
			continue // its test is still running
		}
		if err := exec.Command("ip", "netns", "del", fields[0]).Run(); err == nil {
			t.Logf("removed stale namespace %s", fields[0])
		}
	}
}

// probeIn runs req with this test binary as the probe inside ns.
func probeIn(t *testing.T, ns string, req Request) Response {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(req)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "ip", "netns", "exec", ns, self, "-test.run=^$")
	cmd.Env = append(os.Environ(), "LETSLEEP_PROBE_HELPER=1")
	cmd.Stdin = bytes.NewReader(body)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("probe in %s: %v: %s", ns, err, stderr.String())
	}
	var resp Response
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Fatalf("probe output %q: %v", out, err)
	}
	return resp
}

// Real kernel behaviour for each way a boundary can hold: an nftables drop
// (input or output), a TCP reset reject, an ICMP reject, and no route.
// All traffic stays inside the namespace the test created.
func TestOutcomesInsideANetworkNamespace(t *testing.T) {
	ns := netnsWithRules(t, `
table inet probe_test {
  chain output {
    type filter hook output priority 0; policy accept;
    tcp dport 7001 drop
    tcp dport 7003 reject with tcp reset
    tcp dport 7004 reject with icmpx type host-unreachable
  }
  chain input {
    type filter hook input priority 0; policy accept;
    tcp dport 7002 drop
  }
}`)
	req := Request{ID: "ns", Checks: []Check{
		{Name: "output drop", Kind: KindTCP, Host: "127.0.0.1", Port: 7001, TimeoutMS: 500},
		{Name: "input drop", Kind: KindTCP, Host: "127.0.0.1", Port: 7002, TimeoutMS: 500},
		{Name: "reject reset", Kind: KindTCP, Host: "127.0.0.1", Port: 7003, TimeoutMS: 500},
		{Name: "reject icmp", Kind: KindTCP, Host: "127.0.0.1", Port: 7004, TimeoutMS: 500},
		{Name: "nothing listens", Kind: KindTCP, Host: "127.0.0.1", Port: 7005, TimeoutMS: 500},
		{Name: "no route", Kind: KindTCP, Host: "10.99.0.1", Port: 5432, TimeoutMS: 500},
		{Name: "https dropped", Kind: KindHTTPS, URL: "https://127.0.0.1:7001/", TimeoutMS: 500},
	}}
	want := []struct{ outcome, detail string }{
		{OutcomeTimeout, "no answer within 500ms"},
		{OutcomeTimeout, "no answer within 500ms"},
		{OutcomeRefused, "connection refused"},
		{OutcomeTimeout, "EHOSTUNREACH"},
		{OutcomeRefused, "connection refused"},
		{OutcomeTimeout, "ENETUNREACH"},
		{OutcomeTimeout, "no answer within 500ms"},
	}
	resp := probeIn(t, ns, req)
	if len(resp.Results) != len(want) || resp.ID != "ns" {
		t.Fatalf("got %+v", resp)
	}
	for i, w := range want {
		r := resp.Results[i]
		if r.Outcome != w.outcome || !strings.Contains(r.Detail, w.detail) {
			t.Errorf("%s: got %s %q, want %s containing %q", r.Name, r.Outcome, r.Detail, w.outcome, w.detail)
		}
		if r.LatencyMS > 500+slackMS {
			t.Errorf("%s: took %.0fms with a 500ms timeout", r.Name, r.LatencyMS)
		}
	}
}
