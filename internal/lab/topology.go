//go:build linux

package lab

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"

	"github.com/letsleep/letsleep/internal/model"
)

// Node kinds.
const (
	KindFunction = "function"
	KindDB       = "db"
	// KindProxy is an RDS Proxy: its pooling process runs in this node.
	KindProxy = "proxy"
	// KindEndpoint is an interface VPC endpoint: its network interface,
	// behind its security groups, relays to the lab's AWS API stand-ins.
	KindEndpoint = "endpoint"
)

// Lab addresses. Every address lives inside a namespace the lab created; the
// host namespace never gets one, nor a route to them.
var (
	labPrefix = netip.MustParsePrefix("10.213.0.0/16")
	// labNodesEnd bounds the link addresses handed out from labPrefix
	// (10.213.255.0/24 holds the lab's service addresses, dataAPIAddr).
	labNodesEnd = netip.MustParseAddr("10.213.255.0")
	// lab6Prefix holds every IPv6 link address (link6).
	lab6Prefix = netip.MustParsePrefix("fd13:213::/32")
	// canaryAddr is the "internet" service address: a public address,
	// picked arbitrarily, so that the VPC routers, which route by the
	// plan's own CIDR blocks (routes.go), route it as the internet. No
	// route or rule of the examples or of lab-diff names a block holding
	// it short of the whole internet or its halves. It exists only on lo
	// of the lab's internet namespace; no host route leads to it.
	canaryAddr = netip.MustParseAddr("198.41.0.4")
	// canaryAddr6 stands for the IPv6 internet. It must be a global
	// unicast address, so that rules translate it as an internet address;
	// it exists only on lo of the lab's internet namespace.
	canaryAddr6 = netip.MustParseAddr("2600:1f18::1")
)

// Lab IPv6 link addresses (dual-stack functions and routers' internet
// links): one /64 per link, fd13:213:LINK::1 on the router or internet
// side and ::2 on the node side.
func link6(link int, side int) string { return fmt.Sprintf("fd13:213:%x::%d", link, side) }

// Node is one namespace with one link: a function context or a database.
type Node struct {
	Kind    string   `json:"kind"`
	Address string   `json:"address"` // model address
	Role    string   `json:"role,omitempty"`
	NS      string   `json:"netns"`
	VPC     string   `json:"vpc,omitempty"` // "" when outside any VPC
	Subnets []string `json:"subnets,omitempty"`
	SGs     []string `json:"security_groups,omitempty"`
	IP      string   `json:"ip"`      // node side of its link
	PeerIP  string   `json:"peer_ip"` // router or internet side
	IfNode  string   `json:"if_node"`
	IfPeer  string   `json:"if_peer"`
	PeerNS  string   `json:"peer_netns"`
	NAT     bool     `json:"nat,omitempty"` // a subnet routes some IPv4 block to a NAT
	// Tables: the route tables of its subnets (RouteTable.ID), looked up
	// in this order.
	Tables  []int    `json:"tables,omitempty"`
	Port    int      `json:"port,omitempty"` // DB port; a proxy's listening port
	Proxies []string `json:"proxies,omitempty"`
	Targets []string `json:"targets,omitempty"` // a proxy's databases
	Service string   `json:"service,omitempty"` // an endpoint's service, e.g. "lambda"
	// PrivateDNS: an endpoint whose service name resolves to it in its VPC.
	PrivateDNS bool `json:"private_dns,omitempty"`
	Internet   bool `json:"internet"` // the model gives it a way out
	// Dual-stack functions have an IPv6 address too; Out6: one of their
	// subnets routes some IPv6 block to an internet or egress-only gateway.
	IP6     string `json:"ip6,omitempty"`
	PeerIP6 string `json:"peer_ip6,omitempty"`
	Out6    bool   `json:"out6,omitempty"`
}

