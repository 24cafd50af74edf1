package graph

import "github.com/letsleep/letsleep/internal/model"

// Kinds of the resources a path passes through, drawn between a function
// and what it reaches so a reader sees how: the secret, parameter or
// environment holding the password, the gateway or appliance a route hands
// traffic to, the security group that admits the function.
const (
	KindSecret        = "secret"
	KindGateway       = "gateway"
	KindSecurityGroup = "security_group"
)

// GroupNetwork holds the gateways and security groups paths pass through;
// GroupCredentials the places a database password is read from.
const (
	GroupNetwork     = "network"
	GroupCredentials = "credentials"
)

// via is the resource a path passes through and the label of its edge on.
type via struct {
	id, label, kind, group string
	// onward labels the edge from the via node to the path's target.
	onward string
}

// isVia reports whether a node kind is one a path passes through.
func isVia(kind string) bool {
	return kind == KindSecret || kind == KindGateway || kind == KindSecurityGroup
}

// viaOf finds the resource p passes through, from its evidence steps. A
// path that goes straight (no VPC, a Data API grant, a credentials pattern
// with no secret in the plan) has none.
func viaOf(fn string, p model.Path) (via, bool) {
	switch p.Kind {
	case model.PathSecret:
		for _, s := range p.Steps {
			if s.Kind == "secret" && s.Address != "" {
				return via{id: s.Address, label: s.Address, kind: KindSecret, group: GroupCredentials, onward: "holds the password"}, true
			}
		}
	case model.PathCredential:
		for _, s := range p.Steps {
			if s.Kind == model.PathCredential && s.Address != "" {
				// The environment belongs to its function: one node per function.
				return via{id: s.Address + " environment", label: s.Address + "\nenvironment", kind: KindSecret, group: GroupCredentials, onward: "holds the password"}, true
			}
		}
	case model.PathNetwork:
		// The group the database admits the function through: the last
		// security group of the chain (the database's side).
		var sg string
		for _, s := range p.Steps {
			if s.Kind == "security_group" && s.Address != "" {
				sg = s.Address
			}
		}
		if sg != "" {
			return via{id: sg, label: sg, kind: KindSecurityGroup, group: GroupNetwork, onward: "admits"}, true
		}
	case model.PathNAT, model.PathRoute:
		// The hop right after the route: the NAT gateway or instance, the
		// internet or egress-only gateway, the transit gateway, the GWLB
		// endpoint or the peering that carries the traffic out.
		for i, s := range p.Steps {
			if s.Kind != "route" || i+1 >= len(p.Steps) {
				continue
			}
			if hop := p.Steps[i+1]; hop.Address != "" && hop.Address != fn {
				return via{id: hop.Address, label: hop.Address + gatewayNote(hop.Address), kind: KindGateway, group: GroupNetwork, onward: "forwards out"}, true
			}
		}
	}
	return via{}, false
}

// gatewayNotes name route targets by resource type, so a reader sees what
// carries the traffic out without knowing the provider's type names.
var gatewayNotes = map[string]string{
	"aws_nat_gateway":                  "NAT gateway",
	"aws_instance":                     "NAT instance",
	"aws_network_interface":            "NAT instance",
	"aws_internet_gateway":             "internet gateway",
	"aws_egress_only_internet_gateway": "egress-only internet gateway",
	"aws_ec2_transit_gateway":          "transit gateway",
	"aws_vpc_endpoint":                 "Gateway Load Balancer endpoint",
	"aws_vpc_peering_connection":       "peering",
}

func gatewayNote(address string) string {
	if n, ok := gatewayNotes[resourceType(address)]; ok {
		return "\n(" + n + ")"
	}
	return ""
}

// pathEdges draws fn → target for one path: through its via node when it
// has one, else directly. The edges of a two-hop path are remembered under
// (fn, target), so a finding on that pair marks them red.
func (b *builder) pathEdges(fn, target string, p model.Path, red bool) {
	v, ok := viaOf(fn, p)
	if !ok || v.id == target {
		b.edge(fn, target, p.Kind, red)
		return
	}
	b.node(v.id, v.label, v.kind, v.group)
	k1 := b.edge(fn, v.id, p.Kind, red)
	k2 := b.edge(v.id, target, v.onward, red)
	pair := [2]string{fn, target}
	b.through[pair] = append(b.through[pair], k1, k2)
}
