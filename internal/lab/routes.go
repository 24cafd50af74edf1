//go:build linux

package lab

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/letsleep/letsleep/internal/model"
)

// RouteTable is one subnet's route table as its VPC router applies it, in
// a kernel routing table of its own (ID). The router looks a member's
// packet up in the tables of the member's subnets, one after the other,
// by longest prefix: a route that leads out sends it to the internet link,
// a route that does not ends the lookup in that table ("throw"), and when
// no subnet's table sends it out the packet is unreachable. So a
// destination goes out when, in some subnet of the function, its most
// specific route leads out, as the model reads it.
type RouteTable struct {
	Subnet string      `json:"subnet"`
	ID     int         `json:"table"`
	Routes []TableLine `json:"routes,omitempty"`
}

// TableLine is one route of a RouteTable.
type TableLine struct {
	Dest string `json:"dest"` // CIDR, masked
	Out  bool   `json:"out"`  // via the router's internet link; else throw
	Via  string `json:"via"`  // target kind and address, for status and notes
}

// firstTable is the ID of the first subnet table in a router namespace
// (IDs below it are the kernel's own: local 255, main 254, default 253).
const firstTable = 1000

// leadsOut tells whether a route to target kind carries traffic of family
// v4 (else IPv6) from a Lambda function to the internet in the lab. A
// function has no public IPv4 address, so IPv4 leaves only through a NAT
// gateway or instance (translated, masqueraded here); IPv6 addresses are
// public and leave through an internet or egress-only gateway. Private and
// stranded NAT gateways (the lab reader's "nat-private", "nat-no-igw"),
// transit gateways, peering, VPN and endpoints lead nowhere in the lab:
// it has nothing behind them.
func leadsOut(kind string, v4 bool) bool {
	if v4 {
		return kind == "nat" || kind == "instance"
	}
	return kind == "igw" || kind == "egress-only-igw"
}

// subnetTable reads one subnet's routes into its lab table. A route whose
// destination is not a CIDR (a prefix list, unknown at plan time) is left
// out; when it would lead out, a note says the lab does not reproduce it.
func subnetTable(s model.Subnet, id int) (*RouteTable, []string) {
	t := &RouteTable{Subnet: s.Address, ID: id}
	var notes []string
	for _, r := range s.Routes {
		if r.TargetKind == "local" {
			continue // the VPC's own range: the router's member links
		}
		p, err := netip.ParsePrefix(r.Destination)
		if err != nil {
			if leadsOut(r.TargetKind, true) || leadsOut(r.TargetKind, false) {
				notes = append(notes, fmt.Sprintf("%s: route to %s %s with destination %q (not a CIDR block) not reproduced", s.Address, r.TargetKind, r.Target, r.Destination))
			}
			continue
		}
		line := TableLine{Dest: p.Masked().String(), Out: leadsOut(r.TargetKind, p.Addr().Is4()), Via: strings.TrimSpace(r.TargetKind + " " + r.Target)}
		// AWS allows one route per destination in a table; should a plan
		// hold two, the one that leads out is kept (the lab errs open).
		if i := slices.IndexFunc(t.Routes, func(l TableLine) bool { return l.Dest == line.Dest }); i >= 0 {
			t.Routes[i].Out = t.Routes[i].Out || line.Out
			continue
		}
		t.Routes = append(t.Routes, line)
	}
	return t, notes
}

// routesOut reports whether a table sends any destination of a family out.
func (t *RouteTable) routesOut(v4 bool) bool {
	return slices.ContainsFunc(t.Routes, func(l TableLine) bool {
		return l.Out && netip.MustParsePrefix(l.Dest).Addr().Is4() == v4
	})
}

// routesOut: some table of the router's members sends some block out,
// so the router is linked to the internet.
func (r *Router) routesOut() bool {
	return slices.ContainsFunc(r.Tables, func(t *RouteTable) bool { return t.routesOut(true) || t.routesOut(false) })
}

// routingCommands writes the router's policy routing for its members:
// lab addresses (member links) by the main table, then each member's
// subnet tables in order, then unreachable. v4 and v6 are the two `ip
// -batch` scripts (rules are per family; routes name their own).
func (t *Topology) routingCommands(r *Router) (v4, v6 string) {
	var b4, b6 strings.Builder
	fmt.Fprintf(&b4, "rule add to %s lookup main pref 100\n", labPrefix)
	fmt.Fprintf(&b6, "rule add to %s lookup main pref 100\n", lab6Prefix)
	for _, tb := range r.Tables {
		for _, l := range tb.Routes {
			if l.Out {
				via := r.PeerIP
				if !netip.MustParsePrefix(l.Dest).Addr().Is4() {
					via = r.PeerIP6
				}
				fmt.Fprintf(&b4, "route replace %s via %s table %d\n", l.Dest, via, tb.ID)
			} else {
				fmt.Fprintf(&b4, "route replace throw %s table %d\n", l.Dest, tb.ID)
			}
		}
	}
	pref := 200
	for _, i := range r.Members {
		n := t.Nodes[i]
		for _, id := range n.Tables {
			fmt.Fprintf(&b4, "rule add iif %s lookup %d pref %d\n", n.IfPeer, id, pref)
			fmt.Fprintf(&b6, "rule add iif %s lookup %d pref %d\n", n.IfPeer, id, pref)
			pref++
		}
	}
	b4.WriteString("rule add unreachable pref 32000\n")
	b6.WriteString("rule add unreachable pref 32000\n")
	return b4.String(), b6.String()
}