// Router is a VPC's router namespace; members hang off it.
type Router struct {
	VPC  string `json:"vpc"`
	NS   string `json:"netns"`
	NAT  bool   `json:"nat"`            // a member routes IPv4 to a NAT (masqueraded)
	Out6 bool   `json:"out6,omitempty"` // a dual-stack member routes IPv6 out
	// Tables: the route tables of its members' subnets.
	Tables  []*RouteTable `json:"route_tables,omitempty"`
	IP6     string        `json:"inet_ip6,omitempty"`
	PeerIP6 string        `json:"inet_peer_ip6,omitempty"`
	IP      string        `json:"inet_ip,omitempty"`
	PeerIP  string        `json:"inet_peer_ip,omitempty"`
	IfInet  string        `json:"if_inet,omitempty"`
	IfPeer  string        `json:"if_peer,omitempty"`
	Members []int         `json:"members"` // indexes into Topology.Nodes
}

// Topology is the lab twin of one model, before anything exists.
type Topology struct {
	ID         string    `json:"id"`
	InternetNS string    `json:"internet_netns"`
	CanaryIP   string    `json:"canary_ip"`
	CanaryIP6  string    `json:"canary_ip6"`
	Nodes      []*Node   `json:"nodes"`
	Routers    []*Router `json:"routers"`
	// Subnet CIDRs of the model, used to translate SG CIDR rules.
	SubnetCIDR map[string]string `json:"subnet_cidrs"`
	Notes      []string          `json:"notes,omitempty"` // what the lab could not reproduce
}

