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
	members map[string][]string // SG address or id → node IPs (v4 and v6) carrying it
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
		ips := []string{n.IP}
		if n.IP6 != "" {
			ips = append(ips, n.IP6)
		}
		for _, g := range n.SGs {
			c.members[g] = append(c.members[g], ips...)
			if sg, ok := c.sgs[g]; ok && sg.ID != "" && sg.ID != g {
				c.members[sg.ID] = append(c.members[sg.ID], ips...)
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
		// Neighbour discovery is the link itself, which security groups
		// do not filter (IPv4's ARP passes nftables' inet hooks unseen).
		b.WriteString("    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept\n")
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
// becomes a comment saying so (it can match nothing in the lab). An IPv4
// block admits only IPv4 and an IPv6 block only IPv6; a peer group or self
// admits its members' addresses of both families.
func (c *compiler) ruleLines(sg string, r model.SGRule, peerDir string) []string {
	head := fmt.Sprintf("# %s %s %d-%d", r.Address, r.Protocol, r.FromPort, r.ToPort)
	proto, ok := protoMatch(r)
	if !ok {
		return []string{head + ": protocol not reproduced"}
	}
	anyFam := map[string]bool{}
	var ips []string
	var notes []string
	for _, cidr := range r.CIDRs {
		fam, got, note := c.cidrPeers(cidr)
		if fam != "" {
			anyFam[fam] = true
		}
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
	if r.Unresolved && len(anyFam) == 0 && len(ips) == 0 {
		// The peer was unknown at plan time. Assume the widest peer the rule
		// could name inside its VPC: a lab that errs open finds more.
		ips = c.vpcMembers(c.sgs[sg].VPC)
		notes = append(notes, "peer unresolved at plan time: assumed open to the VPC")
	}
	lines := []string{head + noteText(notes)}
	var v4, v6 []string
	for _, a := range uniqSorted(ips) {
		if strings.Contains(a, ":") {
			v6 = append(v6, a)
		} else {
			v4 = append(v4, a)
		}
	}
	for _, f := range []struct {
		fam, nfproto, match string
		ips                 []string
	}{{"ipv4", "ipv4", "ip", v4}, {"ipv6", "ipv6", "ip6", v6}} {
		switch {
		case anyFam[f.fam]:
			lines = append(lines, strings.Join(strings.Fields("meta nfproto "+f.nfproto+" "+proto+" accept"), " "))
		case len(f.ips) > 0:
			lines = append(lines, fmt.Sprintf("%s %s { %s } %s accept", f.match, peerDir, strings.Join(f.ips, ", "), proto))
		}
	}
	if len(lines) == 1 {
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
	case "icmpv6", "58":
		return "meta l4proto ipv6-icmp", true
	}
	return "", false
}

// cidrPeers translates a CIDR of the real VPC into lab addresses: a /0 is
// every address of its family (fam); an IPv4 CIDR covering model subnets
// means the lab nodes placed in them (a database, whose subnets the model
// does not hold, counts as placed in every subnet of its VPC); a CIDR
// holding any internet address also means the internet canary of its
// family. The IPv6 blocks of subnets are assigned by AWS at apply, so no
// narrower IPv6 CIDR is known to hold a lab node.
func (c *compiler) cidrPeers(cidr string) (fam string, ips []string, note string) {
	p, err := netip.ParsePrefix(cidr)
	if err != nil {
		return "", nil, "unparsable CIDR " + cidr
	}
	if p.Bits() == 0 {
		if p.Addr().Is4() {
			return "ipv4", nil, ""
		}
		return "ipv6", nil, ""
	}
	if !p.Addr().Is4() {
		if !private6(p) {
			ips = append(ips, c.t.CanaryIP6)
		}
		return "", ips, ""
	}
	for _, n := range c.t.Nodes {
		if c.nodeIn(n, p) {
			ips = append(ips, n.IP)
		}
	}
	if !private(p) {
		ips = append(ips, c.t.CanaryIP)
	}
	return "", ips, ""
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

// internet6 is the IPv6 space that holds internet addresses: global
// unicast (2000::/3, IANA IPv6 address space registry; the rest is
// reserved, unique-local, link-local or multicast) minus the blocks of the
// IANA special-purpose registry that are not globally reachable and that
// rules name in practice: documentation (2001:db8::/32, 3fff::/20),
// benchmarking (2001:2::/48) and ORCHID (2001:10::/28).
var internet6 = func() *netipx.IPSet {
	var b netipx.IPSetBuilder
	b.AddPrefix(netip.MustParsePrefix("2000::/3"))
	for _, c := range []string{"2001:db8::/32", "3fff::/20", "2001:2::/48", "2001:10::/28"} {
		b.RemovePrefix(netip.MustParsePrefix(c))
	}
	s, _ := b.IPSet()
	return s
}()

// private6: p holds no internet address.
func private6(p netip.Prefix) bool { return !internet6.OverlapsPrefix(p) }

func (c *compiler) routerRuleset(r *Router) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# router of %s\n", r.VPC)
	b.WriteString("table inet lsl {\n  chain forward {\n    type filter hook forward priority filter; policy drop;\n")
	b.WriteString("    ct state established,related accept\n")
	if r.IfInet == "" {
		b.WriteString("    # local route: members reach each other; no way out\n    accept\n")
	} else {
		fmt.Fprintf(&b, "    # local route: members reach each other\n    iifname != %q oifname != %q accept\n", r.IfInet, r.IfInet)
		var natted, out6 []string
		for _, i := range r.Members {
			if n := c.t.Nodes[i]; n.NAT {
				natted = append(natted, fmt.Sprintf("%q", n.IfPeer))
			}
			if n := c.t.Nodes[i]; n.Out6 {
				out6 = append(out6, fmt.Sprintf("%q", n.IfPeer))
			}
		}
		if len(natted) > 0 {
			fmt.Fprintf(&b, "    # subnets with 0.0.0.0/0 to a NAT\n    meta nfproto ipv4 iifname { %s } oifname %q accept\n", strings.Join(natted, ", "), r.IfInet)
		}
		if len(out6) > 0 {
			fmt.Fprintf(&b, "    # dual-stack functions in subnets with ::/0 to an internet or egress-only gateway\n    meta nfproto ipv6 iifname { %s } oifname %q accept\n", strings.Join(out6, ", "), r.IfInet)
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
