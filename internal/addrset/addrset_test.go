package addrset

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func TestOpenFamiliesAnySpelling(t *testing.T) {
	cases := []struct {
		cidrs []string
		want  string
	}{
		{[]string{"0.0.0.0/0"}, "IPv4"},
		{[]string{"0.0.0.0/1", "128.0.0.0/1"}, "IPv4"},
		{[]string{"::/1", "8000::/1"}, "IPv6"},
		{[]string{"0::/0"}, "IPv6"},
		{[]string{"::/0", "0.0.0.0/0"}, "IPv4,IPv6"},
		{[]string{"2000::/3"}, "IPv6"},
		// Every public address but not the private ranges: still the internet.
		{[]string{"0.0.0.0/5", "8.0.0.0/7", "11.0.0.0/8", "12.0.0.0/6", "16.0.0.0/4", "32.0.0.0/3", "64.0.0.0/2", "128.0.0.0/1"}, "IPv4"},
		// Host bits set: AWS reads the network.
		{[]string{"10.1.2.3/0"}, "IPv4"},
		{[]string{"0.0.0.0/1"}, ""},
		{[]string{"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"}, ""},
		// ::/1 holds all of 2000::/3, every global unicast address IANA
		// allocates: on its own it is the IPv6 internet. 8000::/1 holds none.
		{[]string{"::/1"}, "IPv6"},
		{[]string{"8000::/1"}, ""},
		{[]string{"0.0.0.0/1", "128.0.0.0/2"}, ""},
		{nil, ""},
	}
	for _, c := range cases {
		s, bad := Parse(c.cidrs)
		if len(bad) > 0 {
			t.Fatalf("%v: bad %v", c.cidrs, bad)
		}
		if got := strings.Join(s.OpenFamilies(), ","); got != c.want {
			t.Errorf("%v: open %q, want %q", c.cidrs, got, c.want)
		}
	}
}

func TestPublicPart(t *testing.T) {
	if !MustParse("10.0.0.0/8").Public().IsEmpty() {
		t.Error("10.0.0.0/8 has no public address")
	}
	if MustParse("8.8.8.0/24").Public().IsEmpty() {
		t.Error("8.8.8.0/24 is public")
	}
	if !MustParse("fd00::/8").Public().IsEmpty() {
		t.Error("a ULA prefix is not public")
	}
	if got := MustParse("0.0.0.0/1").Public(); got.IsEmpty() || got.Covers(Internet4) {
		t.Errorf("half the internet: %v", got)
	}
}

func TestSetAlgebra(t *testing.T) {
	a := MustParse("10.0.0.0/16")
	b := MustParse("10.0.1.0/24")
	if !a.Covers(b) || b.Covers(a) || !a.Overlaps(b) {
		t.Error("containment")
	}
	if got := a.Minus(b).Intersect(b); !got.IsEmpty() {
		t.Errorf("minus: %v", got)
	}
	if got := MustParse("0.0.0.0/1").Union(MustParse("128.0.0.0/1")).Prefixes(); strings.Join(got, ",") != "0.0.0.0/0" {
		t.Errorf("union %v", got)
	}
	if MustParse("::/0").Family(IPv4).IsEmpty() == false {
		t.Error("family")
	}
	var zero Set
	if !zero.IsEmpty() || zero.Overlaps(a) {
		t.Error("zero Set must act as empty")
	}
}

func TestBadInputIsReportedNotGuessed(t *testing.T) {
	bad := []string{"", "0.0.0.0", "sg-0123", "999.0.0.0/8", "10.0.0.0/33", "::/129", "fe80::1%eth0/64", "0.0.0.0/0 ; rm", "\x00", "10.0.0.0/-1", "pl-123456"}
	s, got := Parse(append([]string{"10.0.0.0/8"}, bad...))
	if len(got) != len(bad) {
		t.Fatalf("bad %d of %d: %q", len(got), len(bad), got)
	}
	if strings.Join(s.Prefixes(), ",") != "10.0.0.0/8" {
		t.Errorf("good entry lost or bad one kept: %v", s.Prefixes())
	}
	if _, err := ParsePrefix("nope"); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("error must name the input: %v", err)
	}
}