// BuildTopology lays out namespaces, links and addresses for m. id must be
// short (it goes into interface names, 15 bytes at most).
func BuildTopology(m *model.Model, id string) (*Topology, error) {
	if len(id) == 0 || len(id) > 4 {
		return nil, fmt.Errorf("lab id %q: want 1 to 4 characters", id)
	}
	if len(m.Databases) == 0 {
		return nil, fmt.Errorf("model has no database: the lab needs one to put behind the sentinel")
	}
	t := &Topology{ID: id, InternetNS: nsName(id, "inet"), CanaryIP: canaryAddr.String(), CanaryIP6: canaryAddr6.String(), SubnetCIDR: map[string]string{}}
	subnets := map[string]model.Subnet{}
	tableID := map[string]int{}
	for i, s := range m.Subnets {
		subnets[s.Address] = s
		tableID[s.Address] = firstTable + i
		if s.CIDR != "" {
			t.SubnetCIDR[s.Address] = s.CIDR
		}
	}
	tables := map[int]*RouteTable{}
	tablesOf := func(subs []string) []*RouteTable {
		var out []*RouteTable
		for _, s := range subs {
			id, ok := tableID[s]
			if !ok {
				continue
			}
			if tables[id] == nil {
				var notes []string
				tables[id], notes = subnetTable(subnets[s], id)
				t.Notes = append(t.Notes, notes...)
			}
			out = append(out, tables[id])
		}
		return out
	}
	sgVPC := map[string]string{}
	for _, g := range m.SecurityGroups {
		sgVPC[g.Address] = g.VPC
	}
	vpcOf := func(subs []string) string {
		for _, s := range subs {
			if v := subnets[s].VPC; v != "" {
				return v
			}
		}
		return ""
	}
	var vpcs []string
	addVPC := func(v string) {
		if !slices.Contains(vpcs, v) {
			vpcs = append(vpcs, v)
		}
	}
	for i, f := range m.Functions {
		n := &Node{Kind: KindFunction, Address: f.Address, Role: f.Role, NS: nsName(id, fmt.Sprintf("f%d", i)),
			Subnets: f.Subnets, SGs: f.SecurityGroups, Internet: len(f.Egress) > 0}
		if f.InVPC {
			n.VPC = vpcOf(f.Subnets)
			if n.VPC == "" {
				n.VPC = "vpc"
				t.Notes = append(t.Notes, fmt.Sprintf("%s: subnets %v name no known VPC; placed in the default lab VPC", f.Address, f.Subnets))
			}
			addVPC(n.VPC)
			for _, tb := range tablesOf(f.Subnets) {
				n.Tables = append(n.Tables, tb.ID)
				n.NAT = n.NAT || tb.routesOut(true)
				n.Out6 = n.Out6 || f.DualStack && tb.routesOut(false)
			}
			if f.DualStack {
				n.IP6 = "pending" // given at addressing
			}
		}
		t.Nodes = append(t.Nodes, n)
	}
	for i, d := range m.Databases {
		n := &Node{Kind: KindDB, Address: d.Address, NS: nsName(id, fmt.Sprintf("d%d", i)), SGs: d.SecurityGroups,
			Port: d.Port, Proxies: d.Proxies, Subnets: d.Subnets}
		if n.Port == 0 {
			n.Port = 5432
		}
		// Its DB subnet group places it; else its groups' VPC.
		if v := vpcOf(d.Subnets); v != "" {
			n.VPC = v
			addVPC(v)
		}
		for _, g := range d.SecurityGroups {
			if n.VPC != "" {
				break
			}
			if v := sgVPC[g]; v != "" && slices.Contains(vpcs, v) {
				n.VPC = v
				break
			}
		}
		if n.VPC == "" {
			if len(vpcs) > 0 {
				n.VPC = vpcs[0]
			} else {
				n.VPC = "vpc"
				addVPC("vpc")
			}
		}
		t.Nodes = append(t.Nodes, n)
	}
	for i, p := range m.Proxies {
		var target *Node
		for _, n := range t.Nodes {
			if n.Kind == KindDB && slices.Contains(p.Targets, n.Address) {
				if !slices.Contains(n.Proxies, p.Address) {
					n.Proxies = append(n.Proxies, p.Address)
				}
				if target == nil {
					target = n
				}
			}
		}
		if target == nil {
			t.Notes = append(t.Notes, fmt.Sprintf("%s: fronts no database of the model; not run", p.Address))
			continue
		}
		// The proxy's pool runs in its own node, placed by its subnets and
		// filtered by its security groups like any ENI in the VPC.
		n := &Node{Kind: KindProxy, Address: p.Address, NS: nsName(id, fmt.Sprintf("p%d", i)), Subnets: p.Subnets,
			SGs: p.SecurityGroups, Port: target.Port, Targets: []string{target.Address}, VPC: vpcOf(p.Subnets)}
		for _, g := range p.SecurityGroups {
			if v := sgVPC[g]; n.VPC == "" && v != "" {
				n.VPC = v
			}
		}
		if n.VPC == "" {
			n.VPC = target.VPC
			t.Notes = append(t.Notes, fmt.Sprintf("%s: subnets %v and security groups %v name no known VPC; placed in its database's VPC", p.Address, p.Subnets, p.SecurityGroups))
		}
		if len(p.SecurityGroups) == 0 {
			t.Notes = append(t.Notes, fmt.Sprintf("%s: no security groups in the model; the lab gives it none, so nothing passes its filter", p.Address))
		}
		addVPC(n.VPC)
		t.Nodes = append(t.Nodes, n)
	}
	t.addEndpoints(m, vpcs, vpcOf, sgVPC)
	sort.Strings(vpcs)
	for i, v := range vpcs {
		r := &Router{VPC: v, NS: nsName(id, fmt.Sprintf("v%d", i))}
		for j, n := range t.Nodes {
			if n.VPC == v {
				r.Members = append(r.Members, j)
				r.NAT = r.NAT || n.NAT
				r.Out6 = r.Out6 || n.Out6
				for _, id := range n.Tables {
					if !slices.ContainsFunc(r.Tables, func(tb *RouteTable) bool { return tb.ID == id }) {
						r.Tables = append(r.Tables, tables[id])
					}
				}
			}
		}
		slices.SortFunc(r.Tables, func(a, b *RouteTable) int { return a.ID - b.ID })
		t.Routers = append(t.Routers, r)
	}
	if err := t.address(); err != nil {
		return nil, err
	}
	return t, nil
}

// addEndpoints places every interface VPC endpoint of a VPC the lab builds,
// by its subnets and security groups like any network interface.
func (t *Topology) addEndpoints(m *model.Model, vpcs []string, vpcOf func([]string) string, sgVPC map[string]string) {
	for i, e := range m.Endpoints {
		if e.Type != "Interface" {
			continue
		}
		n := &Node{Kind: KindEndpoint, Address: e.Address, NS: nsName(t.ID, fmt.Sprintf("e%d", i)), Subnets: e.Subnets,
			SGs: e.SecurityGroups, VPC: vpcOf(e.Subnets), Service: serviceOf(e.Service), PrivateDNS: e.PrivateDNS}
		for _, g := range e.SecurityGroups {
			if v := sgVPC[g]; n.VPC == "" && v != "" {
				n.VPC = v
			}
		}
		if !slices.Contains(vpcs, n.VPC) {
			t.Notes = append(t.Notes, fmt.Sprintf("%s: in no VPC the lab builds; not placed", e.Address))
			continue
		}
		t.Nodes = append(t.Nodes, n)
	}
}

