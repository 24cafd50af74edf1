// Package addrset decides questions about sets of IP addresses written as
// CIDRs: is this the whole internet, does a route's destination hold any
// public address, does a security group rule admit some of it. It works on
// address sets, never on spellings, so `0.0.0.0/1` plus `128.0.0.0/1`, or
// `0::/0`, mean what AWS makes of them.
package addrset

import (
	"fmt"
	"net/netip"
	"strings"

	"go4.org/netipx"
)

// Family names used in evidence.
const (
	IPv4 = "IPv4"
	IPv6 = "IPv6"
)

// Set is an immutable set of IPv4 and IPv6 addresses.
type Set struct{ ip *netipx.IPSet }

// Empty is the set with no address.
var Empty = mustBuild(func(*netipx.IPSetBuilder) {})

// ParsePrefix reads one CIDR as AWS reads it: host bits are masked
// (`0::/0` is `::/0`), a bare address, a zone or a malformed string is an
// error that names the input.
func ParsePrefix(cidr string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(strings.TrimSpace(cidr))
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not a CIDR block (want e.g. 10.0.0.0/16 or 2001:db8::/56)", cidr)
	}
	return p.Masked(), nil
}

// Parse builds the union of cidrs. Entries that are not CIDRs are returned
// in bad (they are skipped, never guessed at).
func Parse(cidrs []string) (s Set, bad []string) {
	var b netipx.IPSetBuilder
	for _, c := range cidrs {
		p, err := ParsePrefix(c)
		if err != nil {
			bad = append(bad, c)
			continue
		}
		b.AddPrefix(p)
	}
	return build(&b), bad
}

// MustParse is Parse for constant tables; it panics on a bad entry.
func MustParse(cidrs ...string) Set {
	s, bad := Parse(cidrs)
	if len(bad) > 0 {
		panic("addrset: bad CIDR " + bad[0])
	}
	return s
}

func build(b *netipx.IPSetBuilder) Set {
	s, err := b.IPSet()
	if err != nil {
		// Only invalid addresses make the builder fail, and Parse admits
		// none; an empty set is the safe reading.
		s, _ = (&netipx.IPSetBuilder{}).IPSet()
	}
	return Set{ip: s}
}

func mustBuild(f func(*netipx.IPSetBuilder)) Set {
	var b netipx.IPSetBuilder
	f(&b)
	return build(&b)
}

func (s Set) set() *netipx.IPSet {
	if s.ip == nil {
		return Empty.ip
	}
	return s.ip
}

// IsEmpty reports whether the set holds no address.
func (s Set) IsEmpty() bool { return len(s.set().Ranges()) == 0 }

// Union is s ∪ o.
func (s Set) Union(o Set) Set {
	return mustBuild(func(b *netipx.IPSetBuilder) { b.AddSet(s.set()); b.AddSet(o.set()) })
}

// Intersect is s ∩ o.
func (s Set) Intersect(o Set) Set {
	return mustBuild(func(b *netipx.IPSetBuilder) { b.AddSet(s.set()); b.Intersect(o.set()) })
}

// Minus is s \ o.
func (s Set) Minus(o Set) Set {
	return mustBuild(func(b *netipx.IPSetBuilder) { b.AddSet(s.set()); b.RemoveSet(o.set()) })
}

// Equal reports whether s and o hold the same addresses.
func (s Set) Equal(o Set) bool { return s.set().Equal(o.set()) }

// Overlaps reports whether s and o share an address.
func (s Set) Overlaps(o Set) bool { return s.set().Overlaps(o.set()) }

// Covers reports whether every address of o is in s. A set's ranges are
// merged (overlapping and adjacent ranges are one), so each range of o
// lies inside one range of s or o is not covered; no difference set is
// built (markOpen asks this for every ingress rule).
func (s Set) Covers(o Set) bool {
	in := s.set()
	for _, r := range o.set().Ranges() {
		if !in.ContainsRange(r) {
			return false
		}
	}
	return true
}

// Prefixes lists the set as the fewest CIDRs.
func (s Set) Prefixes() []string {
	var out []string
	for _, p := range s.set().Prefixes() {
		out = append(out, p.String())
	}
	return out
}

// String renders the set for evidence: "the IPv4 internet" when it is
// exactly that, else at most a few CIDRs.
func (s Set) String() string {
	switch {
	case s.Equal(Internet):
		return "the IPv4 and IPv6 internet"
	case s.Equal(Internet4):
		return "the IPv4 internet"
	case s.Equal(Internet6):
		return "the IPv6 internet"
	}
	ps := s.Prefixes()
	if len(ps) == 0 {
		return "no address"
	}
	const max = 4
	if len(ps) > max {
		return strings.Join(ps[:max], ", ") + fmt.Sprintf(" and %d more", len(ps)-max)
	}
	return strings.Join(ps, ", ")
}

// Special-purpose ranges that are not reachable on the internet, from the
// IANA special-purpose registries (RFC 6890):
// https://www.iana.org/assignments/iana-ipv4-special-registry/
// https://www.iana.org/assignments/iana-ipv6-special-registry/
var nonPublic4 = []string{
	"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
	"172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15",
	"198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
}

// The IPv6 internet is the global unicast space IANA allocates (2000::/3)
// less the documentation prefix.
var (
	all4      = MustParse("0.0.0.0/0")
	all6      = MustParse("::/0")
	Internet4 = MustParse("0.0.0.0/0").Minus(MustParse(nonPublic4...))
	Internet6 = MustParse("2000::/3").Minus(MustParse("2001:db8::/32"))
	// Internet is every public address of either family.
	Internet = Internet4.Union(Internet6)
	// NAT64 is the well-known prefix a NAT gateway translates to IPv4
	// (https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-nat64-dns64.html).
	NAT64 = MustParse("64:ff9b::/96")
)

// Public is the part of s on the internet.
func (s Set) Public() Set { return s.Intersect(Internet) }

// OpenFamilies lists the families whose whole internet s covers: the set
// is "open to the world" for them, however it is spelled.
func (s Set) OpenFamilies() []string {
	var out []string
	if s.Covers(Internet4) {
		out = append(out, IPv4)
	}
	if s.Covers(Internet6) {
		out = append(out, IPv6)
	}
	return out
}

// Family restricts s to one address family.
func (s Set) Family(f string) Set {
	if f == IPv6 {
		return s.Intersect(all6)
	}
	return s.Intersect(all4)
}
