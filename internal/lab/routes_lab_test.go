//go:build linux

package lab

import (
	"context"
	"net"
	"testing"
	"time"
)

// TestLabRoutesByLongestPrefix brings up routedModel's network and opens
// TCP connections to the canary: the kernel decides by the subnets' own
// route tables, longest prefix first.
func TestLabRoutesByLongestPrefix(t *testing.T) {
	needRoot(t)
	ctx := context.Background()
	l, err := UpNetwork(ctx, routedModel(), testOpts(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	canary := net.JoinHostPort(l.Topo.CanaryIP, "443")
	ln, err := ListenIn(l.Topo.InternetNS, canary)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	for fn, want := range map[string]bool{"halves": true, "shadowed": false, "private": false, "either": true, "control": false} {
		n := l.Topo.Node("aws_lambda_function." + fn)
		dctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		c, err := DialIn(dctx, n.NS, canary)
		cancel()
		if c != nil {
			c.Close()
		}
		if got := err == nil; got != want {
			t.Errorf("%s reaches the canary: %v (%v), want %v; tables %v", fn, got, err, want, n.Tables)
		}
	}
}
