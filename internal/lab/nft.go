//go:build linux

package lab

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"

	"go4.org/netipx"

	"github.com/letsleep/letsleep/internal/model"
)

// Rulesets compiles the nftables rulesets of the topology, keyed by
// namespace. Security groups become stateful allow-only filters in the
// namespace of the ENI that carries them:
//
//	ct state established,related accept; loopback accept;
//	one accept per SG rule; policy drop.
//
// Egress rules filter the output hook, ingress rules the input hook. A node
// outside any VPC gets no filter (Lambda without vpc_config has none).
// Routers forward within their VPC, and to the internet only from members
// whose subnets route 0.0.0.0/0 to a NAT (masqueraded, as a NAT gateway does).
func Rulesets(t *Topology, m *model.Model) map[string]string {
	c := newCompiler(t, m)
	out := map[string]string{}
	for _, n := range t.Nodes {
		if n.VPC == "" {
			continue
		}
		out[n.NS] = c.nodeRuleset(n)
	}
	for _, r := range t.Routers {
		out[r.NS] = c.routerRuleset(r)
	}
	return out
}

type compiler struct {
	t       *Topology
	sgs     map[string]model.SecurityGroup
	members map[string][]string // SG address or id → node IPs carrying it
	subnets map[string]netip.Prefix
	vpcNets map[string][]netip.Prefix
}

func newCompiler(t *Topology, m *model.Model) *compiler {
	c := &compiler{t: t, sgs: map[string]model.SecurityGroup{}, members: map[string][]string{},
		subnets: map[string]netip.Prefix{}, vpcNets: map[string][]netip.Prefix{}}
	for _, g := range m.SecurityGroups {
		c.sgs[g.Address] = g
	}
	for _, s := range m.Subnets {
		if p, err := netip.ParsePrefix(s.CIDR); err == nil {
			c.subnets[s.Address] = p
			c.vpcNets[s.VPC] = append(c.vpcNets[s.VPC], p)
		}
	}
	for _, n := range t.Nodes {
		for _, g := range n.SGs {
			c.members[g] = append(c.members[g], n.IP)
			if sg, ok := c.sgs[g]; ok && sg.ID != "" && sg.ID != g {
				c.members[sg.ID] = append(c.members[sg.ID], n.IP)
			}
		}
	}
	return c
}

