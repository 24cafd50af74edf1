package report

import "testing"

func TestJoinPathSaysRepeatedParallelStepsOnce(t *testing.T) {
	kinds := []string{"nat_gateway", "subnet", "subnet", "subnet"}
	labels := []string{"in subnet a", "routes to this NAT gateway", "routes to this NAT gateway", "routes to this NAT gateway"}
	want := "in subnet a → routes to this NAT gateway (3 subnets)"
	if got := JoinPath(kinds, labels); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	// The same words on steps of different kinds are a chain: both stay.
	if got := JoinPath([]string{"a", "b"}, []string{"x", "x"}); got != "x → x" {
		t.Fatalf("got %q", got)
	}
}