// serviceOf is the short name of an endpoint service:
// com.amazonaws.eu-west-1.secretsmanager → secretsmanager.
func serviceOf(name string) string {
	if i := strings.LastIndex(name, "."); i >= 0 {
		return name[i+1:]
	}
	return name
}

// address hands out one /30 per link from 10.213.0.0/16: .1 on the router
// or internet side, .2 on the node side.
func (t *Topology) address() error {
	next := labPrefix.Addr()
	link := 0
	alloc := func() (peer, node string, err error) {
		a := next.As4()
		peerA := netip.AddrFrom4([4]byte{a[0], a[1], a[2], a[3] + 1})
		nodeA := netip.AddrFrom4([4]byte{a[0], a[1], a[2], a[3] + 2})
		if !labPrefix.Contains(nodeA) || nodeA.Compare(labNodesEnd) >= 0 || a[3] > 252 {
			return "", "", fmt.Errorf("lab address space exhausted")
		}
		for i := 0; i < 4; i++ {
			next = next.Next()
		}
		link++
		return peerA.String(), nodeA.String(), nil
	}
	routerOf := map[string]*Router{}
	for _, r := range t.Routers {
		routerOf[r.VPC] = r
	}
	for i, n := range t.Nodes {
		peer, node, err := alloc()
		if err != nil {
			return err
		}
		n.PeerIP, n.IP = peer, node
		if n.IP6 != "" {
			n.PeerIP6, n.IP6 = link6(link, 1), link6(link, 2)
		}
		n.IfNode, n.IfPeer = ifName(t.ID, i, 'n'), ifName(t.ID, i, 'p')
		if n.VPC == "" {
			n.PeerNS = t.InternetNS
		} else {
			n.PeerNS = routerOf[n.VPC].NS
		}
	}
	for i, r := range t.Routers {
		if !r.routesOut() {
			continue
		}
		peer, node, err := alloc()
		if err != nil {
			return err
		}
		r.PeerIP, r.IP = peer, node
		r.PeerIP6, r.IP6 = link6(link, 1), link6(link, 2)
		// Own letters: node numbers pass 100 on big labs, and a router's
		// inet-side name must never meet a node's in the internet namespace.
		r.IfInet, r.IfPeer = ifName(t.ID, i, 'r'), ifName(t.ID, i, 'i')
	}
	return nil
}

// NodeByIP returns the node owning ip, for wake attribution.
func (t *Topology) NodeByIP(ip string) *Node {
	for _, n := range t.Nodes {
		if n.IP == ip {
			return n
		}
	}
	return nil
}

// Node returns the node of a model address.
func (t *Topology) Node(address string) *Node {
	for _, n := range t.Nodes {
		if n.Address == address {
			return n
		}
	}
	return nil
}

// Proxies returns the RDS Proxy nodes.
func (t *Topology) Proxies() []*Node {
	var out []*Node
	for _, n := range t.Nodes {
		if n.Kind == KindProxy {
			out = append(out, n)
		}
	}
	return out
}

// DB returns the first database node.
func (t *Topology) DB() *Node {
	for _, n := range t.Nodes {
		if n.Kind == KindDB {
			return n
		}
	}
	return nil
}

// Namespaces lists every namespace of the topology.
func (t *Topology) Namespaces() []string {
	out := []string{t.InternetNS}
	for _, r := range t.Routers {
		out = append(out, r.NS)
	}
	for _, n := range t.Nodes {
		out = append(out, n.NS)
	}
	return out
}

// NSPrefix is the name prefix of every namespace the lab creates.
const NSPrefix = "lsl-"

func nsName(id, part string) string { return NSPrefix + id + "-" + part }

func ifName(id string, i int, side byte) string { return fmt.Sprintf("l%s%d%c", id, i, side) }
