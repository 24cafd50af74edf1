//go:build linux

package lab

import (
	"context"
	"testing"
	"time"

	"github.com/letsleep/letsleep/internal/model"
)

// TestRulesetsLoadIntoNftables checks that nft accepts every generated
// ruleset, NAT and open CIDRs included, inside a throwaway namespace.
func TestRulesetsLoadIntoNftables(t *testing.T) {
	needRoot(t)
	ctx := context.Background()
	lock, err := lockFile(ctx, DefaultStateDir, 10*time.Minute) // no lab may sweep our namespace meanwhile
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	ns := NSPrefix + "nftchk"
	_ = deleteNS(ctx, ns)
	if err := ip(ctx, "netns", "add", ns); err != nil {
		t.Fatal(err)
	}
	defer deleteNS(ctx, ns)

	m := referenceLike()
	m.Subnets[0].Routes = append(m.Subnets[0].Routes, model.Route{Destination: "0.0.0.0/0", TargetKind: "nat"})
	m.SecurityGroups[0].Egress = append(m.SecurityGroups[0].Egress,
		model.SGRule{Address: "all", Protocol: "-1", CIDRs: []string{"0.0.0.0/0"}},
		model.SGRule{Address: "icmp", Protocol: "icmp", FromPort: -1, ToPort: -1, CIDRs: []string{"10.0.0.0/8"}},
		model.SGRule{Address: "udp", Protocol: "udp", FromPort: 53, ToPort: 53, CIDRs: []string{"8.8.8.8/32"}},
		model.SGRule{Address: "v6", Protocol: "tcp", FromPort: 443, ToPort: 443, CIDRs: []string{"::/0"}},
		model.SGRule{Address: "pl", Protocol: "tcp", FromPort: 443, ToPort: 443, PrefixLists: []string{"pl-123"}},
		model.SGRule{Address: "self", Protocol: "tcp", FromPort: 1, ToPort: 65535, Self: true},
	)
	topo, err := BuildTopology(m, "t3")
	if err != nil {
		t.Fatal(err)
	}
	for owner, rs := range Rulesets(topo, m) {
		if out, err := sh(ctx, rs, "ip", "netns", "exec", ns, "nft", "-c", "-f", "-"); err != nil {
			t.Errorf("nft rejects the ruleset of %s: %v %s\n%s", owner, err, out, rs)
		}
	}
}
