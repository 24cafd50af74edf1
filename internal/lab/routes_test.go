//go:build linux

package lab

import (
	"strings"
	"testing"

	"github.com/letsleep/letsleep/internal/model"
)

// routedModel is referenceLike with one function per routing case, each in
// its own subnet (two for "either"), and egress to anywhere on 443:
//
//	halves:    0.0.0.0/1 and 128.0.0.0/1 to a NAT gateway: out
//	shadowed:  0.0.0.0/0 to a NAT, the canary's /24 to a transit gateway: not out
//	private:   only 192.168.0.0/16 to a NAT: not out
//	either:    one subnet's 0.0.0.0/0 goes to an internet gateway (no way
//	           out for IPv4), the other's to a NAT: out through the second
func routedModel() *model.Model {
	m := referenceLike()
	nat := func(dest string) model.Route {
		return model.Route{Destination: dest, TargetKind: "nat", Target: "aws_nat_gateway.gw"}
	}
	local := model.Route{Destination: "10.0.0.0/16", TargetKind: "local"}
	subnet := func(name, cidr string, routes ...model.Route) model.Subnet {
		return model.Subnet{Address: "aws_subnet." + name, VPC: "aws_vpc.main", CIDR: cidr, Routes: append([]model.Route{local}, routes...)}
	}
	m.Subnets = append(m.Subnets,
		subnet("halves", "10.0.2.0/24", nat("0.0.0.0/1"), nat("128.0.0.0/1")),
		subnet("shadowed", "10.0.3.0/24", nat("0.0.0.0/0"), model.Route{Destination: canaryAddr.String() + "/24", TargetKind: "tgw", Target: "aws_ec2_transit_gateway.hub"}),
		subnet("private", "10.0.4.0/24", nat("192.168.0.0/16")),
		subnet("igw", "10.0.5.0/24", model.Route{Destination: "0.0.0.0/0", TargetKind: "igw", Target: "aws_internet_gateway.gw"}),
		subnet("nat", "10.0.6.0/24", nat("0.0.0.0/0")),
	)
	m.SecurityGroups[0].Egress = append(m.SecurityGroups[0].Egress,
		model.SGRule{Address: "https-out", Protocol: "tcp", FromPort: 443, ToPort: 443, CIDRs: []string{"0.0.0.0/0"}})
	for _, f := range []struct {
		name    string
		subnets []string
	}{{"halves", []string{"halves"}}, {"shadowed", []string{"shadowed"}}, {"private", []string{"private"}}, {"either", []string{"igw", "nat"}}} {
		fn := model.Function{Address: "aws_lambda_function." + f.name, InVPC: true, SecurityGroups: []string{"aws_security_group.fn"}}
		for _, s := range f.subnets {
			fn.Subnets = append(fn.Subnets, "aws_subnet."+s)
		}
		m.Functions = append(m.Functions, fn)
	}
	return m
}

func TestRouteTablesFollowThePlan(t *testing.T) {
	topo, err := BuildTopology(routedModel(), "t4")
	if err != nil {
		t.Fatal(err)
	}
	r := topo.Routers[0]
	if r.IfInet == "" || !r.NAT {
		t.Fatalf("router %+v: want an internet link (members route to a NAT)", r)
	}
	// NAT: some block goes to the NAT (a private one too: the NAT gateway
	// takes it, and the lab's internet, which forwards nothing, drops it).
	for fn, nat := range map[string]bool{"halves": true, "shadowed": true, "private": true, "either": true, "control": false} {
		if n := topo.Node("aws_lambda_function." + fn); n.NAT != nat {
			t.Errorf("%s: NAT = %v, want %v (tables %v)", fn, n.NAT, nat, n.Tables)
		}
	}
	if n := topo.Node("aws_lambda_function.either"); len(n.Tables) != 2 {
		t.Errorf("either: tables %v, want one per subnet", n.Tables)
	}
	v4, v6 := topo.routingCommands(r)
	halves, shadowed := topo.Node("aws_lambda_function.halves"), topo.Node("aws_lambda_function.shadowed")
	for _, want := range []string{
		"rule add to 10.213.0.0/16 lookup main pref 100",
		"route replace 0.0.0.0/1 via " + r.PeerIP + " table ",
		"route replace 128.0.0.0/1 via " + r.PeerIP + " table ",
		"route replace throw 198.41.0.0/24 table ",
		"route replace throw 0.0.0.0/0 table ", // the internet gateway carries no IPv4 from a function
		"rule add iif " + halves.IfPeer + " lookup ",
		"rule add iif " + shadowed.IfPeer + " lookup ",
		"rule add unreachable pref 32000",
	} {
		if !strings.Contains(v4, want) {
			t.Errorf("IPv4 routing lacks %q:\n%s", want, v4)
		}
	}
	if strings.Contains(v4, "local") || strings.Contains(v4, "10.0.0.0/16") {
		t.Errorf("the VPC's local route must stay out of the tables (members are the router's links):\n%s", v4)
	}
	if !strings.Contains(v6, "rule add to fd13:213::/32 lookup main pref 100") || !strings.Contains(v6, "rule add iif "+halves.IfPeer) {
		t.Errorf("IPv6 rules:\n%s", v6)
	}
	// A router whose members route nothing out has no internet link.
	plain, _ := BuildTopology(referenceLike(), "t5")
	if plain.Routers[0].IfInet != "" {
		t.Errorf("router without a way out linked to the internet: %+v", plain.Routers[0])
	}
}

// A route to a NAT whose destination is a prefix list cannot be laid in a
// kernel table: the topology says so instead of dropping it silently.
func TestRouteTableNotesWhatItCannotLay(t *testing.T) {
	m := referenceLike()
	m.Subnets[0].Routes = append(m.Subnets[0].Routes, model.Route{Destination: "pl-0123", TargetKind: "nat", Target: "aws_nat_gateway.gw"})
	topo, err := BuildTopology(m, "t6")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(topo.Notes, "\n"), `destination "pl-0123" (not a CIDR block) not reproduced`) {
		t.Errorf("notes %q", topo.Notes)
	}
}