func (c *compiler) nodeRuleset(n *Node) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s %s (%s), security groups: %s\n", n.Kind, n.Address, n.IP, strings.Join(n.SGs, ", "))
	b.WriteString("table inet lsl {\n")
	for _, dir := range []struct{ chain, hook, peer, lo string }{
		{"ingress", "input", "saddr", "iifname"},
		{"egress", "output", "daddr", "oifname"},
	} {
		fmt.Fprintf(&b, "  chain %s {\n    type filter hook %s priority filter; policy drop;\n", dir.chain, dir.hook)
		b.WriteString("    ct state established,related accept\n    ct state invalid drop\n")
		fmt.Fprintf(&b, "    %s \"lo\" accept\n", dir.lo)
		for _, g := range n.SGs {
			sg, ok := c.sgs[g]
			if !ok {
				fmt.Fprintf(&b, "    # %s: not in the model, no rules\n", g)
				continue
			}
			rules := sg.Ingress
			if dir.chain == "egress" {
				rules = sg.Egress
			}
			for _, r := range rules {
				for _, line := range c.ruleLines(g, r, dir.peer) {
					b.WriteString("    " + line + "\n")
				}
			}
		}
		b.WriteString("  }\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// ruleLines renders one SG rule; a rule whose peers have no lab address
// becomes a comment saying so (it can match nothing in the lab).
func (c *compiler) ruleLines(sg string, r model.SGRule, peerDir string) []string {
	head := fmt.Sprintf("# %s %s %d-%d", r.Address, r.Protocol, r.FromPort, r.ToPort)
	proto, ok := protoMatch(r)
	if !ok {
		return []string{head + ": protocol not reproduced"}
	}
	any := false
	var ips []string
	var notes []string
	for _, cidr := range r.CIDRs {
		a, got, note := c.cidrPeers(cidr)
		any = any || a
		ips = append(ips, got...)
		if note != "" {
			notes = append(notes, note)
		}
	}
	for _, pg := range r.PeerGroups {
		ips = append(ips, c.members[pg]...)
	}
	if r.Self {
		ips = append(ips, c.members[sg]...)
	}
	if len(r.PrefixLists) > 0 {
		notes = append(notes, "prefix lists not reproduced")
	}
	if r.Unresolved && !any && len(ips) == 0 {
		// The peer was unknown at plan time. Assume the widest peer the rule
		// could name inside its VPC: a lab that errs open finds more.
		ips = c.vpcMembers(c.sgs[sg].VPC)
		notes = append(notes, "peer unresolved at plan time: assumed open to the VPC")
	}
	lines := []string{head + noteText(notes)}
	switch {
	case any:
		lines = append(lines, strings.TrimSpace(proto+" accept"))
	case len(ips) > 0:
		ips = uniqSorted(ips)
		lines = append(lines, fmt.Sprintf("ip %s { %s } %s accept", peerDir, strings.Join(ips, ", "), proto))
	default:
		lines[0] += ": no lab address matches"
	}
	return lines
}

func noteText(notes []string) string {
	if len(notes) == 0 {
		return ""
	}
	return " (" + strings.Join(notes, "; ") + ")"
}

// protoMatch renders the protocol and port part of a rule.
func protoMatch(r model.SGRule) (string, bool) {
	ports := func(l4 string) string {
		if (r.FromPort <= 0 && (r.ToPort <= 0 || r.ToPort >= 65535)) || (r.FromPort == 0 && r.ToPort == 65535) {
			return "meta l4proto " + l4
		}
		if r.FromPort == r.ToPort {
			return fmt.Sprintf("%s dport %d", l4, r.FromPort)
		}
		return fmt.Sprintf("%s dport %d-%d", l4, r.FromPort, r.ToPort)
	}
	switch strings.ToLower(r.Protocol) {
	case "-1", "all", "":
		return "", true
	case "tcp", "6":
		return ports("tcp"), true
	case "udp", "17":
		return ports("udp"), true
	case "icmp", "1":
		return "meta l4proto icmp", true
	}
	return "", false
}

// cidrPeers translates a CIDR of the real VPC into lab addresses: 0.0.0.0/0
// is anything; a CIDR covering model subnets means the lab nodes placed in
// them (a database, whose subnets the model does not hold, counts as placed
// in every subnet of its VPC); a public CIDR also means the internet canary.
func (c *compiler) cidrPeers(cidr string) (any bool, ips []string, note string) {
	p, err := netip.ParsePrefix(cidr)
	if err != nil {
		return false, nil, "unparsable CIDR " + cidr
	}
	if p.Bits() == 0 {
		return p.Addr().Is4(), nil, ""
	}
	if !p.Addr().Is4() {
		return false, nil, "IPv6 " + cidr + " not reproduced"
	}
	for _, n := range c.t.Nodes {
		if c.nodeIn(n, p) {
			ips = append(ips, n.IP)
		}
	}
	if !private(p) {
		ips = append(ips, c.t.CanaryIP)
	}
	return false, ips, ""
}

func (c *compiler) nodeIn(n *Node, p netip.Prefix) bool {
	if n.VPC == "" {
		return false
	}
	var nets []netip.Prefix
	if n.Kind == KindDB && len(n.Subnets) == 0 {
		nets = c.vpcNets[n.VPC] // no DB subnet group known: any subnet of its VPC
	} else {
		for _, s := range n.Subnets {
			if sp, ok := c.subnets[s]; ok {
				nets = append(nets, sp)
			}
		}
	}
	for _, sp := range nets {
		if sp.Overlaps(p) {
			return true
		}
	}
	return false
}

// notInternet4 are the IPv4 special-purpose blocks that are not globally
// reachable (IANA IPv4 special-purpose address registry, RFC 6890):
// private and shared space, loopback, link-local, documentation,
// benchmarking, multicast and reserved. A rule naming only these can never
// reach the internet, so it never matches the canary.
var notInternet4 = func() *netipx.IPSet {
	var b netipx.IPSetBuilder
	for _, c := range []string{
		"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
		"192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
		"203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
	} {
		b.AddPrefix(netip.MustParsePrefix(c))
	}
	s, _ := b.IPSet()
	return s
}()

// private: p holds no internet address.
func private(p netip.Prefix) bool { return notInternet4.ContainsPrefix(p) }

func (c *compiler) routerRuleset(r *Router) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# router of %s\n", r.VPC)
	b.WriteString("table inet lsl {\n  chain forward {\n    type filter hook forward priority filter; policy drop;\n")
	b.WriteString("    ct state established,related accept\n")
	if r.IfInet == "" {
		b.WriteString("    # local route: members reach each other; no way out\n    accept\n")
	} else {
		fmt.Fprintf(&b, "    # local route: members reach each other\n    iifname != %q oifname != %q accept\n", r.IfInet, r.IfInet)
		var natted []string
		for _, i := range r.Members {
			if n := c.t.Nodes[i]; n.NAT {
				natted = append(natted, fmt.Sprintf("%q", n.IfPeer))
			}
		}
		if len(natted) > 0 {
			fmt.Fprintf(&b, "    # subnets with 0.0.0.0/0 to a NAT\n    iifname { %s } oifname %q accept\n", strings.Join(natted, ", "), r.IfInet)
		}
	}
	b.WriteString("  }\n}\n")
	if r.IfInet != "" {
		fmt.Fprintf(&b, "table ip lslnat {\n  chain postrouting {\n    type nat hook postrouting priority srcnat; policy accept;\n    oifname %q masquerade\n  }\n}\n", r.IfInet)
	}
	return b.String()
}

func uniqSorted(s []string) []string {
	sort.Slice(s, func(i, j int) bool {
		a, _ := netip.ParseAddr(s[i])
		b, _ := netip.ParseAddr(s[j])
		return a.Less(b)
	})
	return slices.Compact(s)
}

func (c *compiler) vpcMembers(vpc string) []string {
	var ips []string
	for _, n := range c.t.Nodes {
		if n.VPC != "" && (n.VPC == vpc || vpc == "") {
			ips = append(ips, n.IP)
		}
	}
	return ips
}
