// Package probetest holds loopback listeners for the probe's tests. They
// bind 127.0.0.1 only and close when the test ends.
package probetest

import (
	"net"
	"testing"
)

// HoldingListener accepts connections and holds them open until the test
// ends: a peer that connects and then never speaks.
func HoldingListener(t testing.TB) *net.TCPAddr {
	t.Helper()
	return serve(t, func(c net.Conn) { t.Cleanup(func() { c.Close() }) })
}

// ClosingListener accepts connections and closes each one at once.
func ClosingListener(t testing.TB) *net.TCPAddr {
	t.Helper()
	return serve(t, func(c net.Conn) { c.Close() })
}

func serve(t testing.TB, handle func(net.Conn)) *net.TCPAddr {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			handle(c)
		}
	}()
	return ln.Addr().(*net.TCPAddr)
}