// A hostile list of many tiny prefixes stays fast and exact.
func TestManyPrefixesBounded(t *testing.T) {
	var cidrs []string
	for i := 0; i < 1<<16; i++ {
		cidrs = append(cidrs, fmt.Sprintf("%d.%d.0.0/16", 128+i>>8%128, i&255))
	}
	start := time.Now()
	s, bad := Parse(cidrs)
	if len(bad) > 0 {
		t.Fatal(bad[0])
	}
	if got := s.Prefixes(); len(got) != 1 || got[0] != "128.0.0.0/1" {
		t.Fatalf("65536 /16s make 128.0.0.0/1, got %d prefixes", len(got))
	}
	if s.Union(MustParse("0.0.0.0/1")).OpenFamilies()[0] != IPv4 {
		t.Error("with the other half it is open")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	if !strings.Contains(MustParse("1.0.0.0/8", "3.0.0.0/8", "5.0.0.0/8", "7.0.0.0/8", "9.0.0.0/8").String(), "and 1 more") {
		t.Error("String must truncate")
	}
}

func FuzzParse(f *testing.F) {
	f.Add("0.0.0.0/1", "128.0.0.0/1")
	f.Add("::/1", "8000::/1")
	f.Add("0::/0", "x")
	f.Fuzz(func(t *testing.T, a, b string) {
		s, _ := Parse([]string{a, b})
		pa, errA := ParsePrefix(a)
		if errA == nil && !s.Covers(MustParse(pa.String())) {
			t.Fatalf("%q parsed but not in the set", a)
		}
		_ = s.OpenFamilies()
		_ = s.Public().String()
	})
}

// Covers decides on the merged ranges of both sets; it must agree with
// the definition (nothing of o is left outside s) on sets whose parts
// touch, overlap, nest, and mix families.
func TestCoversAgreesWithMinus(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	v4 := func() string {
		bits := rng.IntN(33)
		return fmt.Sprintf("%d.%d.0.0/%d", rng.IntN(4)*64, rng.IntN(256), bits)
	}
	v6 := func() string { return fmt.Sprintf("%x::/%d", rng.IntN(4)*0x4000, rng.IntN(129)) }
	pick := func() []string {
		var out []string
		for range rng.IntN(4) + 1 {
			if rng.IntN(3) == 0 {
				out = append(out, v6())
			} else {
				out = append(out, v4())
			}
		}
		return out
	}
	fixed := [][2][]string{
		{{"0.0.0.0/1", "128.0.0.0/1"}, {"0.0.0.0/0"}},
		{{"0.0.0.0/1"}, {"0.0.0.0/0"}},
		{{"10.0.0.0/9", "10.128.0.0/9"}, {"10.0.0.0/8"}},
		{{"::/1", "8000::/1"}, {"::/0"}},
		{{"0.0.0.0/0"}, {"0.0.0.0/0", "::/0"}},
		{{}, {}},
	}
	outcomes := map[bool]int{}
	for i := 0; i < 2000; i++ {
		var s, o Set
		if i < len(fixed) {
			s, o = MustParse(fixed[i][0]...), MustParse(fixed[i][1]...)
		} else {
			s, _ = Parse(pick())
			o, _ = Parse(pick())
		}
		got, want := s.Covers(o), o.Minus(s).IsEmpty()
		if got != want {
			t.Fatalf("%v covers %v: got %v, want %v", s.Prefixes(), o.Prefixes(), got, want)
		}
		outcomes[got]++
	}
	if outcomes[true] < 100 || outcomes[false] < 100 {
		t.Fatalf("the random sets decide too few cases both ways: %v", outcomes)
	}
}
