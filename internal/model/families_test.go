package model

import (
	"testing"

	"github.com/letsleep/letsleep/internal/addrset"
)

// A rule open to one address family says nothing of the other: ::/0 does
// not let a function reach an IPv4 database.
func TestOpenOverFamilies(t *testing.T) {
	v4 := map[string]bool{addrset.IPv4: true}
	both := map[string]bool{addrset.IPv4: true, addrset.IPv6: true}
	cases := []struct {
		cidr string
		fams map[string]bool
		want bool
	}{
		{"0.0.0.0/0", v4, true},
		{"::/0", v4, false},
		{"::/0", both, true},
		{"0::/0", v4, false},
		{"10.0.0.0/8", both, false},
		{"not-a-cidr", both, false},
	}
	for _, c := range cases {
		if got := openOver(c.cidr, c.fams); got != c.want {
			t.Errorf("openOver(%q, %v) = %v, want %v", c.cidr, c.fams, got, c.want)
		}
	}
}
